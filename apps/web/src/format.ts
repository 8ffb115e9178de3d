import type { ReportingRequirement } from '@cascade/contracts';
import type { Schedule } from '@cascade/domain';

/** Dates and values as the screens show them: Việt Nam days dd/mm/yyyy, instants in Việt Nam time. */
export const dmy = (day: string | null | undefined): string =>
  day ? day.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$3/$2/$1') : '—';

const CLOCK = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
export const when = (iso: string | null | undefined): string =>
  iso ? CLOCK.format(new Date(iso)).replace(',', '') : '—';
/** An instant's day in Việt Nam, dd/mm/yyyy. */
export const vnDay = (iso: string | null | undefined): string => (iso ? when(iso).slice(0, 10) : '—');

/** A collected field of an aggregate, read by page: how many answers, and the first of them. */
const isAnswers = (v: unknown): v is { count: number; items?: { value?: unknown; unitName?: string }[] } =>
  typeof v === 'object' && v !== null && typeof (v as { count?: unknown }).count === 'number';

/** How values are worded: the form's labels by key, numbers in the language's style, yes and no. */
export interface ValueWords {
  labels?: Record<string, string>;
  num?: (n: number) => string;
  yes?: string;
  no?: string;
}

/** One value as it reads: a number in style, yes/no, a text answer, the collected answers (their count and first). */
export const valueText = (v: unknown, words: ValueWords = {}): string => {
  const num = words.num ?? String;
  if (typeof v === 'number') return num(v);
  if (typeof v === 'boolean') return v ? (words.yes ?? 'yes') : (words.no ?? 'no');
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => valueText(x, words)).join('; ');
  if (isAnswers(v)) {
    const first = (v.items ?? [])
      .map((a) => (a.value === undefined || a.value === null ? '' : valueText(a.value, words)))
      .filter(Boolean);
    return first.length
      ? `${first.slice(0, 3).join('; ')}${v.count > 3 ? ` (${num(v.count)})` : ''}`
      : num(v.count);
  }
  return v === null || v === undefined ? '—' : JSON.stringify(v);
};

/** "Số buổi: 3; Kết quả: …": a report's or an aggregate's values, by the form's labels. */
export const valuesText = (
  values: Record<string, unknown> | null | undefined,
  words: ValueWords = {},
): string =>
  Object.entries(values ?? {})
    .map(([k, v]) => `${words.labels?.[k] ?? k}: ${valueText(v, words)}`)
    .join('; ');

/** The labels of a form's fields, by key. */
export const labelsOf = (fields: { key: string; label: string }[] | undefined): Record<string, string> =>
  Object.fromEntries((fields ?? []).map((f) => [f.key, f.label]));

/** "A", "A và B", "A, B và C". */
export const joinAnd = (items: string[], and: string): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1]}`;

export interface ScheduleTab {
  key: string;
  name?: string;
  schedule: Schedule;
}

/** Every schedule of a requirement, the main one first (key "main"), as the API numbers them. */
export const schedulesOf = (reporting: ReportingRequirement | undefined): ScheduleTab[] =>
  reporting ? [{ key: 'main', schedule: reporting.schedule }, ...(reporting.schedules ?? [])] : [];

/** The query part naming a schedule other than the main one. */
export const scheduleQuery = (key: string): string => (key === 'main' ? '' : `&schedule=${key}`);
