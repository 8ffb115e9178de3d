import { DateTime } from 'luxon';
import type { HolidayCalendar } from './holidays';

/** Every deadline is a day in Việt Nam (UTC+7, no daylight saving time). */
export const VN_ZONE = 'Asia/Ho_Chi_Minh';

/**
 * A reporting schedule, as data (never code), covering what directives say:
 * - monthly: "định kỳ ngày 08 hàng tháng" (`rule: 'on'`, day 8), "trước ngày 15 hàng tháng kể từ tháng 01/2020"
 *   (`rule: 'before'`, day 15, from 2020-01), optionally until a month;
 * - dates: a list of days;
 * - phases: "Đợt 1 … Đợt 4", each with its own window;
 * - interval: every N seconds from an instant, or from dispatch when `start` is absent (demos and tests);
 * - adhoc: "kịp thời" — report when something happens, no deadline.
 */
export type Schedule =
  | { kind: 'monthly'; rule: 'on' | 'before'; day: number; from: string; until?: string }
  | { kind: 'dates'; dates: string[] }
  | { kind: 'phases'; phases: { name: string; opens: string; closes: string }[] }
  | { kind: 'interval'; start?: string; everySeconds: number; count: number }
  | { kind: 'adhoc' };

/** What happens to a deadline that falls on a weekend or a holiday. */
export type NonWorkingDayPolicy = 'keep' | 'previous-working-day' | 'next-working-day';

export interface DeadlineOptions {
  calendar: HolidayCalendar;
  policy: NonWorkingDayPolicy;
  /**
   * Staggering by tier, counted from the bottom of the routing tree (0: grassroots, 1: district, 2: province…): days
   * added to the schedule's day (seconds, for interval schedules). [0, 2, 4] gives the 8th, 10th and 12th.
   */
  stagger?: readonly number[];
  /** How many tiers to compute (default: the length of `stagger`, at least 1). */
  tiers?: number;
}

export interface Cycle {
  index: number;
  /** "2020-01", "Đợt 2", "2024-03-08", "#3". */
  label: string;
  /** When the cycle opens (ISO instant). */
  opensAt: string;
  /** Per tier: the last day a report is on time (yyyy-mm-dd, Việt Nam), null for interval schedules. */
  lastDays: (string | null)[];
  /** Per tier: the deadline, the first instant at which a report is late (ISO, UTC). */
  deadlines: string[];
}

export class ScheduleError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ScheduleError';
  }
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const day = (iso: string): DateTime => DateTime.fromISO(iso, { zone: VN_ZONE }).startOf('day');
const isoDay = (d: DateTime): string => d.toISODate()!;
const instant = (d: DateTime): string => d.toUTC().toISO()!;

/** Problems with a schedule, as `field: message` strings; empty when valid. */
export function scheduleProblems(schedule: Schedule): string[] {
  const problems: string[] = [];
  const validDay = (s: unknown) => typeof s === 'string' && DATE.test(s) && day(s).isValid;
  if (!schedule || typeof schedule !== 'object')
    return ['kind: must be monthly, dates, phases, interval or adhoc'];
  switch (schedule.kind) {
    case 'monthly':
      if (schedule.rule !== 'on' && schedule.rule !== 'before')
        problems.push("rule: must be 'on' or 'before'");
      if (typeof schedule.from !== 'string') return [...problems, 'from: must be a month yyyy-mm'];
      if (!Number.isInteger(schedule.day) || schedule.day < 1 || schedule.day > 31)
        problems.push('day: must be 1-31');
      if (!MONTH.test(schedule.from)) problems.push('from: must be a month yyyy-mm');
      if (schedule.until !== undefined && (!MONTH.test(schedule.until) || schedule.until < schedule.from)) {
        problems.push('until: must be a month yyyy-mm, not before from');
      }
      break;
    case 'dates':
      if (!Array.isArray(schedule.dates)) return ['dates: must be a list of dates'];
      if (!schedule.dates.length) problems.push('dates: at least one date');
      schedule.dates.forEach((d, i) => validDay(d) || problems.push(`dates.${i}: must be a date yyyy-mm-dd`));
      break;
    case 'phases':
      if (!Array.isArray(schedule.phases)) return ['phases: must be a list of phases'];
      if (!schedule.phases.length) problems.push('phases: at least one phase');
      schedule.phases.forEach((p, i) => {
        if (!p || typeof p !== 'object')
          return void problems.push(`phases.${i}: must be { name, opens, closes }`);
        if (!validDay(p.opens)) problems.push(`phases.${i}.opens: must be a date yyyy-mm-dd`);
        if (!validDay(p.closes)) problems.push(`phases.${i}.closes: must be a date yyyy-mm-dd`);
        else if (p.closes < p.opens) problems.push(`phases.${i}.closes: must not be before opens`);
      });
      break;
    case 'interval':
      if (
        schedule.start !== undefined &&
        (typeof schedule.start !== 'string' || !DateTime.fromISO(schedule.start, { setZone: true }).isValid)
      ) {
        problems.push('start: must be an ISO instant');
      }
      if (!Number.isInteger(schedule.everySeconds) || schedule.everySeconds < 1)
        problems.push('everySeconds: must be a positive integer');
      if (!Number.isInteger(schedule.count) || schedule.count < 1 || schedule.count > 10_000)
        problems.push('count: must be 1-10000');
      break;
    case 'adhoc':
      break;
    default:
      problems.push('kind: must be monthly, dates, phases, interval or adhoc');
  }
  return problems;
}

export function isWorkingDay(date: string, calendar: HolidayCalendar): boolean {
  const d = day(date);
  if (!calendar.years.has(d.year)) {
    throw new ScheduleError('calendar', `no holiday calendar is loaded for ${d.year}`);
  }
  if (calendar.workdays?.has(date)) return true;
  return d.weekday <= 5 && !calendar.holidays.has(date);
}

/** Moves a last day off a weekend or holiday, as the policy says. */
export function applyPolicy(date: string, calendar: HolidayCalendar, policy: NonWorkingDayPolicy): string {
  if (policy === 'keep') {
    isWorkingDay(date, calendar); // still insist on a calendar for the year
    return date;
  }
  const step = policy === 'previous-working-day' ? -1 : 1;
  let d = day(date);
  for (let i = 0; i < 40 && !isWorkingDay(isoDay(d), calendar); i++) d = d.plus({ days: step });
  return isoDay(d);
}

/** The number of cycles, or null when the schedule runs until the directive is closed. */
export function cycleCount(schedule: Schedule): number | null {
  switch (schedule.kind) {
    case 'monthly': {
      if (!schedule.until) return null;
      const from = day(`${schedule.from}-01`);
      const until = day(`${schedule.until}-01`);
      return Math.round(until.diff(from, 'months').months) + 1;
    }
    case 'dates':
      return schedule.dates.length;
    case 'phases':
      return schedule.phases.length;
    case 'interval':
      return schedule.count;
    case 'adhoc':
      return 0;
  }
}

function tierCount(options: DeadlineOptions): number {
  return Math.max(1, options.tiers ?? options.stagger?.length ?? 1);
}

/** The offset of a tier; tiers above the listed ones keep the last offset (never earlier than the level below). */
function staggerOf(options: DeadlineOptions, tier: number): number {
  const s = options.stagger;
  return s?.length ? s[Math.min(tier, s.length - 1)] : 0;
}

/**
 * The schedule with its relative parts fixed: an interval schedule without `start` starts at dispatch. Workflows and
 * the API resolve the stored schedule with the directive's dispatch instant before computing cycles.
 */
export function resolveSchedule(schedule: Schedule, dispatchedAt: string | null): Schedule {
  if (schedule.kind === 'interval' && schedule.start === undefined) {
    if (!dispatchedAt)
      throw new ScheduleError('start', 'the schedule starts at dispatch, which has not happened');
    return { ...schedule, start: dispatchedAt };
  }
  return schedule;
}

function withDays(
  base: string,
  label: string,
  index: number,
  opensAt: string,
  options: DeadlineOptions,
): Cycle {
  const lastDays: string[] = [];
  const deadlines: string[] = [];
  for (let tier = 0; tier < tierCount(options); tier++) {
    const shifted = isoDay(day(base).plus({ days: staggerOf(options, tier) }));
    const last = applyPolicy(shifted, options.calendar, options.policy);
    lastDays.push(last);
    deadlines.push(instant(day(last).plus({ days: 1 })));
  }
  return { index, label, opensAt, lastDays, deadlines };
}

/** The cycle at `index` (0-based), or null past the last one. Pure: workflows call it to set their timers. */
export function cycleAt(schedule: Schedule, index: number, options: DeadlineOptions): Cycle | null {
  const problems = scheduleProblems(schedule);
  if (problems.length) throw new ScheduleError('schedule', problems.join('; '));
  const count = cycleCount(schedule);
  if (index < 0 || (count !== null && index >= count)) return null;
  switch (schedule.kind) {
    case 'monthly': {
      const month = day(`${schedule.from}-01`).plus({ months: index });
      const lastOfMonth = month.endOf('month').day;
      // "on the 8th": the 8th is the last day; "before the 15th": the 14th is (the last day of the previous month
      // for "before the 1st").
      const base =
        schedule.rule === 'on'
          ? month.plus({ days: Math.min(schedule.day, lastOfMonth) - 1 })
          : month.plus({ days: Math.min(schedule.day, lastOfMonth + 1) - 1 }).minus({ days: 1 });
      return withDays(isoDay(base), month.toFormat('yyyy-MM'), index, instant(month), options);
    }
    case 'dates': {
      const dates = [...schedule.dates].sort();
      const opens = index === 0 ? day(dates[0]).startOf('month') : day(dates[index - 1]).plus({ days: 1 });
      return withDays(dates[index], dates[index], index, instant(opens), options);
    }
    case 'phases': {
      const phase = schedule.phases[index];
      return withDays(phase.closes, phase.name, index, instant(day(phase.opens)), options);
    }
    case 'interval': {
      if (schedule.start === undefined)
        throw new ScheduleError('start', 'resolve the schedule at dispatch first');
      const start = DateTime.fromISO(schedule.start, { setZone: true });
      const opens = start.plus({ seconds: schedule.everySeconds * index });
      const deadlines = Array.from({ length: tierCount(options) }, (_, tier) =>
        instant(opens.plus({ seconds: schedule.everySeconds + staggerOf(options, tier) })),
      );
      return {
        index,
        label: `#${index + 1}`,
        opensAt: instant(opens),
        lastDays: deadlines.map(() => null),
        deadlines,
      };
    }
    case 'adhoc':
      return null;
  }
}

/** Every cycle whose tier-0 deadline falls in [from, to) (ISO instants), in order. */
export function cyclesBetween(
  schedule: Schedule,
  from: string,
  to: string,
  options: DeadlineOptions,
): Cycle[] {
  const result: Cycle[] = [];
  const limit = cycleCount(schedule) ?? 10_000;
  [from, to] = [from, to].map((t) => instant(DateTime.fromISO(t, { setZone: true })));
  for (let i = 0; i < limit; i++) {
    const cycle = cycleAt(schedule, i, options);
    if (!cycle) break;
    if (cycle.deadlines[0] >= to) break;
    if (cycle.deadlines[0] >= from) result.push(cycle);
  }
  return result;
}
