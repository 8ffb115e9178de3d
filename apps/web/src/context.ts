import { createContext, useContext } from 'react';
import type { Me, Membership } from '@cascade/contracts';
import type { Key, Lang } from './i18n';
import type { Words } from './words/vocabulary';

/** What every page reads: the language, the user, the unit acted for (null for a system administrator with none). */
export interface Ctx {
  t: (k: Key) => string;
  lang: Lang;
  setLang: (l: Lang) => void;
  me: Me | null;
  unit: Membership | null;
  setUnit: (m: Membership | null) => void;
  /** A code's words from one of the vocabulary's tables. */
  say: (table: Record<string, Words>, code: string | null | undefined) => string;
  /** A number in the language's style: 1.234,5 in Vietnamese. */
  num: (n: number) => string;
}
export const AppContext = createContext<Ctx>(null as unknown as Ctx);
export const useApp = () => useContext(AppContext);
