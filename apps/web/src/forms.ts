import { useRef } from 'react';
import type { FormInstance } from 'antd';
import { ApiFailure } from './api';
import type { Key } from './i18n';

/** A Form.Item's name: a field of the form, or a path into a list (`['fields', 1, 'key']`). */
export type ItemName = (string | number)[];

/**
 * A form that answers for part of a request: the composer's own fields answer for `subject`, the form designer for
 * `reporting.form`, the schedule editor for `reporting.schedule`. `item` names the Form.Item beside which a problem
 * with the rest of the path is shown (`fields.1.key` → `['fields', 1, 'key']`), or null when it has none.
 */
export interface Place {
  prefix: string;
  form: FormInstance;
  item: (rest: ItemName) => ItemName | null;
}

/** A request path as a Form.Item name: `fields.1.key` → `['fields', 1, 'key']`. */
export const pathOf = (field: string): ItemName =>
  field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));

/**
 * The server's 4xx beside the fields it names: each of its fields on the Form.Item of the form that answers for the
 * longest prefix of it (form.setFields), the problems of the last attempt cleared first. `place` returns whether
 * every field found its item; the failure's words are shown on their own otherwise.
 */
export function useServerProblems(places: Place[]) {
  const shown = useRef<{ form: FormInstance; name: ItemName }[]>([]);
  const clear = () => {
    for (const { form, name } of shown.current) form.setFields([{ name, errors: [] }]);
    shown.current = [];
  };
  const place = (failure: ApiFailure): boolean => {
    clear();
    if (!failure.fields.length) return false;
    const byLength = [...places].sort((a, b) => b.prefix.length - a.prefix.length);
    let all = true;
    for (const { field } of failure.fields) {
      const at = byLength.find((p) => !p.prefix || field === p.prefix || field.startsWith(`${p.prefix}.`));
      const name = at?.item(pathOf(at.prefix ? field.slice(at.prefix.length + 1) : field));
      if (!at || !name) {
        all = false;
        continue;
      }
      at.form.setFields([{ name, errors: [failure.message] }]);
      shown.current.push({ form: at.form, name });
    }
    return all;
  };
  return { place, clear };
}

/**
 * The Form.Item a request field names, for `Place.item`: a list of request fields each shown beside the item of its
 * last part (`membership.role` → `role`), or a map of request field to item (`basis.number` → `basisNumber`).
 */
export function fieldsNamed(fields: string[] | Record<string, string>): (rest: ItemName) => ItemName | null {
  const map = Array.isArray(fields)
    ? Object.fromEntries(fields.map((f) => [f, f.split('.').at(-1)!]))
    : fields;
  return (rest) => (map[rest.join('.')] ? [map[rest.join('.')]] : null);
}

/** A failure beside the fields it names (`problems.place`); else its words on their own (`say`). */
export function placeOrSay(
  err: unknown,
  problems: { place: (f: ApiFailure) => boolean },
  say: (words: string) => void,
): void {
  if (!(err instanceof ApiFailure && problems.place(err))) say((err as Error).message);
}

/** The rule of a text that must be filled (blanks are not a value), in the chosen language. */
export const needed = (t: (k: Key) => string) => ({ required: true, whitespace: true, message: t('needed') });
/** The rule of a choice or a day that must be made (no `whitespace`: it would ask a Dayjs to be a string). */
export const picked = (t: (k: Key) => string) => ({ required: true, message: t('needed') });
