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

/** A collected field of an aggregate, read by page: how many answers, and the first of them. */
const isAnswers = (v: unknown): v is { count: number } =>
  typeof v === 'object' && v !== null && typeof (v as { count?: unknown }).count === 'number';

/** "sessions: 3; done: 2": a report's or an aggregate's values (a list, or collected answers, by their count). */
export const valuesText = (values: Record<string, unknown> | null | undefined): string =>
  Object.entries(values ?? {})
    .map(
      ([k, v]) =>
        `${k}: ${Array.isArray(v) ? v.length : isAnswers(v) ? v.count : typeof v === 'string' ? v : JSON.stringify(v)}`,
    )
    .join('; ');

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
