import { createContext, useContext } from 'react';
import type { Me, Membership } from '@cascade/contracts';
import type { Key, Lang } from './i18n';

/** What every page reads: the language, the user, the unit acted for. */
export interface Ctx {
  t: (k: Key) => string;
  lang: Lang;
  setLang: (l: Lang) => void;
  me: Me | null;
  unit: Membership | null;
  setUnit: (m: Membership | null) => void;
}
export const AppContext = createContext<Ctx>(null as unknown as Ctx);
export const useApp = () => useContext(AppContext);
