import { DateTime } from 'luxon';
import type { PeriodicSchedule } from './schedule';

/**
 * Periodic schedules (weeks, months, quarters, half-years, years) as calendar-day arithmetic: every date here is a
 * Việt Nam day (yyyy-mm-dd), computed in UTC only because days have no zone; the caller turns days into instants.
 */

/** A periodic cycle before the calendar: its label, data period and tier 0's last day before policy and stagger. */
export interface PeriodicBase {
  label: string;
  period: { from: string; to: string };
  lastDay: string;
}

const MONTHS = { month: 1, quarter: 3, 'half-year': 6, year: 12 } as const;
const EVERY = ['week', 'month', 'quarter', 'half-year', 'year'] as const;
const FIRST_MONTH: Record<Exclude<PeriodicSchedule['every'], 'week' | 'month'>, string> = {
  quarter: 'the first month of a quarter (yyyy-01, -04, -07 or -10)',
  'half-year': 'the first month of a half-year (yyyy-01 or -07)',
  year: 'the first month of a year (yyyy-01)',
};
/** Decree 09/2019, art. 12: data is cut off on the 14th; a week's period is the ISO week, Monday to Sunday. */
const DEFAULT_CUTOFF = { week: 7, month: 14 } as const;
const MAX_DUE_MONTH_OFFSET = 12;
const MONTH_NAMES =
  'January February March April May June July August September October November December'.split(' ');

const MONTH = /^(199\d|2[01]\d\d|2200)-(0[1-9]|1[0-2])$/;
const DATE = /^(199\d|2[01]\d\d|2200)-\d{2}-\d{2}$/;

const date = (iso: string): DateTime => DateTime.fromISO(iso, { zone: 'utc' });
const ymd = (d: DateTime): string => d.toISODate()!;
const isInt = (n: unknown, min: number, max: number): n is number =>
  Number.isInteger(n) && (n as number) >= min && (n as number) <= max;
const validDate = (s: unknown): s is string => typeof s === 'string' && DATE.test(s) && date(s).isValid;

const cutoffOf = (s: PeriodicSchedule): number =>
  s.cutoff ?? (s.every === 'week' ? DEFAULT_CUTOFF.week : DEFAULT_CUTOFF.month);

/** The `cutoff`th day of a month (its last day when shorter). */
const cutoffDay = (month: DateTime, cutoff: number): DateTime =>
  month.set({ day: Math.min(cutoff, month.daysInMonth!) });

/** The deadline's base day in `month`: "on the D-th" (its last day when shorter), or the day before "the D-th". */
function dueDay(month: DateTime, rule: PeriodicSchedule['rule'], d: number): DateTime {
  const last = month.daysInMonth!;
  return rule === 'on'
    ? month.set({ day: Math.min(d, last) })
    : month.set({ day: 1 }).plus({ days: Math.min(d, last + 1) - 2 });
}

/** The last day of the week period that holds `d`: the first cut-off weekday on or after it. */
const weekEnd = (d: DateTime, cutoff: number): DateTime => d.plus({ days: (cutoff - d.weekday + 7) % 7 });

function label(last: DateTime, every: PeriodicSchedule['every']): string {
  switch (every) {
    case 'week':
      return last.toFormat("kkkk-'W'WW");
    case 'month':
      return last.toFormat('yyyy-MM');
    case 'quarter':
      return `${last.year}-Q${Math.ceil(last.month / 3)}`;
    case 'half-year':
      return `${last.year}-H${last.month <= 6 ? 1 : 2}`;
    case 'year':
      return `${last.year}`;
  }
}

/** The period whose last month (for weeks: whose cut-off day) is `last`, and its deadline's base day. */
function periodEnding(s: PeriodicSchedule, last: DateTime): PeriodicBase {
  const cutoff = cutoffOf(s);
  let to: DateTime, from: DateTime, due: DateTime;
  if (s.every === 'week') {
    to = last;
    from = to.minus({ days: 6 });
    // The deadline is in the 7 days from the cut-off: "on" weekday D is the first D on or after it, "before" D the
    // day before the first D after it.
    due = to.plus({ days: s.rule === 'on' ? (s.day - cutoff + 7) % 7 : (s.day - cutoff + 6) % 7 });
  } else {
    to = cutoffDay(last, cutoff);
    from = cutoffDay(last.minus({ months: MONTHS[s.every] }), cutoff).plus({ days: 1 });
    due = dueDay(last.plus({ months: s.dueMonthOffset ?? 0 }), s.rule, s.day);
  }
  if (s.periodDays !== undefined) from = to.minus({ days: s.periodDays - 1 });
  return { label: label(last, s.every), period: { from: ymd(from), to: ymd(to) }, lastDay: ymd(due) };
}

/** The last month of each aligned period ending in `year` (for the checks below). */
function lastMonthsOf(every: keyof typeof MONTHS, year: number): DateTime[] {
  const n = MONTHS[every];
  return Array.from({ length: 12 / n }, (_, i) => date(`${year}-01-01`).plus({ months: i * n + n - 1 }));
}

const lengthOf = (p: PeriodicBase['period']): number =>
  Math.round(date(p.to).diff(date(p.from), 'days').days) + 1;

/** Problems with a periodic schedule, as `field: message` strings; empty when valid. */
export function periodicProblems(s: PeriodicSchedule): string[] {
  if (!(EVERY as readonly unknown[]).includes(s.every))
    return ['every: must be week, month, quarter, half-year or year'];
  const problems: string[] = [];
  const week = s.every === 'week';
  if (s.rule !== 'on' && s.rule !== 'before') problems.push("rule: must be 'on' or 'before'");
  if (week ? !isInt(s.day, 1, 7) : !isInt(s.day, 1, 31))
    problems.push(week ? 'day: must be a weekday 1-7 (Monday-Sunday)' : 'day: must be 1-31');
  if (s.cutoff !== undefined && (week ? !isInt(s.cutoff, 1, 7) : !isInt(s.cutoff, 1, 31)))
    problems.push(week ? 'cutoff: must be a weekday 1-7 (Monday-Sunday)' : 'cutoff: must be a day 1-31');
  if (s.dueMonthOffset !== undefined) {
    if (week)
      problems.push("dueMonthOffset: not for weeks (a week's deadline falls in the 7 days from its cut-off)");
    else if (!isInt(s.dueMonthOffset, 0, MAX_DUE_MONTH_OFFSET))
      problems.push(`dueMonthOffset: must be a whole number 0-${MAX_DUE_MONTH_OFFSET}`);
  }
  if (week) {
    if (!validDate(s.from)) problems.push('from: must be a date yyyy-mm-dd (a day of the first week)');
    else if (s.until !== undefined && (!validDate(s.until) || s.until < s.from))
      problems.push('until: must be a date yyyy-mm-dd (a day of the last week), not before from');
  } else {
    if (typeof s.from !== 'string' || !MONTH.test(s.from)) problems.push('from: must be a month yyyy-mm');
    else if ((Number(s.from.slice(5)) - 1) % MONTHS[s.every as keyof typeof MONTHS] !== 0)
      problems.push(`from: must be ${FIRST_MONTH[s.every as keyof typeof FIRST_MONTH]}`);
    else if (
      s.until !== undefined &&
      (typeof s.until !== 'string' || !MONTH.test(s.until) || s.until < s.from)
    )
      problems.push('until: must be a month yyyy-mm (a month of the last period), not before from');
  }
  if (s.periodDays !== undefined && !isInt(s.periodDays, 1, 366))
    problems.push('periodDays: must be a whole number of days, at least 1');
  if (problems.length) return problems;

  // The shortest cycle and the earliest deadline recur within two years, one of them a leap year.
  const full: PeriodicSchedule = { ...s, periodDays: undefined };
  const ends = week
    ? [weekEnd(date('2024-01-01'), cutoffOf(s))]
    : [2023, 2024].flatMap((y) => lastMonthsOf(s.every as keyof typeof MONTHS, y));
  const samples = ends.map((end) => periodEnding(full, end));
  const shortest = Math.min(...samples.map((p) => lengthOf(p.period)));
  if (s.periodDays !== undefined && s.periodDays > shortest)
    problems.push(`periodDays: must not be longer than the cycle (${shortest} days)`);
  const early = samples.find((p) => p.lastDay < p.period.to);
  if (early)
    problems.push(
      `day: the deadline must not fall before the period ends (in ${MONTH_NAMES[date(early.period.to).month - 1]}: ` +
        `day ${date(early.lastDay).day}, before the cut-off on day ${date(early.period.to).day}); choose a later ` +
        'day or a dueMonthOffset',
    );
  return problems;
}

/** The first period's last month (for weeks: its cut-off day). */
function firstEnd(s: PeriodicSchedule): DateTime {
  if (s.every === 'week') return weekEnd(date(s.from), cutoffOf(s));
  return date(`${s.from}-01`).plus({ months: MONTHS[s.every] - 1 });
}

/** The number of cycles of a valid periodic schedule, or null when it runs until the directive is closed. */
export function periodicCount(s: PeriodicSchedule): number | null {
  if (s.until === undefined) return null;
  const first = firstEnd(s);
  if (s.every === 'week')
    return Math.round(weekEnd(date(s.until), cutoffOf(s)).diff(first, 'days').days) / 7 + 1;
  const until = date(`${s.until}-01`);
  const months = Math.round(until.diff(date(`${s.from}-01`), 'months').months);
  return Math.floor(months / MONTHS[s.every]) + 1;
}

/** The cycle at `index` of a valid periodic schedule, before the calendar (policy, stagger) moves its deadline. */
export function periodicCycle(s: PeriodicSchedule, index: number): PeriodicBase {
  const first = firstEnd(s);
  return periodEnding(
    s,
    s.every === 'week' ? first.plus({ days: 7 * index }) : first.plus({ months: MONTHS[s.every] * index }),
  );
}
