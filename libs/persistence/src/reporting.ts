import { DataSource, EntityManager } from 'typeorm';
import {
  aggregate,
  aggregateValue,
  streamAggregate,
  type Aggregate,
  type ReportForm,
  type ReportValues,
  type UnitReport,
} from '@cascade/domain';
import { hubLockKey } from './sql/locks';
import { appendEvent } from './events';
import { ESCALATION_SUBJECT, escalationMails, notifyAggregateReported } from './outbox';

const MISSING_KEPT = 100;
const HUB_LOCK = hubLockKey('$1::text', '$2::text', '$3');

/** Why a hub's aggregate of a cycle was written. */
export type AggregateReason =
  'complete' | 'deadline' | 'late-report' | 'closed' | 'adhoc' | 'digest' | 'phase-closed';

export interface StoredAggregate {
  unitId: string;
  cycle: number;
  revision: number;
  reason: AggregateReason;
  values: Record<string, unknown>;
  coverage: Aggregate['coverage'];
  /** A late revision: how many late reports (or revisions below) it folds in. */
  folds?: number;
}

/**
 * Serialises everything that reads or writes the aggregate of one hub for one cycle (closing it, and the reports of
 * its children that must know whether it closed). Locks are always taken bottom-up (a unit, then its routing parent,
 * then the next one up), never down, so they cannot deadlock.
 */
export async function lockHub(m: EntityManager, directiveId: string, hubUnitId: string, cycle: number) {
  // The same key as `cascade_file_report` (libs/persistence/src/sql/file-report.sql.ts), where the reports to an open
  // hub take it shared, side by side; this takes it alone (closing or revising the aggregate).
  await m.query(`SELECT pg_advisory_xact_lock(${HUB_LOCK})`, [directiveId, hubUnitId, cycle]);
}

/** The routing parent of a unit (the issuer for units right below it), or null for the issuer itself. */
export async function routingParent(
  m: EntityManager,
  directiveId: string,
  unitId: string,
): Promise<string | null> {
  const rows: { parent_unit_id: string }[] = await m.query(
    `SELECT parent_unit_id FROM routing_node WHERE directive_id = $1 AND unit_id = $2`,
    [directiveId, unitId],
  );
  return rows[0]?.parent_unit_id ?? null;
}

export async function isClosed(m: EntityManager, directiveId: string, unitId: string, cycle: number) {
  const rows: unknown[] = await m.query(
    `SELECT 1 FROM aggregate_report WHERE directive_id = $1 AND unit_id = $2 AND cycle = $3 LIMIT 1`,
    [directiveId, unitId, cycle],
  );
  return rows.length > 0;
}

interface Child {
  unit_id: string;
  is_hub: boolean;
}

/** The children of a hub that are expected to answer: every routed child except those that returned the directive. */
async function expectedChildren(m: EntityManager, directiveId: string, hubUnitId: string): Promise<Child[]> {
  return m.query(
    `SELECT unit_id, is_hub FROM routing_node
      WHERE directive_id = $1 AND parent_unit_id = $2 AND status <> 'returned' AND recall_status IS DISTINCT FROM 'accepted'
      ORDER BY unit_id`,
    [directiveId, hubUnitId],
  );
}

/**
 * The expected children of a hub that have not answered: leaves without a report, hubs without an aggregate. Each
 * child probes its own key (`report_revision_unique`, `aggregate_report`'s primary key) through a correlated scalar
 * subquery, which the planner can neither turn into an anti join nor hash: written as NOT EXISTS, it planned an
 * anti join over every report of the directive's cycle (a Materialize of 34,261 rows, 94 ms for a hub of three
 * children); now it is an index lookup per child whatever the directive's size (test/integration/bulk-ingest
 * checks the plan on a directive of 20,000 reports).
 */
export const unansweredChildrenSql = (hub = '$2') => `SELECT 1 FROM routing_node r
      WHERE r.directive_id = $1 AND r.parent_unit_id = ${hub} AND r.status <> 'returned'
        AND r.recall_status IS DISTINCT FROM 'accepted'
        AND CASE WHEN r.is_hub
              THEN (SELECT 1 FROM aggregate_report a WHERE a.directive_id = $1 AND a.unit_id = r.unit_id AND a.cycle = $3 LIMIT 1)
              ELSE (SELECT 1 FROM report p WHERE p.directive_id = $1 AND p.unit_id = r.unit_id AND p.cycle = $3 LIMIT 1)
            END IS NULL`;

/** The plan (EXPLAIN ANALYZE, text) of the completeness check of a hub, for tests and diagnosis. */
export async function explainHubCompleteness(
  m: EntityManager | DataSource,
  directiveId: string,
  hubUnitId: string,
  cycle: number,
): Promise<string> {
  const rows: { 'QUERY PLAN': string }[] = await m.query(
    `EXPLAIN (ANALYZE, COSTS OFF) SELECT NOT EXISTS (${unansweredChildrenSql()}) AS done`,
    [directiveId, hubUnitId, cycle],
  );
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

/** Whether every expected child has answered: leaves with a report, hubs with an aggregate. */
async function allAnswered(m: EntityManager, directiveId: string, hubUnitId: string, cycle: number) {
  const rows: { done: boolean }[] = await m.query(`SELECT NOT EXISTS (${unansweredChildrenSql()}) AS done`, [
    directiveId,
    hubUnitId,
    cycle,
  ]);
  return rows[0].done;
}

/** Whether a hub's aggregation of a cycle is still open and every expected child has answered, in one query. */
async function readyToClose(m: EntityManager, directiveId: string, hubUnitId: string, cycle: number) {
  const rows: { ready: boolean }[] = await m.query(
    `SELECT NOT EXISTS (SELECT 1 FROM aggregate_report WHERE directive_id = $1 AND unit_id = $2 AND cycle = $3)
        AND NOT EXISTS (${unansweredChildrenSql()}) AS ready`,
    [directiveId, hubUnitId, cycle],
  );
  return rows[0].ready;
}

/**
 * Writes a new revision of a hub's aggregate for a cycle from what its children reported: the current report of each
 * leaf and the current aggregate of each sub-hub (a sub-hub that has not reported counts as one missing unit). The
 * caller holds the hub's lock. Notifies the clerks of the unit it reports to; the caller records the event, last
 * (`recordAggregateEvent`).
 */
export async function writeAggregate(
  m: EntityManager,
  directiveId: string,
  hubUnitId: string,
  cycle: number,
  form: ReportForm,
  reason: AggregateReason,
  { stream = false, folds }: { stream?: boolean; folds?: number } = {},
): Promise<StoredAggregate> {
  const children = await expectedChildren(m, directiveId, hubUnitId);
  const leaves = children.filter((c) => !c.is_hub).map((c) => c.unit_id);
  const hubs = children.filter((c) => c.is_hub).map((c) => c.unit_id);
  // A stream's reports are events: every one counts (each revision is the unit's next report); otherwise the current
  // revision of each leaf's report replaces the ones before it.
  const reports: { unit_id: string; values: ReportValues; late: boolean }[] = leaves.length
    ? await m.query(
        stream
          ? `SELECT unit_id, values, late FROM report
              WHERE directive_id = $1 AND cycle = $2 AND unit_id = ANY($3::uuid[]) ORDER BY unit_id, revision`
          : `SELECT DISTINCT ON (unit_id) unit_id, values, late FROM report
              WHERE directive_id = $1 AND cycle = $2 AND unit_id = ANY($3::uuid[]) ORDER BY unit_id, revision DESC`,
        [directiveId, cycle, leaves],
      )
    : [];
  const below: { unit_id: string; aggregate: Aggregate }[] = hubs.length
    ? await m.query(
        `SELECT DISTINCT ON (unit_id) unit_id, aggregate FROM aggregate_report
          WHERE directive_id = $1 AND cycle = $2 AND unit_id = ANY($3::uuid[]) ORDER BY unit_id, revision DESC`,
        [directiveId, cycle, hubs],
      )
    : [];
  const reported = new Map(below.map((b) => [b.unit_id, b.aggregate]));
  const streams = new Map<string, ReportValues[]>();
  if (stream) for (const r of reports) streams.set(r.unit_id, [...(streams.get(r.unit_id) ?? []), r.values]);
  const result = aggregate(form, {
    expected: [
      ...(stream ? leaves.filter((l) => !streams.has(l)) : leaves),
      ...hubs.filter((h) => !reported.has(h)),
    ],
    reports: stream
      ? []
      : reports.map((r) => ({ unitId: r.unit_id, values: r.values, late: r.late }) satisfies UnitReport),
    children: [
      ...[...streams].map(([unitId, values]) => streamAggregate(form, unitId, values)),
      ...hubs.flatMap((h) => (reported.has(h) ? [reported.get(h)!] : [])),
    ],
  });
  const values = Object.fromEntries(Object.entries(result.fields).map(([k, a]) => [k, aggregateValue(a)]));
  // Stored lean: counts are exact, the list of missing units keeps its first entries (the whole list is a query
  // away, `missingBelow`), and the list of contributing units is not kept — at a province over 10^4 units they would
  // make every revision a large document to read and rewrite.
  const stored: Aggregate = {
    fields: result.fields,
    coverage: { ...result.coverage, missingUnits: result.coverage.missingUnits.slice(0, MISSING_KEPT) },
    units: [],
  };
  const rows: { revision: number }[] = await m.query(
    `INSERT INTO aggregate_report (directive_id, unit_id, cycle, revision, aggregate, values, coverage, reason, folds)
     SELECT $1, $2, $3, COALESCE(max(revision), 0) + 1, $4, $5, $6, $7, $8
       FROM aggregate_report WHERE directive_id = $1 AND unit_id = $2 AND cycle = $3
     RETURNING revision`,
    [
      directiveId,
      hubUnitId,
      cycle,
      JSON.stringify(stored),
      JSON.stringify(values),
      JSON.stringify(stored.coverage),
      reason,
      folds ?? null,
    ],
  );
  const revision = rows[0].revision;
  // The report goes up, to the clerks of the unit it reports to and of its report targets.
  await notifyAggregateReported(m, { directiveId, hubUnitId, cycle, revision, counts: result.coverage });
  return {
    unitId: hubUnitId,
    cycle,
    revision,
    reason,
    values,
    coverage: result.coverage,
    ...(folds !== undefined ? { folds } : {}),
  };
}

/**
 * The event of an aggregate written by `writeAggregate`. Appending to the directive's hash chain locks its head row
 * until the commit, so callers append events last, after every other lock of their transaction (locks taken in one
 * order cannot deadlock).
 */
export async function recordAggregateEvent(
  m: EntityManager,
  directiveId: string,
  written: StoredAggregate,
): Promise<void> {
  const { missingUnits, ...counts } = written.coverage;
  const hubUnitId = written.unitId;
  const { cycle, revision, reason, folds } = written;
  await appendEvent(m, {
    directiveId,
    actorUnitId: hubUnitId,
    action: revision === 1 ? 'aggregate.reported' : 'aggregate.revised',
    data: {
      unitId: hubUnitId,
      cycle,
      revision,
      reason,
      ...(folds !== undefined ? { folds } : {}),
      ...counts,
      missingUnits: missingUnits.slice(0, 50),
    },
    dedupeKey: `aggregate/${directiveId}/${hubUnitId}/${cycle}/${revision}`,
  });
}

/**
 * Marks a closed hub's aggregate of a cycle pending a late revision, folding in `folds` more reports: the periodic
 * pass (`reviseLateAggregates`, late-revisions.ts) revises it. The caller holds the hub's lock (shared or alone).
 */
export async function markPending(
  m: EntityManager,
  directiveId: string,
  hubUnitId: string,
  cycle: number,
  folds = 1,
): Promise<void> {
  await m.query(
    `INSERT INTO aggregate_pending (directive_id, unit_id, cycle, folds) VALUES ($1, $2, $3, $4)
     ON CONFLICT (directive_id, unit_id, cycle) DO UPDATE SET folds = aggregate_pending.folds + EXCLUDED.folds`,
    [directiveId, hubUnitId, cycle, folds],
  );
}

/**
 * After a unit's report (or a sub-hub's aggregate) changed: walks up the routing tree. A parent whose aggregation
 * has closed is marked pending a late revision (`markPending`, folding in `folds`), which the periodic pass writes
 * and sends upward, coalescing the late reports that come in meanwhile; one that is still open closes early when
 * every expected child has answered. Stops at the first parent that stays open or is marked. An ad hoc stream's
 * report revises every hub to the issuer at once. The caller is in a transaction; locks go bottom-up.
 */
export async function propagateUp(
  m: EntityManager,
  directiveId: string,
  issuerId: string,
  unitId: string,
  cycle: number,
  form: ReportForm,
  { stream = false, folds = 1 }: { stream?: boolean; folds?: number } = {},
): Promise<StoredAggregate[]> {
  const written: StoredAggregate[] = [];
  let child = unitId;
  for (;;) {
    if (child === issuerId) break;
    const parent = (await routingParent(m, directiveId, child)) ?? issuerId;
    await lockHub(m, directiveId, parent, cycle);
    if (stream) {
      // An ad hoc report forwarded at once: every hub up to the issuer writes its next revision.
      written.push(await writeAggregate(m, directiveId, parent, cycle, form, 'adhoc', { stream }));
    } else if (await isClosed(m, directiveId, parent, cycle)) {
      await markPending(m, directiveId, parent, cycle, folds);
      break;
    } else if (await allAnswered(m, directiveId, parent, cycle)) {
      written.push(await writeAggregate(m, directiveId, parent, cycle, form, 'complete'));
    } else {
      break;
    }
    child = parent;
  }
  return written; // the caller records their events last (recordAggregateEvent)
}

/**
 * After reports to an open hub committed (they held its lock shared, so none saw the others'): closes the hub's
 * aggregation when every expected child has answered, and goes on upward as `propagateUp` does. The last report to
 * commit sees every other, so a complete hub is closed by one of them; the check under the lock makes a second one
 * find it closed and do nothing. Returns the aggregates written, their events recorded.
 */
export async function closeIfComplete(
  ds: DataSource,
  directiveId: string,
  issuerId: string,
  hubUnitId: string,
  cycle: number,
  form: ReportForm,
): Promise<StoredAggregate[]> {
  if (!(await readyToClose(ds.manager, directiveId, hubUnitId, cycle))) return [];
  return retryTransient(() =>
    ds.transaction(async (t) => {
      await lockHub(t, directiveId, hubUnitId, cycle);
      if (!(await readyToClose(t, directiveId, hubUnitId, cycle))) return [];
      const written = [await writeAggregate(t, directiveId, hubUnitId, cycle, form, 'complete')];
      written.push(...(await propagateUp(t, directiveId, issuerId, hubUnitId, cycle, form)));
      for (const a of written) await recordAggregateEvent(t, directiveId, a);
      return written;
    }),
  );
}

/**
 * Closes, at their deadline, the aggregation of every hub up to a tier that has not closed yet, lower tiers first,
 * then the issuer's when asked; each hub in a transaction of its own, which commits before the next begins, so a
 * hub's lock is held only while it closes (reports to the others go on). Idempotent: a hub that closed (early, or
 * before a retry) is left alone. Hubs below `tier` are included because forwarding can raise a unit's tier during
 * a cycle.
 */
export async function closeTier(
  ds: DataSource,
  directiveId: string,
  issuerId: string,
  tier: number,
  includeIssuer: boolean,
  cycle: number,
  form: ReportForm,
  reason: AggregateReason = 'deadline',
): Promise<number> {
  const hubs: { unit_id: string }[] = await ds.query(
    `SELECT unit_id FROM routing_node r WHERE directive_id = $1 AND is_hub AND tier <= $2
       AND NOT EXISTS (SELECT 1 FROM aggregate_report a WHERE a.directive_id = $1 AND a.unit_id = r.unit_id AND a.cycle = $3)
     ORDER BY tier, unit_id`,
    [directiveId, tier, cycle],
  );
  if (includeIssuer) hubs.push({ unit_id: issuerId });
  let closed = 0;
  for (const hub of hubs) {
    closed += await retryTransient(() =>
      ds.transaction(async (t) => {
        await lockHub(t, directiveId, hub.unit_id, cycle);
        if (await isClosed(t, directiveId, hub.unit_id, cycle)) return 0;
        await recordAggregateEvent(
          t,
          directiveId,
          await writeAggregate(t, directiveId, hub.unit_id, cycle, form, reason),
        );
        return 1;
      }),
    );
  }
  return closed;
}

/**
 * An ad hoc stream's digest: every hub, lowest tier first and the issuer last, whose children filed reports (or
 * whose sub-hubs wrote aggregates) since its own latest aggregate writes its next revision (`digest`), one hub per
 * transaction under its lock. Returns how many hubs wrote one. Idempotent: a retry finds nothing new.
 */
export async function digestStream(
  ds: DataSource,
  directiveId: string,
  issuerId: string,
  cycle: number,
  form: ReportForm,
): Promise<number> {
  const hubs: { unit_id: string }[] = await ds.query(
    `SELECT unit_id FROM (
       SELECT unit_id, tier FROM routing_node WHERE directive_id = $1 AND is_hub
       UNION ALL SELECT $2::uuid, 1000000) h
     ORDER BY tier, unit_id`,
    [directiveId, issuerId],
  );
  let written = 0;
  for (const hub of hubs) {
    written += await ds.transaction(async (t) => {
      await lockHub(t, directiveId, hub.unit_id, cycle);
      const fresh: { fresh: boolean }[] = await t.query(
        `WITH last AS (SELECT max(created_at) AS at FROM aggregate_report WHERE directive_id = $1 AND unit_id = $2 AND cycle = $3)
         SELECT EXISTS (
           SELECT 1 FROM routing_node r WHERE r.directive_id = $1 AND r.parent_unit_id = $2 AND (
             EXISTS (SELECT 1 FROM report p WHERE p.directive_id = $1 AND p.unit_id = r.unit_id AND p.cycle = $3
                        AND p.submitted_at > COALESCE((SELECT at FROM last), '-infinity'))
             OR EXISTS (SELECT 1 FROM aggregate_report a WHERE a.directive_id = $1 AND a.unit_id = r.unit_id AND a.cycle = $3
                        AND a.created_at > COALESCE((SELECT at FROM last), '-infinity')))
         ) AS fresh`,
        [directiveId, hub.unit_id, cycle],
      );
      if (!fresh[0].fresh) return 0;
      await recordAggregateEvent(
        t,
        directiveId,
        await writeAggregate(t, directiveId, hub.unit_id, cycle, form, 'digest', { stream: true }),
      );
      return 1;
    });
  }
  return written;
}

/**
 * Runs a transaction again when PostgreSQL aborted it for a deadlock or a serialization failure (40P01, 40001): the
 * transaction rolled back whole, so running it again is safe. Other errors pass through.
 */
export async function retryTransient<T>(run: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const e = error as { code?: string; driverError?: { code?: string } };
      const code = e.driverError?.code ?? e.code;
      if (attempt >= attempts || (code !== '40P01' && code !== '40001')) throw error;
      await new Promise((r) => setTimeout(r, 10 * attempt + Math.floor(Math.random() * 20)));
    }
  }
}

/** A rung of the escalation ladder; `above` is the body above the issuer (the issuer's parent in the organisation). */
export type EscalationLevel = 'reminded' | 'overdue' | 'parent' | 'issuer' | 'above';

const LEVEL_ACTION: Record<EscalationLevel, string> = {
  reminded: 'report.reminded',
  overdue: 'report.overdue',
  parent: 'escalated.parent',
  issuer: 'escalated.issuer',
  above: 'escalated.above',
};

/**
 * One rung of the ladder for every grassroots unit that has not reported the cycle (below one hub when `hubUnitId`
 * is given), in one statement whatever the number of units: the escalation row (its primary key makes a retry
 * harmless), an event per unit, and an e-mail per recipient (worded by the outbox, `escalationMails`) — the unit's
 * clerks and leaders for a reminder or the overdue mark, the routing parent's leaders, the issuer's leaders (not
 * again for a unit whose routing parent is the issuer and that they were told of), then the leaders of the body
 * above the issuer. The row and the event are written even when nobody is e-mailed, so the ladder stays visible.
 * Returns how many units the rung was written for.
 */
export async function escalateUnreported(
  db: DataSource | EntityManager,
  directiveId: string,
  cycle: number,
  level: EscalationLevel,
  /** The hub (or hubs) whose grassroots units are written, else the whole tree. */
  hubUnitId: string | string[] | null = null,
  /** One unit only ("remind now" on the overdue list), else every unit still to report. */
  unitId: string | null = null,
): Promise<number> {
  const hubs = hubUnitId === null ? null : [hubUnitId].flat();
  const rows: { n: number }[] = await db.query(
    `WITH d AS (SELECT id, issuer_id, symbol, content FROM directive WHERE id = $1),
          late AS (
            SELECT r.unit_id, r.parent_unit_id FROM routing_node r
             WHERE r.directive_id = $1 AND NOT r.is_hub AND r.status <> 'returned' AND r.recall_status IS NULL
               AND ($6::uuid[] IS NULL OR r.parent_unit_id = ANY($6::uuid[])
                    OR (r.parent_unit_id IS NULL AND (SELECT issuer_id FROM d) = ANY($6::uuid[])))
               AND ($7::uuid IS NULL OR r.unit_id = $7::uuid)
               AND NOT EXISTS (SELECT 1 FROM report p WHERE p.directive_id = $1 AND p.unit_id = r.unit_id AND p.cycle = $2
                                  AND (p.late = false OR $3 <> 'overdue'))
          ),
          rung AS (
            INSERT INTO escalation (directive_id, cycle, unit_id, level, notify_unit_id)
            SELECT $1, $2, unit_id, $3, CASE $3 WHEN 'parent' THEN parent_unit_id WHEN 'issuer' THEN (SELECT issuer_id FROM d)
                     WHEN 'above' THEN (SELECT u.parent_id FROM unit u WHERE u.id = (SELECT issuer_id FROM d))
                     ELSE unit_id END
              FROM late
            ON CONFLICT DO NOTHING RETURNING unit_id
          ),
          events AS (
            INSERT INTO directive_event (directive_id, actor_unit_id, action, data, dedupe_key)
            SELECT $1, unit_id, $4, jsonb_build_object('unitId', unit_id, 'cycle', $2::int, 'level', $3::text),
                   'escalation/' || $1 || '/' || $2 || '/' || unit_id || '/' || $3
              FROM rung
            ON CONFLICT (dedupe_key) DO NOTHING
          ),
          mails AS (
            ${escalationMails(level)}
          )
     SELECT count(*)::int AS n FROM rung`,
    [directiveId, cycle, level, LEVEL_ACTION[level], ESCALATION_SUBJECT[level], hubs, unitId],
  );
  return rows[0].n;
}

/** What "remind now" found: the rung written now, written before, the unit already reported, or no such unit/cycle. */
export type RemindOutcome = 'reminded' | 'already' | 'reported' | 'unknown';

/**
 * The issuer reminds one grassroots unit of a cycle now, through the ladder (`escalateUnreported`, level `reminded`:
 * the rung, its event and the e-mails to the unit's clerks and leaders); a second time changes nothing.
 */
export async function remindUnit(
  db: DataSource,
  directiveId: string,
  cycle: number,
  unitId: string,
): Promise<RemindOutcome> {
  const rows: { node: boolean; cycle: boolean; reported: boolean; reminded: boolean }[] = await db.query(
    `SELECT EXISTS (SELECT 1 FROM routing_node r WHERE r.directive_id = $1 AND r.unit_id = $3 AND NOT r.is_hub
                      AND r.status <> 'returned' AND r.recall_status IS NULL) AS node,
            EXISTS (SELECT 1 FROM reporting_cycle c WHERE c.directive_id = $1 AND c.cycle = $2) AS cycle,
            EXISTS (SELECT 1 FROM report p WHERE p.directive_id = $1 AND p.unit_id = $3 AND p.cycle = $2) AS reported,
            EXISTS (SELECT 1 FROM escalation e WHERE e.directive_id = $1 AND e.cycle = $2 AND e.unit_id = $3
                      AND e.level = 'reminded') AS reminded`,
    [directiveId, cycle, unitId],
  );
  const r = rows[0];
  if (!r.node || !r.cycle) return 'unknown';
  if (r.reported) return 'reported';
  const written = await escalateUnreported(db, directiveId, cycle, 'reminded', null, unitId);
  return written > 0 ? 'reminded' : 'already';
}

/** Milliseconds until the database's clock reaches an instant (0 once it has). */
export async function untilDatabaseClock(db: DataSource | EntityManager, at: string): Promise<number> {
  const rows: { ms: number }[] = await db.query(
    `SELECT GREATEST(0, ceil(extract(epoch FROM ($1::timestamptz - clock_timestamp())) * 1000))::float8 AS ms`,
    [at],
  );
  return Number(rows[0].ms);
}

/** The hubs that grassroots units of a directive report to (the issuer for those right below it), in order. */
export async function grassrootsHubs(db: DataSource | EntityManager, directiveId: string): Promise<string[]> {
  const rows: { hub: string }[] = await db.query(
    `SELECT DISTINCT COALESCE(r.parent_unit_id, d.issuer_id)::text AS hub
       FROM routing_node r JOIN directive d ON d.id = r.directive_id
      WHERE r.directive_id = $1 AND NOT r.is_hub
      ORDER BY 1`,
    [directiveId],
  );
  return rows.map((row) => row.hub);
}
