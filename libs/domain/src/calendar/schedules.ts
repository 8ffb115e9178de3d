import {
  cycleAt,
  cycleCount,
  resolveSchedule,
  ScheduleError,
  scheduleProblems,
  staggerProblems,
} from './schedule';
import type { Cycle, NonWorkingDayPolicy, Schedule } from './schedule';
import type { HolidayCalendar } from './holidays';

/**
 * A directive may carry several schedules (a plan's phases beside a monthly report). Each is numbered: the main one
 * 0, the others from 1 in the order listed. A cycle is identified everywhere (reports, aggregates, escalations,
 * stored cycles) by one integer, its key: `schedule × CYCLES_PER_SCHEDULE + index`, so that the main schedule's keys
 * are its indexes (directives from before several schedules keep theirs) and the storage needs no second column.
 */
export const CYCLES_PER_SCHEDULE = 10_000;
export const MAIN_SCHEDULE = 'main';
const KEY = /^[a-z][a-z0-9-]{0,31}$/;
const MAX_SCHEDULES = 9;

/** One schedule's settings: the main one's are the requirement's own. */
export interface ScheduleSettings {
  key: string;
  name?: string;
  schedule: Schedule;
  policy?: NonWorkingDayPolicy;
  stagger?: readonly number[];
}

/** A directive's reporting settings that decide its cycles. */
export interface ReportingSettings {
  schedule: Schedule;
  policy?: NonWorkingDayPolicy;
  stagger?: readonly number[];
  schedules?: readonly ScheduleSettings[];
}

/** The cycle key of a schedule's cycle. */
export const cycleKey = (schedule: number, index: number): number => schedule * CYCLES_PER_SCHEDULE + index;

/** The schedule number and the index within it of a cycle key. */
export const splitCycleKey = (key: number): { schedule: number; index: number } => ({
  schedule: Math.floor(key / CYCLES_PER_SCHEDULE),
  index: key % CYCLES_PER_SCHEDULE,
});

/** Every schedule of a requirement, the main one first (key "main"). */
export function scheduleList(reporting: ReportingSettings): ScheduleSettings[] {
  return [
    {
      key: MAIN_SCHEDULE,
      schedule: reporting.schedule,
      policy: reporting.policy,
      stagger: reporting.stagger,
    },
    ...(reporting.schedules ?? []),
  ];
}

/** The number of the schedule with this key (absent: the main one), or null when the directive has none such. */
export function scheduleNumber(reporting: ReportingSettings, key: string | undefined): number | null {
  if (key === undefined || key === MAIN_SCHEDULE) return 0;
  const i = (reporting.schedules ?? []).findIndex((s) => s.key === key);
  return i < 0 ? null : i + 1;
}

/** The settings of a cycle key's schedule, or null. */
export function settingsOfKey(reporting: ReportingSettings, key: number): ScheduleSettings | null {
  return scheduleList(reporting)[splitCycleKey(key).schedule] ?? null;
}

/** Problems with the extra schedules, `schedules.N.field: message`; empty when valid. */
export function schedulesProblems(schedules: unknown): string[] {
  if (schedules === undefined || schedules === null) return [];
  if (!Array.isArray(schedules) || schedules.length > MAX_SCHEDULES)
    return [`schedules: must be a list of at most ${MAX_SCHEDULES} schedules`];
  const problems: string[] = [];
  const seen = new Set<string>([MAIN_SCHEDULE]);
  schedules.forEach((s: Partial<ScheduleSettings> | null, i) => {
    const at = `schedules.${i}`;
    if (!s || typeof s !== 'object') return void problems.push(`${at}: must be { key, schedule }`);
    if (typeof s.key !== 'string' || !KEY.test(s.key))
      problems.push(`${at}.key: lower-case letters, digits and -, starting with a letter`);
    else if (seen.has(s.key)) problems.push(`${at}.key: ${s.key} is used twice (main is the main schedule)`);
    else seen.add(s.key);
    if (s.name !== undefined && (typeof s.name !== 'string' || s.name.length > 200))
      problems.push(`${at}.name: text of at most 200 characters`);
    problems.push(...scheduleProblems(s.schedule as Schedule).map((p) => `${at}.schedule.${p}`));
    problems.push(...staggerProblems(s.stagger, s.schedule?.kind).map((p) => `${at}.${p}`));
  });
  return problems;
}

/**
 * A directive's cycle by key as the API and the worker plan it, with one deadline per listed tier (tiers above the
 * last keep its deadline): the one computation both use, so that they can never disagree. The cycle's `index` is
 * the key.
 */
export function plannedCycle(
  reporting: ReportingSettings,
  dispatchedAt: string | null,
  key: number,
  calendar: HolidayCalendar,
): Cycle | null {
  const { index } = splitCycleKey(key);
  const settings = settingsOfKey(reporting, key);
  if (!settings) return null;
  const cycle = cycleAt(resolveSchedule(settings.schedule, dispatchedAt), index, {
    calendar,
    policy: settings.policy ?? 'keep',
    stagger: settings.stagger,
    tiers: Math.max(1, settings.stagger?.length ?? 1),
  });
  return cycle && { ...cycle, index: key };
}

/** How many cycles a schedule has (null: until the directive closes); throws for an unknown schedule. */
export function scheduleCycleCount(reporting: ReportingSettings, schedule: number): number | null {
  const settings = scheduleList(reporting)[schedule];
  if (!settings) throw new ScheduleError('schedule', `no schedule ${schedule}`);
  return cycleCount(settings.schedule);
}

/**
 * Deadlines at or after this instant are open-ended: an ad hoc stream's, or a phase's that ends when the issuer
 * closes it (the schedule computes them as the last instant of 9999, which no timer waits for).
 */
export const OPEN_ENDED_FROM = '9999-01-01T00:00:00.000Z';

/** The report form of a schedule: its own, else the requirement's (null: it takes no report). */
export function formOfSchedule<F>(
  reporting: ReportingSettings & { form?: F; schedules?: readonly (ScheduleSettings & { form?: F })[] },
  schedule: number,
): F | null {
  if (schedule === 0) return reporting.form ?? null;
  const s = reporting.schedules?.[schedule - 1];
  return s ? (s.form ?? reporting.form ?? null) : null;
}
