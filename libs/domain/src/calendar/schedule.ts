import { DateTime } from 'luxon';
import { statutoryDaysOff, yearState, type HolidayCalendar } from './holidays';
import { periodicCount, periodicCycle, periodicProblems } from './periodic';

/** Every deadline is a day in Việt Nam (UTC+7, no daylight saving time). */
export const VN_ZONE = 'Asia/Ho_Chi_Minh';

/**
 * A reporting schedule, as data (never code), covering what directives say:
 * - monthly: "định kỳ ngày 08 hàng tháng" (`rule: 'on'`, day 8), "trước ngày 15 hàng tháng kể từ tháng 01/2020"
 *   (`rule: 'before'`, day 15, from 2020-01), optionally until a month;
 * - periodic: every week, month, quarter, half-year or year, with Decree 09/2019's data periods (the 15th of the
 *   month before to the 14th of the period's last month, or another `cutoff`; a week Monday to Sunday by default) and
 *   a deadline on or before a day of the period's last month (`dueMonthOffset` months later) or, for weeks, a weekday
 *   in the 7 days from the cut-off: `{ every: 'quarter', rule: 'on', day: 20, from: '2026-01' }` is due 20 March,
 *   20 June… for the data of 15 December – 14 March, 15 March – 14 June…;
 * - dates: a list of days;
 * - phases: "Đợt 1 … Đợt 4", each with its own window, in time order, never overlapping; the last may be open-ended
 *   (no `closes`: its cycle has no deadline until the issuer closes it);
 * - interval: every N seconds from an instant, or from dispatch when `start` is absent (demos and tests);
 * - adhoc: "kịp thời" — one cycle, open from dispatch, with no deadline: units report whenever something happens.
 */
export type Schedule =
  | { kind: 'monthly'; rule: 'on' | 'before'; day: number; from: string; until?: string }
  | { kind: 'dates'; dates: string[] }
  | PeriodicSchedule
  | { kind: 'phases'; phases: Phase[] }
  | { kind: 'interval'; start?: string; everySeconds: number; count: number }
  | AdhocSchedule;

/** A phase of a plan ("Đợt 2"): its window; without `closes` it stays open until the issuer closes it ("Sau Đại hội"). */
export interface Phase {
  name: string;
  opens: string;
  closes?: string;
}

/**
 * "Kịp thời": a unit reports whenever something happens while the directive is open. Each report is numbered; the
 * hub's aggregate updates as they come and goes up at once, or as a digest every `digestSeconds`; a unit that has
 * reported nothing `remindAfterSeconds` after dispatch is reminded once (absent: never).
 */
export interface AdhocSchedule {
  kind: 'adhoc';
  /** Set at dispatch (resolveSchedule), like an interval schedule's start. */
  start?: string;
  digestSeconds?: number;
  remindAfterSeconds?: number;
}

/**
 * Weekly, monthly, quarterly, half-yearly and yearly reporting, each with its data period (Decree 09/2019, art. 12:
 * the monthly period runs from the 15th of the previous month to the 14th of the reporting month; quarters, halves
 * and years follow the same rule).
 */
export interface PeriodicSchedule {
  kind: 'periodic';
  every: 'week' | 'month' | 'quarter' | 'half-year' | 'year';
  /** The deadline: 'on' the day (the last day on time) or 'before' it (the day before is). */
  rule: 'on' | 'before';
  /** For weeks a weekday (1 Monday - 7 Sunday), else a day of the month. */
  day: number;
  /** Months after the period's last month in which the deadline falls (0, the default: that month). */
  dueMonthOffset?: number;
  /** The first period: yyyy-mm (its first month) or, for weeks, yyyy-mm-dd (a day of its first week). */
  from: string;
  /** The last period, in the same form (absent: until the directive is closed). */
  until?: string;
  /** The data cut-off: a day of the month (default 14, Decree 09/2019) or, for weeks, a weekday. */
  cutoff?: number;
  /** The data period's length in days, when shorter than the cycle (never longer). */
  periodDays?: number;
}

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
  /**
   * The days the report covers (yyyy-mm-dd, Việt Nam): from the day after the previous cycle's day to this cycle's
   * day ("before the 15th": the 15th of last month to the 14th, Decree 09/2019's cut-off), a periodic schedule's
   * data period (the cycle opens when it starts), a phase's window; null for interval schedules and open-ended cycles.
   */
  period: { from: string; to: string } | null;
  /** Whether a deadline was computed from a year whose days off are not announced yet (they may still move). */
  provisional: boolean;
  /** Per tier: the last day a report is on time (yyyy-mm-dd, Việt Nam), null for interval and open-ended cycles. */
  lastDays: (string | null)[];
  /** Per tier: the deadline, the first instant at which a report is late (ISO, UTC); OPEN_ENDED for an open cycle. */
  deadlines: string[];
  /** A cycle with no deadline (ad hoc, an open-ended phase): period null, no last days, deadlines OPEN_ENDED. */
  openEnded?: boolean;
}

/** The deadline of an open-ended cycle: an instant (the end of 9999 in Việt Nam) that no deadline reaches. */
export const OPEN_ENDED = '9999-12-31T17:00:00.000Z';
/** What an ad hoc schedule's one cycle is called ("as things happen"). */
export const ADHOC_LABEL = 'Kịp thời';

export class ScheduleError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ScheduleError';
  }
}

const MONTH = /^(199\d|2[01]\d\d|2200)-(0[1-9]|1[0-2])$/;
const DATE = /^(199\d|2[01]\d\d|2200)-\d{2}-\d{2}$/;
/** The longest interval between cycles, and the longest an interval schedule may run: a year, and 20 years. */
const MAX_INTERVAL_SECONDS = 366 * 86_400;
const MAX_INTERVAL_SPAN_SECONDS = 20 * 366 * 86_400;

const day = (iso: string): DateTime => DateTime.fromISO(iso, { zone: VN_ZONE }).startOf('day');
const isoDay = (d: DateTime): string => d.toISODate()!;
const instant = (d: DateTime): string => d.toUTC().toISO()!;

/** Problems with a schedule, as `field: message` strings; empty when valid. */
export function scheduleProblems(schedule: Schedule): string[] {
  const problems: string[] = [];
  const validDay = (s: unknown) => typeof s === 'string' && DATE.test(s) && day(s).isValid;
  if (!schedule || typeof schedule !== 'object')
    return ['kind: must be monthly, periodic, dates, phases, interval or adhoc'];
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
      problems.push(...phaseProblems(schedule.phases, validDay));
      break;
    case 'interval':
      problems.push(...startProblems(schedule.start));
      if (
        !Number.isInteger(schedule.everySeconds) ||
        schedule.everySeconds < 1 ||
        schedule.everySeconds > MAX_INTERVAL_SECONDS
      )
        problems.push(`everySeconds: must be a whole number 1-${MAX_INTERVAL_SECONDS} (a year)`);
      else if (
        Number.isInteger(schedule.count) &&
        schedule.everySeconds * schedule.count > MAX_INTERVAL_SPAN_SECONDS
      )
        problems.push('count: the schedule would run for more than 20 years');
      if (!Number.isInteger(schedule.count) || schedule.count < 1 || schedule.count > 10_000)
        problems.push('count: must be 1-10000');
      break;
    case 'adhoc':
      problems.push(...startProblems(schedule.start));
      for (const field of ['digestSeconds', 'remindAfterSeconds'] as const) {
        const n = schedule[field];
        if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > MAX_INTERVAL_SECONDS))
          problems.push(`${field}: must be a whole number 1-${MAX_INTERVAL_SECONDS} (a year)`);
      }
      break;
    case 'periodic':
      problems.push(...periodicProblems(schedule));
      break;
    default:
      problems.push('kind: must be monthly, periodic, dates, phases, interval or adhoc');
  }
  return problems;
}

function startProblems(start: unknown): string[] {
  return start !== undefined &&
    (typeof start !== 'string' || !DateTime.fromISO(start, { setZone: true }).isValid)
    ? ['start: must be an ISO instant']
    : [];
}

/** A phase's window as text, for messages. */
const windowOf = (p: Phase) => (p.closes ? `${p.opens} to ${p.closes}` : `from ${p.opens}, open-ended`);

/** The phases with their indexes as given, in time order (by opening; as given when two open together). */
const phasesInOrder = (phases: readonly Phase[]) =>
  phases
    .map((phase, i) => ({ phase, i }))
    .sort((a, b) => (a.phase.opens < b.phase.opens ? -1 : a.phase.opens > b.phase.opens ? 1 : a.i - b.i));

/** Each phase's own problems, then duplicate names, open ends other than the last and overlapping windows. */
function phaseProblems(phases: readonly Phase[], validDay: (s: unknown) => boolean): string[] {
  const problems: string[] = [];
  const names = new Map<string, number>();
  phases.forEach((p, i) => {
    if (!p || typeof p !== 'object')
      return void problems.push(`phases.${i}: must be { name, opens, closes }`);
    if (typeof p.name !== 'string' || !p.name.trim()) problems.push(`phases.${i}.name: must be a name`);
    else {
      const name = p.name.normalize('NFC').trim();
      const first = names.get(name);
      if (first !== undefined) problems.push(`phases.${i}.name: "${name}" is already phase ${first}'s name`);
      else names.set(name, i);
    }
    if (!validDay(p.opens)) problems.push(`phases.${i}.opens: must be a date yyyy-mm-dd`);
    if (p.closes !== undefined) {
      if (!validDay(p.closes)) problems.push(`phases.${i}.closes: must be a date yyyy-mm-dd`);
      else if (p.closes < p.opens) problems.push(`phases.${i}.closes: must not be before opens`);
    }
  });
  if (problems.length) return problems;
  const ordered = phasesInOrder(phases);
  // Each phase against the one before it that closes last (an open-ended one never does): any overlap shows there.
  let latest: { phase: Phase; i: number } | undefined;
  ordered.forEach((o, k) => {
    if (o.phase.closes === undefined && k < ordered.length - 1)
      problems.push(`phases.${o.i}.closes: only the last phase may be open-ended`);
    const end = latest?.phase.closes;
    if (latest && (end === undefined || o.phase.opens <= end))
      problems.push(`phases.${o.i}.opens: overlaps phase ${latest.i} (${windowOf(latest.phase)})`);
    if (!latest || (end !== undefined && (o.phase.closes === undefined || o.phase.closes > end))) latest = o;
  });
  return problems;
}

/**
 * Whether a day is worked. A year the calendar does not hold is computed from the Labour Code when the calendar
 * allows it (`statutory`), else refused. `consulted` collects the years looked at.
 */
export function isWorkingDay(date: string, calendar: HolidayCalendar, consulted?: Set<number>): boolean {
  const d = day(date);
  consulted?.add(d.year);
  if (!calendar.years.has(d.year)) {
    if (!calendar.statutory)
      throw new ScheduleError('calendar', `no holiday calendar is loaded for ${d.year}`);
    return d.weekday <= 5 && !statutoryDaysOff(d.year).has(date);
  }
  if (calendar.workdays?.has(date)) return true;
  return d.weekday <= 5 && !calendar.holidays.has(date);
}

/** Moves a last day off a weekend or holiday, as the policy says (`keep` needs no calendar at all). */
export function applyPolicy(
  date: string,
  calendar: HolidayCalendar,
  policy: NonWorkingDayPolicy,
  consulted?: Set<number>,
): string {
  if (policy === 'keep') return date;
  const step = policy === 'previous-working-day' ? -1 : 1;
  let d = day(date);
  for (let i = 0; i < 40 && !isWorkingDay(isoDay(d), calendar, consulted); i++) d = d.plus({ days: step });
  return isoDay(d);
}

/**
 * Problems with a stagger, per tier from the grassroots up: days (at most 366), or seconds for interval schedules
 * (at most a year's).
 */
export function staggerProblems(stagger: unknown, kind?: Schedule['kind']): string[] {
  if (stagger === undefined || stagger === null) return [];
  if (!Array.isArray(stagger) || stagger.length > 10)
    return ['stagger: must be a list of at most 10 offsets'];
  const problems: string[] = [];
  const max = kind === 'interval' ? MAX_INTERVAL_SECONDS : 366;
  stagger.forEach((s, i) => {
    if (!Number.isInteger(s) || (s as number) < 0 || (s as number) > max)
      problems.push(
        `stagger.${i}: must be a whole number 0-${max} (${kind === 'interval' ? 'seconds' : 'days'})`,
      );
    else if (i > 0 && Number.isInteger(stagger[i - 1]) && (s as number) < (stagger[i - 1] as number))
      problems.push(
        `stagger.${i}: must not be less than the tier below (${stagger[i - 1]}): a level is due after its units`,
      );
  });
  return problems;
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
    case 'periodic':
      return periodicCount(schedule);
    case 'adhoc':
      return 1;
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
 * The schedule with its relative parts fixed: an interval or ad hoc schedule without `start` starts at dispatch.
 * Workflows and the API resolve the stored schedule with the directive's dispatch instant before computing cycles.
 */
export function resolveSchedule(schedule: Schedule, dispatchedAt: string | null): Schedule {
  if ((schedule.kind === 'interval' || schedule.kind === 'adhoc') && schedule.start === undefined) {
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
  period: Cycle['period'],
  options: DeadlineOptions,
): Cycle {
  const lastDays: string[] = [];
  const deadlines: string[] = [];
  const consulted = new Set<number>();
  for (let tier = 0; tier < tierCount(options); tier++) {
    const shifted = isoDay(day(base).plus({ days: staggerOf(options, tier) }));
    let last = applyPolicy(shifted, options.calendar, options.policy, consulted);
    // A level is never due before the level below it, whatever the policy did to either day.
    if (tier > 0 && last < lastDays[tier - 1]) last = lastDays[tier - 1];
    lastDays.push(last);
    deadlines.push(instant(day(last).plus({ days: 1 })));
  }
  const provisional = [...consulted].some((y) => yearState(options.calendar, y) === 'provisional');
  return { index, label, opensAt, period, provisional, lastDays, deadlines };
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
      // "on the 8th": the 8th is the last day; "before the 15th": the 14th is (the last day of the previous month
      // for "before the 1st").
      const baseOf = (m: DateTime) => {
        const last = m.endOf('month').day;
        return schedule.rule === 'on'
          ? m.plus({ days: Math.min(schedule.day, last) - 1 })
          : m.plus({ days: Math.min(schedule.day, last + 1) - 1 }).minus({ days: 1 });
      };
      const base = baseOf(month);
      const period = { from: isoDay(baseOf(month.minus({ months: 1 })).plus({ days: 1 })), to: isoDay(base) };
      return withDays(isoDay(base), month.toFormat('yyyy-MM'), index, instant(month), period, options);
    }
    case 'dates': {
      const dates = [...schedule.dates].sort();
      const opens = index === 0 ? day(dates[0]).startOf('month') : day(dates[index - 1]).plus({ days: 1 });
      const period = { from: isoDay(opens), to: dates[index] };
      return withDays(dates[index], dates[index], index, instant(opens), period, options);
    }
    case 'periodic': {
      const p = periodicCycle(schedule, index);
      return withDays(p.lastDay, p.label, index, instant(day(p.period.from)), p.period, options);
    }
    case 'phases': {
      const { phase } = phasesInOrder(schedule.phases)[index];
      const opensAt = instant(day(phase.opens));
      if (phase.closes === undefined) return openCycle(index, phase.name, opensAt, options);
      const period = { from: phase.opens, to: phase.closes };
      return withDays(phase.closes, phase.name, index, opensAt, period, options);
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
        period: null,
        provisional: false,
        lastDays: deadlines.map(() => null),
        deadlines,
      };
    }
    case 'adhoc':
      if (schedule.start === undefined)
        throw new ScheduleError('start', 'resolve the schedule at dispatch first');
      return openCycle(
        index,
        ADHOC_LABEL,
        instant(DateTime.fromISO(schedule.start, { setZone: true })),
        options,
      );
  }
}

/** A cycle without a deadline (ad hoc, an open-ended phase): open until the directive or the issuer closes it. */
function openCycle(index: number, label: string, opensAt: string, options: DeadlineOptions): Cycle {
  const tiers = tierCount(options);
  return {
    index,
    label,
    opensAt,
    period: null,
    provisional: false,
    lastDays: Array.from({ length: tiers }, () => null),
    deadlines: Array.from({ length: tiers }, () => OPEN_ENDED),
    openEnded: true,
  };
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

/** A cycle as it is stored and shown: each tier's last day and deadline together. */
export interface CycleView {
  index: number;
  label: string;
  opensAt: string;
  period: { from: string; to: string } | null;
  deadlines: { tier: number; lastDay: string | null; at: string }[];
  provisional: boolean;
  /** As Cycle's: no deadline (its `at` are OPEN_ENDED). */
  openEnded?: boolean;
}

export const cycleView = (c: Cycle): CycleView => ({
  index: c.index,
  label: c.label,
  opensAt: c.opensAt,
  period: c.period,
  deadlines: c.deadlines.map((at, tier) => ({ tier, lastDay: c.lastDays[tier], at })),
  provisional: c.provisional,
  ...(c.openEnded && { openEnded: true }),
});

export const cycleOfView = (v: CycleView): Cycle => ({
  index: v.index,
  label: v.label,
  opensAt: v.opensAt,
  period: v.period,
  provisional: v.provisional,
  lastDays: v.deadlines.map((d) => d.lastDay),
  deadlines: v.deadlines.map((d) => d.at),
  ...(v.openEnded && { openEnded: true }),
});
