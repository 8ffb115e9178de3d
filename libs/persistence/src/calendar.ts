import { DataSource, EntityManager } from 'typeorm';
import {
  calendarOf,
  cycleCount,
  cycleKey,
  CYCLES_PER_SCHEDULE,
  scheduleList,
  cycleOfView,
  cycleView,
  plannedCycle,
  resolveSchedule,
  statutoryYear,
  yearState,
  type CalendarDay,
  type CalendarState,
  type CalendarYear,
  type CycleView,
  type HolidayCalendar,
  type ReportingSettings,
} from '@cascade/domain';
import type { StoredCalendarYear as CalendarYearAnswer } from '@cascade/contracts';
import { appendEvent } from './events';
import { CALENDAR_LOCK_KEY } from './sql/locks';

/**
 * The working calendar (`calendar_year`, `calendar_day`) and the planned cycles of directives (`reporting_cycle`):
 * this file is their one owner. Migration CalendarAndCycles1763900000000 creates them.
 */
type Db = DataSource | EntityManager;

/** A year as the API answers it, declared in contracts (the web app and its component tests read it so). */
export type StoredCalendarYear = CalendarYearAnswer;

interface YearRow {
  year: number;
  state: CalendarState;
  source: string | null;
  revision: number;
  updated_at: Date;
  updated_by: string | null;
  days: { date: string; kind: 'off' | 'worked'; name: string; source: string | null }[];
}

const toYear = (r: YearRow): StoredCalendarYear => {
  const day = (d: YearRow['days'][number]): CalendarDay => ({ date: d.date, name: d.name, source: d.source });
  return {
    year: r.year,
    state: r.state,
    source: r.source,
    daysOff: r.days.filter((d) => d.kind === 'off').map(day),
    workedDays: r.days.filter((d) => d.kind === 'worked').map(day),
    stored: true,
    revision: r.revision,
    updatedAt: r.updated_at.toISOString(),
    updatedBy: r.updated_by,
  };
};

const YEARS = `SELECT y.year, y.state, y.source, y.revision, y.updated_at, y.updated_by,
         COALESCE(jsonb_agg(jsonb_build_object('date', d.day::text, 'kind', d.kind, 'name', d.name, 'source', d.source)
                            ORDER BY d.day) FILTER (WHERE d.day IS NOT NULL), '[]'::jsonb) AS days
    FROM calendar_year y LEFT JOIN calendar_day d ON d.year = y.year`;

/** Every stored year, in order. */
export async function storedCalendarYears(db: Db): Promise<StoredCalendarYear[]> {
  const rows: YearRow[] = await db.query(`${YEARS} GROUP BY y.year ORDER BY y.year`);
  return rows.map(toYear);
}

/** A year as stored, or computed from the Labour Code (provisional, not stored) when it is not. */
export async function calendarYear(db: Db, year: number): Promise<StoredCalendarYear> {
  const rows: YearRow[] = await db.query(`${YEARS} WHERE y.year = $1 GROUP BY y.year`, [year]);
  if (rows.length) return toYear(rows[0]);
  return { ...statutoryYear(year), stored: false, revision: 0, updatedAt: null, updatedBy: null };
}

/** The calendar the API and the worker compute deadlines with: the stored years, the others computed. */
export async function loadCalendar(
  db: Db,
): Promise<{ calendar: HolidayCalendar; years: StoredCalendarYear[] }> {
  const years = await storedCalendarYears(db);
  return { calendar: calendarOf(years, { statutory: true }), years };
}

const sameDays = (a: CalendarDay[], b: CalendarDay[]) =>
  JSON.stringify(a.map((d) => [d.date, d.name, d.source ?? null]).sort()) ===
  JSON.stringify(b.map((d) => [d.date, d.name, d.source ?? null]).sort());

/**
 * Stores a year as given (it replaces what was there: the official announcement replaces the provisional days).
 * The same year stored again changes nothing and keeps its revision. The caller validated it
 * (`calendarYearProblems`) and reschedules the cycles it moves (`rescheduleUnopenedCycles`) in the same transaction.
 */
export async function putCalendarYear(
  m: EntityManager,
  y: CalendarYear,
  userId: string | null,
): Promise<{ year: StoredCalendarYear; changed: boolean; created: boolean }> {
  const locked: { revision: number }[] = await m.query(
    `SELECT revision FROM calendar_year WHERE year = $1 FOR UPDATE`,
    [y.year],
  );
  if (locked.length) {
    const before = await calendarYear(m, y.year);
    if (
      before.state === y.state &&
      before.source === y.source &&
      sameDays(before.daysOff, y.daysOff) &&
      sameDays(before.workedDays, y.workedDays)
    ) {
      return { year: before, changed: false, created: false };
    }
    await m.query(
      `UPDATE calendar_year SET state = $2, source = $3, revision = revision + 1, updated_by = $4, updated_at = now()
        WHERE year = $1`,
      [y.year, y.state, y.source, userId],
    );
    await m.query(`DELETE FROM calendar_day WHERE year = $1`, [y.year]);
  } else {
    await m.query(`INSERT INTO calendar_year (year, state, source, updated_by) VALUES ($1, $2, $3, $4)`, [
      y.year,
      y.state,
      y.source,
      userId,
    ]);
  }
  const days = [
    ...y.daysOff.map((d) => ({ date: d.date, kind: 'off', name: d.name, source: d.source ?? null })),
    ...y.workedDays.map((d) => ({ date: d.date, kind: 'worked', name: d.name, source: d.source ?? null })),
  ];
  if (days.length) {
    await m.query(
      `INSERT INTO calendar_day (day, year, kind, name, source)
       SELECT d.date::date, $1, d.kind, d.name, d.source
         FROM jsonb_to_recordset($2::jsonb) AS d(date text, kind text, name text, source text)`,
      [y.year, JSON.stringify(days)],
    );
  }
  return { year: await calendarYear(m, y.year), changed: true, created: !locked.length };
}

/** What a cycle was computed from: the state and revision of each year its days fall in. */
export type CalendarStamp = Record<string, { state: CalendarState; revision: number }>;

function stampOf(view: CycleView, calendar: HolidayCalendar, years: StoredCalendarYear[]): CalendarStamp {
  const first = Number(view.opensAt.slice(0, 4));
  const last = Math.max(first, ...view.deadlines.map((d) => Number((d.lastDay ?? d.at).slice(0, 4))));
  const stamp: CalendarStamp = {};
  for (let year = first; year <= last; year++) {
    stamp[year] = {
      state: yearState(calendar, year) ?? 'provisional',
      revision: years.find((y) => y.year === year)?.revision ?? 0,
    };
  }
  return stamp;
}

interface CycleRow {
  cycle: number;
  label: string;
  opens_at: Date;
  period_from: string | null;
  period_to: string | null;
  deadlines: CycleView['deadlines'];
  provisional: boolean;
}

const CYCLE_COLUMNS = `cycle, label, opens_at, period_from::text, period_to::text, deadlines, provisional`;

const toView = (r: CycleRow): CycleView => ({
  index: r.cycle,
  label: r.label,
  opensAt: r.opens_at.toISOString(),
  period: r.period_from && r.period_to ? { from: r.period_from, to: r.period_to } : null,
  deadlines: r.deadlines,
  provisional: r.provisional,
});

/** A directive's reporting settings and dispatch, for planning its cycles. */
export interface CyclePlanning {
  reporting: ReportingSettings;
  dispatchedAt: string | null;
}

/**
 * Takes the calendar's lock, shared, until the transaction ends: a calendar change (`storeCalendarYear`, which takes
 * it alone) waits for the readers that hold it, and they for the change.
 */
export async function lockCalendarShared(m: EntityManager): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock_shared(${CALENDAR_LOCK_KEY})`);
}

/** Whether a directive's stored cycle has opened, by the database's clock (false when it is not stored). */
export async function cycleOpened(db: Db, directiveId: string, index: number): Promise<boolean> {
  const rows: { opened: boolean }[] = await db.query(
    `SELECT opens_at <= clock_timestamp() AS opened FROM reporting_cycle WHERE directive_id = $1 AND cycle = $2`,
    [directiveId, index],
  );
  return rows[0]?.opened ?? false;
}

/** A directive's stored cycle, or null when it has not been planned. */
export async function storedCycle(db: Db, directiveId: string, index: number): Promise<CycleView | null> {
  const rows: CycleRow[] = await db.query(
    `SELECT ${CYCLE_COLUMNS} FROM reporting_cycle WHERE directive_id = $1 AND cycle = $2`,
    [directiveId, index],
  );
  return rows.length ? toView(rows[0]) : null;
}

/** Every stored cycle of a directive, in order. */
export async function storedCycles(db: Db, directiveId: string): Promise<CycleView[]> {
  const rows: CycleRow[] = await db.query(
    `SELECT ${CYCLE_COLUMNS} FROM reporting_cycle WHERE directive_id = $1 ORDER BY cycle`,
    [directiveId],
  );
  return rows.map(toView);
}

/**
 * A directive's cycle: the stored one, else planned now from the stored calendar and stored (the first to plan it
 * wins, so the API and the worker always read one cycle). Null when the schedule has no such cycle. Throws the
 * domain's ScheduleError for a schedule that cannot be computed.
 */
export async function planCycle(
  ds: DataSource,
  directiveId: string,
  index: number,
  planning: CyclePlanning,
): Promise<CycleView | null> {
  // Under the calendar's lock, shared: a calendar change (which takes it alone) either committed before this reads the
  // calendar, or reschedules after this commits and so sees the stored cycle. No cycle is stored from a calendar
  // that a committed change has replaced.
  return ds.transaction(async (m) => {
    await lockCalendarShared(m);
    const stored = await storedCycle(m, directiveId, index);
    if (stored) return stored;
    const { calendar, years } = await loadCalendar(m);
    const cycle = plannedCycle(planning.reporting, planning.dispatchedAt, index, calendar);
    if (!cycle) return null;
    const view = cycleView(cycle);
    return storePlannedCycle(m, directiveId, view, stampOf(view, calendar, years));
  });
}

/**
 * A directive's cycle, stored or as it would be planned now, with `store()` to store it (a no-op when it was): for a
 * request that must refuse bad input before it writes anything.
 */
export async function cycleToPlan(
  db: Db,
  directiveId: string,
  index: number,
  planning: CyclePlanning,
  loaded?: { calendar: HolidayCalendar; years: StoredCalendarYear[] },
): Promise<{ view: CycleView; store: () => Promise<CycleView> } | null> {
  const stored = await storedCycle(db, directiveId, index);
  if (stored) return { view: stored, store: () => Promise.resolve(stored) };
  const { calendar } = loaded ?? (await loadCalendar(db));
  const cycle = plannedCycle(planning.reporting, planning.dispatchedAt, index, calendar);
  if (!cycle) return null;
  const ds = db instanceof DataSource ? db : db.connection;
  // Stored the way planCycle stores (under the calendar's lock, computed again there).
  return { view: cycleView(cycle), store: async () => (await planCycle(ds, directiveId, index, planning))! };
}

async function storePlannedCycle(db: Db, directiveId: string, view: CycleView, stamp: CalendarStamp) {
  const index = view.index;
  await db.query(
    `INSERT INTO reporting_cycle (directive_id, cycle, label, opens_at, period_from, period_to, deadlines, provisional, calendar)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (directive_id, cycle) DO NOTHING`,
    [
      directiveId,
      index,
      view.label,
      view.opensAt,
      view.period?.from ?? null,
      view.period?.to ?? null,
      JSON.stringify(view.deadlines),
      view.provisional,
      JSON.stringify(stamp),
    ],
  );
  return (await storedCycle(db, directiveId, index))!;
}

/**
 * The first cycle whose grassroots deadline is after `after` (its dispatch: a directive dispatched in May starts with
 * May), or null when none is left. Plans and stores only that one.
 */
export async function firstCycleAhead(
  db: DataSource,
  directiveId: string,
  planning: CyclePlanning,
  after: string,
  schedule = 0,
): Promise<CycleView | null> {
  const loaded = await loadCalendar(db);
  const settings = scheduleList(planning.reporting)[schedule];
  if (!settings) return null;
  const resolved = resolveSchedule(settings.schedule, planning.dispatchedAt);
  const limit = Math.min(cycleCount(resolved) ?? CYCLES_PER_SCHEDULE, CYCLES_PER_SCHEDULE);
  for (let i = 0; i < limit; i++) {
    const key = cycleKey(schedule, i);
    const c = plannedCycle(planning.reporting, planning.dispatchedAt, key, loaded.calendar);
    if (!c) return null;
    if (c.deadlines[0] > after) return planCycle(db, directiveId, key, planning);
  }
  return null;
}

/**
 * The issuer closes an open-ended cycle (a phase with no end date: "Sau Đại hội"): its deadlines, every tier's,
 * become now by the database's clock, so that reports after it are refused and the reporting workflow runs the
 * cycle's steps. Answers the closing instant, the same on a retry (null: the cycle is not stored, has not opened, or
 * is not open-ended).
 */
export async function closeOpenEndedCycle(
  m: EntityManager,
  directiveId: string,
  cycle: number,
  openEndedFrom: string,
): Promise<{ closedAt: string; now: boolean } | null> {
  const rows: { deadlines: { tier: number; lastDay: string | null; at: string }[]; open: boolean }[] =
    await m.query(
      `SELECT deadlines, (deadlines->0->>'at')::timestamptz >= $3::timestamptz AS open
         FROM reporting_cycle WHERE directive_id = $1 AND cycle = $2 AND opens_at <= clock_timestamp() FOR UPDATE`,
      [directiveId, cycle, openEndedFrom],
    );
  if (!rows.length) return null;
  if (!rows[0].open) {
    const stamp = (rows[0].deadlines[0] as { closedAt?: string }).closedAt;
    return stamp ? { closedAt: stamp, now: false } : null;
  }
  const [{ at }]: { at: string }[] = await m.query(
    `SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at`,
  );
  const deadlines = rows[0].deadlines.map((d) => ({ ...d, at, closedAt: at }));
  await m.query(`UPDATE reporting_cycle SET deadlines = $3 WHERE directive_id = $1 AND cycle = $2`, [
    directiveId,
    cycle,
    JSON.stringify(deadlines),
  ]);
  return { closedAt: at, now: true };
}

/**
 * After the calendar changed: every planned cycle that has not opened yet (by the database's clock once the caller
 * holds the calendar's lock, alone) is computed again,
 * and those whose deadlines or provisional state moved are stored anew, with a `cycle.rescheduled` event in their
 * directive's history. Opened cycles never change. Returns the cycles rescheduled.
 */
export async function rescheduleUnopenedCycles(
  m: EntityManager,
  changedYear: StoredCalendarYear,
  userId: string | null,
): Promise<{ directiveId: string; cycle: number }[]> {
  const rows: (CycleRow & {
    directive_id: string;
    reporting: ReportingSettings;
    dispatched_at: Date | null;
  })[] = await m.query(
    `SELECT c.directive_id, ${CYCLE_COLUMNS.split(', ')
      .map((c) => `c.${c}`)
      .join(', ')},
              d.content->'reporting' AS reporting, d.dispatched_at
         FROM reporting_cycle c JOIN directive d ON d.id = c.directive_id
        WHERE c.opens_at > clock_timestamp() AND d.status = 'dispatched'
        ORDER BY c.directive_id, c.cycle
        FOR UPDATE OF c`,
  );
  if (!rows.length) return [];
  const { calendar, years } = await loadCalendar(m);
  const moved: { directiveId: string; cycle: number }[] = [];
  for (const row of rows) {
    const before = toView(row);
    const cycle = plannedCycle(row.reporting, row.dispatched_at?.toISOString() ?? null, row.cycle, calendar);
    if (!cycle) continue;
    const after = cycleView(cycle);
    // Compared as tuples: jsonb keeps its own order of keys.
    const same = (v: CycleView) => JSON.stringify(v.deadlines.map((d) => [d.tier, d.lastDay, d.at]));
    if (same(after) === same(before) && after.provisional === before.provisional) continue;
    await m.query(
      `UPDATE reporting_cycle SET deadlines = $3, provisional = $4, calendar = $5, rescheduled_at = now()
        WHERE directive_id = $1 AND cycle = $2`,
      [
        row.directive_id,
        row.cycle,
        JSON.stringify(after.deadlines),
        after.provisional,
        JSON.stringify(stampOf(after, calendar, years)),
      ],
    );
    await appendEvent(m, {
      directiveId: row.directive_id,
      actorUserId: userId,
      action: 'cycle.rescheduled',
      reason: `Lịch nghỉ năm ${changedYear.year} thay đổi (${changedYear.source ?? changedYear.state})`,
      data: {
        cycle: row.cycle,
        label: row.label,
        calendarYear: changedYear.year,
        calendarRevision: changedYear.revision,
        calendarState: changedYear.state,
        before: { deadlines: before.deadlines, provisional: before.provisional },
        after: { deadlines: after.deadlines, provisional: after.provisional },
      },
      dedupeKey: `cycle-rescheduled/${row.directive_id}/${row.cycle}/${changedYear.year}/${changedYear.revision}`,
    });
    moved.push({ directiveId: row.directive_id, cycle: row.cycle });
  }
  return moved;
}

/** The domain's cycle of a stored view (per-tier arrays), for the step planner. */
export const cycleOfStored = cycleOfView;

/**
 * Stores a year and reschedules the cycles it moves, in one transaction, one calendar change at a time (so that
 * rescheduling sees every year as committed). The API's `PUT /calendar/years/:year` and `cascade calendar import`
 * both come here.
 */
export async function storeCalendarYear(ds: DataSource, entered: CalendarYear, userId: string | null) {
  return ds.transaction(async (m) => {
    await m.query(`SELECT pg_advisory_xact_lock(${CALENDAR_LOCK_KEY})`);
    const { year, changed, created } = await putCalendarYear(m, entered, userId);
    const rescheduled = changed ? await rescheduleUnopenedCycles(m, year, userId) : [];
    return { ...year, changed, created, rescheduled };
  });
}

/**
 * The calendar as users see it: every stored year, and each year from the first stored one up to `lastYear` that is
 * not stored, computed (provisional). The API's `GET /calendar/years` and `cascade calendar list` both list this.
 */
export async function calendarYearsThrough(db: Db, lastYear: number): Promise<StoredCalendarYear[]> {
  const stored = await storedCalendarYears(db);
  const years = new Map(stored.map((y) => [y.year, y]));
  for (let year = stored[0]?.year ?? lastYear - 1; year <= lastYear; year++) {
    if (!years.has(year)) years.set(year, await calendarYear(db, year));
  }
  return [...years.values()].sort((a, b) => a.year - b.year);
}
