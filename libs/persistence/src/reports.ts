import { DataSource, EntityManager } from 'typeorm';
import {
  aggregate,
  aggregateValue,
  streamAggregate,
  type Aggregate,
  type Coverage,
  type CycleView,
  type ReportForm,
  type ReportValues,
  type UnitReport,
  idsFromPath,
} from '@cascade/domain';

import type { EventActor } from './events';
import { EXACT_TIME, keysetPage, type KeysetPage, type PageRequest } from './keyset';
import { REPORT_KEY_REUSED_SQLSTATE } from './sql/file-report.sql';

type Db = DataSource | EntityManager;

/**
 * `report`: the units' reports, one row per revision (the highest is current), written only by the database function
 * `cascade_file_report` (libs/persistence/src/sql), which this module calls; and the reads of reports, aggregates and
 * escalations that the API answers with. The aggregation itself (hubs closing and revising `aggregate_report`) is
 * `reporting.ts`.
 */

/** What a report needs to know before it is filed, read in one round trip. */
export interface ReportContext {
  status: string;
  issuer_id: string;
  dispatched_at: Date | null;
  reporting: unknown;
  node_status: string | null;
  tier: number;
  is_hub: boolean;
  /** The aggregation of the unit's parent (or the issuer) for the cycle has closed. */
  parent_closed: boolean;
  stored_cycle: CycleView | null;
  opened: boolean | null;
}

/** The directive, the unit's routing node, the stored cycle and whether the parent closed (null: no directive). */
export async function reportContext(
  db: Db,
  directiveId: string,
  unitId: string,
  cycle: number,
): Promise<ReportContext | null> {
  const rows: ReportContext[] = await db.query(
    `SELECT d.status, d.issuer_id, d.dispatched_at, d.content->'reporting' AS reporting,
            rn.status AS node_status, rn.tier, rn.is_hub,
            EXISTS (SELECT 1 FROM aggregate_report a WHERE a.directive_id = d.id
                       AND a.unit_id = COALESCE(rn.parent_unit_id, d.issuer_id) AND a.cycle = $3) AS parent_closed,
            CASE WHEN c.cycle IS NOT NULL THEN jsonb_build_object('index', c.cycle, 'label', c.label,
                   'opensAt', to_char(c.opens_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                   'period', CASE WHEN c.period_from IS NULL THEN NULL
                                  ELSE jsonb_build_object('from', c.period_from::text, 'to', c.period_to::text) END,
                   'deadlines', c.deadlines, 'provisional', c.provisional) END AS stored_cycle,
            c.opens_at <= now() AS opened
       FROM directive d LEFT JOIN routing_node rn ON rn.directive_id = d.id AND rn.unit_id = $2
            LEFT JOIN reporting_cycle c ON c.directive_id = d.id AND c.cycle = $3
      WHERE d.id = $1`,
    [directiveId, unitId, cycle],
  );
  return rows[0] ?? null;
}

/** What `cascade_file_report` answers. */
export interface FiledReport {
  revision: number;
  late: boolean;
  after_close: boolean;
  deadline: Date;
  values: unknown;
  parent_unit_id: string;
  /** The request's key filed this report before: nothing was written. */
  filed_before: boolean;
  /** With the lock shared, the parent's aggregation had closed: nothing was written; file it again alone. */
  retry_alone: boolean;
}

export interface ReportToFile {
  reportId: string;
  directiveId: string;
  unitId: string;
  cycle: number;
  values: unknown;
  userId: string | null;
  /**
   * The request's Idempotency-Key and who sent it (`user:<id>`, `apiKey:<id>`): a key is its caller's, so that
   * another caller's same key is another request.
   */
  request: { caller: string; key: string } | null;
  issuerId: string;
  /** The actor's role and the connector, when one files for the unit (its event names it). */
  actor?: EventActor | null;
}

/** The request key `cascade_file_report` stores and looks up: the caller, then its key ('/' is in neither). */
const requestKeyOf = (request: ReportToFile['request']): string | null =>
  request ? `${request.caller}/${request.key}` : null;

/** The request's key filed a report of another cycle or with other values: nothing was written. */
export class ReportKeyReusedError extends Error {
  constructor() {
    super('the request key filed another report');
    this.name = 'ReportKeyReusedError';
  }
}

/**
 * `cascade_file_report`: the routing node's lock, the parent's lock (shared, or alone), the report unless the
 * caller's request key filed it before (`ReportKeyReusedError` when that key filed another cycle or other values) — late when the database's clock, once the locks are held, has passed the stored
 * deadline of the unit's tier — and, shared, its event, in one statement. Alone, the caller appends the event
 * (`reportEvent`) after revising the aggregates above.
 */
export async function fileReport(db: Db, r: ReportToFile, alone: boolean): Promise<FiledReport> {
  try {
    const rows: FiledReport[] = await db.query(
      `SELECT revision, late, after_close, deadline, values, parent_unit_id, filed_before, retry_alone
         FROM cascade_file_report($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        r.reportId,
        r.directiveId,
        r.unitId,
        r.cycle,
        JSON.stringify(r.values),
        r.userId,
        requestKeyOf(r.request),
        r.issuerId,
        alone,
        !alone,
        r.actor?.role ?? null,
        r.actor?.connector ? JSON.stringify(r.actor.connector) : null,
      ],
    );
    return rows[0];
  } catch (error) {
    const e = error as { code?: string; driverError?: { code?: string } };
    if ((e.driverError?.code ?? e.code) === REPORT_KEY_REUSED_SQLSTATE) throw new ReportKeyReusedError();
    throw error;
  }
}

/** The routing nodes of many units of one directive (for a batch of reports): what each item needs checked. */
export async function batchNodes(
  db: Db,
  directiveId: string,
  unitIds: string[],
): Promise<{ unit_id: string; status: string; tier: number; is_hub: boolean; parent_unit_id: string }[]> {
  return db.query(
    `SELECT unit_id, status, tier, is_hub, parent_unit_id FROM routing_node
      WHERE directive_id = $1 AND unit_id = ANY($2::uuid[])`,
    [directiveId, unitIds],
  );
}

/** One item of a batch of reports, checked and ready to file. */
export interface ReportItemToFile {
  reportId: string;
  unitId: string;
  cycle: number;
  values: unknown;
  /** The item's key, prefixed with its caller (`user:<id>/<key>`). */
  requestKey: string;
}

/** What `cascade_file_reports` answers for each item, in the items' order. */
export interface FiledReportItem {
  outcome: 'filed' | 'duplicate' | 'key-reused' | 'not-routed' | 'not-planned';
  revision: number | null;
  late: boolean | null;
  after_close: boolean | null;
  deadline: Date | null;
  values: unknown;
  parent_unit_id: string | null;
}

/**
 * `cascade_file_reports`: a batch of reports of one directive in one statement (libs/persistence/src/sql/
 * file-reports.sql.ts): each item filed whole, answered from its key, or refused; late ones mark their hubs pending.
 */
export async function fileReports(
  db: Db,
  batch: { directiveId: string; issuerId: string; userId: string | null; items: ReportItemToFile[] },
): Promise<FiledReportItem[]> {
  const { items } = batch;
  const rows: (FiledReportItem & { ord: number })[] = await db.query(
    `SELECT ord, outcome, revision, late, after_close, deadline, values, parent_unit_id
       FROM cascade_file_reports($1, $2, $3, $4::uuid[], $5::uuid[], $6::int[], $7::jsonb[], $8::text[])`,
    [
      batch.directiveId,
      batch.issuerId,
      batch.userId,
      items.map((i) => i.reportId),
      items.map((i) => i.unitId),
      items.map((i) => i.cycle),
      items.map((i) => JSON.stringify(i.values)),
      items.map((i) => i.requestKey),
    ],
  );
  return rows.sort((a, b) => a.ord - b.ord).map(({ ord: _ord, ...r }) => r);
}

/** The event of a report filed alone (`cascade_report_event`): appended last in the transaction. */
export async function reportEvent(
  m: EntityManager,
  r: { directiveId: string; userId: string | null; unitId: string; cycle: number; actor?: EventActor | null },
  filed: FiledReport,
): Promise<void> {
  await m.query(`SELECT cascade_report_event($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
    r.directiveId,
    r.userId,
    r.unitId,
    r.cycle,
    filed.revision,
    filed.late,
    filed.after_close,
    r.actor?.role ?? null,
    r.actor?.connector ? JSON.stringify(r.actor.connector) : null,
  ]);
}

/**
 * The recursive step of a subtree walk (`below`, the directive in $1): each unit's children from the index
 * `routing_node_parent`. The lateral subquery is kept apart (OFFSET 0 is only a fence, nothing is skipped): joined
 * flat, the planner, which guesses a recursion's size, hashes the directive's every routing node at each level.
 */
const CHILDREN_OF_BELOW = `SELECT c.unit_id FROM below b CROSS JOIN LATERAL (
       SELECT r.unit_id FROM routing_node r WHERE r.directive_id = $1 AND r.parent_unit_id = b.unit_id OFFSET 0) c`;

/** The key of a unit's current report in a page: its unit id. */
export type ReportKey = string;

/**
 * A page of the current reports (highest revision) of a cycle, by unit id: of every routed unit of the directive
 * (`below` null: the issuer's view), or of the routed units under `below` (itself included). The issuer's page is a
 * range of the index `report_cycle`, whatever the directive's size; a unit's walks its subtree (its size, not the
 * directive's), sorted by unit id, each unit's current report found by the index.
 */
export async function currentReportsBelow(
  db: Db,
  directiveId: string,
  below: string | null,
  cycle: number,
  page: PageRequest<ReportKey>,
): Promise<KeysetPage<Record<string, unknown>, ReportKey>> {
  const columns = `rep.unit_id AS "unitId", rep.revision, rep.values, rep.late, rep.after_close AS "afterClose",
            rep.deadline, rep.submitted_at AS "submittedAt"`;
  const rows: Record<string, unknown>[] =
    below === null
      ? await db.query(
          `SELECT DISTINCT ON (rep.unit_id) ${columns}
             FROM report rep WHERE rep.directive_id = $1 AND rep.cycle = $2 ${page.after === null ? '' : 'AND rep.unit_id > $4'}
            ORDER BY rep.unit_id, rep.revision DESC LIMIT $3`,
          [directiveId, cycle, page.limit + 1, ...(page.after === null ? [] : [page.after])],
        )
      : await db.query(
          `WITH RECURSIVE below(unit_id) AS (
             SELECT $2::uuid
             UNION ALL ${CHILDREN_OF_BELOW}
           )
           SELECT ${columns}
             FROM below b CROSS JOIN LATERAL (
                    SELECT * FROM report p WHERE p.directive_id = $1 AND p.unit_id = b.unit_id AND p.cycle = $3
                     ORDER BY p.revision DESC LIMIT 1) rep
            WHERE $5::uuid IS NULL OR b.unit_id > $5
            ORDER BY b.unit_id LIMIT $4`,
          [directiveId, below, cycle, page.limit + 1, page.after],
        );
  return keysetPage(rows, page.limit, (r) => r.unitId as string);
}

/** The key of a report of an ad hoc stream in a page: its time (exact, UTC), its unit, its number. */
export type StreamKey = [submittedAt: string, unitId: string, revision: number];

/**
 * A page of an ad hoc stream, newest first: every report, numbered per unit (`number`, its revision), with its time
 * and its unit, of the whole directive (`below` null) or below a unit (itself included). The index `report_stream`
 * read backwards from the cursor.
 */
export async function reportStreamBelow(
  db: Db,
  directiveId: string,
  below: string | null,
  cycle: number,
  page: PageRequest<StreamKey>,
): Promise<KeysetPage<Record<string, unknown>, StreamKey>> {
  const after = page.after ?? [null, null, null];
  const rows: Record<string, unknown>[] = await db.query(
    `WITH RECURSIVE below(unit_id) AS (
       SELECT $2::uuid WHERE $2::uuid IS NOT NULL
       UNION ALL ${CHILDREN_OF_BELOW}
     )
     SELECT rep.unit_id AS "unitId", u.name AS "unitName", rep.revision AS number, rep.revision, rep.values,
            rep.submitted_at AS "submittedAt", ${EXACT_TIME('rep.submitted_at')} AS k_at
       FROM report rep JOIN unit u ON u.id = rep.unit_id
      WHERE rep.directive_id = $1 AND rep.cycle = $3
        AND ($2::uuid IS NULL OR rep.unit_id IN (SELECT unit_id FROM below))
        AND ($5::timestamptz IS NULL OR (rep.submitted_at, rep.unit_id, rep.revision) < ($5, $6::uuid, $7::int))
      ORDER BY rep.submitted_at DESC, rep.unit_id DESC, rep.revision DESC LIMIT $4`,
    [directiveId, below, cycle, page.limit + 1, ...after],
  );
  return keysetPage(rows, page.limit, (r) => [r.k_at as string, r.unitId as string, r.revision as number]);
}

/** A hub's latest aggregate of a cycle, as stored. */
export interface LatestAggregate {
  revision: number;
  reason: string;
  values: Record<string, unknown>;
  coverage: Coverage;
  created_at: Date;
}

export async function latestAggregate(
  db: Db,
  directiveId: string,
  unitId: string,
  cycle: number,
): Promise<LatestAggregate | null> {
  const rows: LatestAggregate[] = await db.query(
    `SELECT revision, reason, values, coverage, created_at FROM aggregate_report
      WHERE directive_id = $1 AND unit_id = $2 AND cycle = $3 ORDER BY revision DESC LIMIT 1`,
    [directiveId, unitId, cycle],
  );
  return rows[0] ?? null;
}

/**
 * A page of the revisions of a node's aggregate for a cycle, oldest first: what it reported upward, and when. The key
 * is the revision (the primary key's last column: the page is a range of it).
 */
export async function aggregateRevisions(
  db: Db,
  directiveId: string,
  unitId: string,
  cycle: number,
  page: PageRequest<number>,
): Promise<KeysetPage<Record<string, unknown>, number>> {
  const rows: Record<string, unknown>[] = await db.query(
    `SELECT revision, reason, folds, values, coverage, created_at AS "reportedAt" FROM aggregate_report
      WHERE directive_id = $1 AND unit_id = $2 AND cycle = $3 AND ($5::int IS NULL OR revision > $5)
      ORDER BY revision LIMIT $4`,
    [directiveId, unitId, cycle, page.limit + 1, page.after],
  );
  return keysetPage(rows, page.limit, (r) => r.revision as number);
}

/** The routed nodes that take part in the aggregation (all but those that returned the directive). */
export async function aggregationNodes(
  db: Db,
  directiveId: string,
): Promise<{ unit_id: string; parent_unit_id: string; is_hub: boolean }[]> {
  return db.query(
    `SELECT unit_id, parent_unit_id, is_hub FROM routing_node WHERE directive_id = $1 AND status <> 'returned'`,
    [directiveId],
  );
}

/**
 * A live preview of the aggregate at `unitId` (a hub, the issuer, or a leaf) from the current reports of a cycle,
 * before its aggregation closes: the same domain aggregation a hub's closing stores, over the whole subtree.
 */
export async function previewAggregate(
  db: Db,
  directiveId: string,
  cycle: number,
  form: ReportForm,
  at: { unitId: string; isHub: boolean },
  nodes: { unit_id: string; parent_unit_id: string; is_hub: boolean }[],
  { stream = false }: { stream?: boolean } = {},
): Promise<{ values: Record<string, unknown>; coverage: Coverage }> {
  const current: { unit_id: string; values: ReportValues; late: boolean }[] = await db.query(
    `SELECT DISTINCT ON (unit_id) unit_id, values, late FROM report WHERE directive_id = $1 AND cycle = $2 ORDER BY unit_id, revision DESC`,
    [directiveId, cycle],
  );
  // An ad hoc stream: every report of a unit counts.
  const all: { unit_id: string; values: ReportValues }[] = stream
    ? await db.query(
        `SELECT unit_id, values FROM report WHERE directive_id = $1 AND cycle = $2 ORDER BY unit_id, revision`,
        [directiveId, cycle],
      )
    : [];
  const streams = new Map<string, ReportValues[]>();
  for (const r of all) streams.set(r.unit_id, [...(streams.get(r.unit_id) ?? []), r.values]);
  const reportOf = new Map(
    current.map((r) => [
      r.unit_id,
      { unitId: r.unit_id, values: r.values, late: r.late } satisfies UnitReport,
    ]),
  );
  const children = new Map<string, { unit_id: string; is_hub: boolean }[]>();
  for (const n of nodes) children.set(n.parent_unit_id, [...(children.get(n.parent_unit_id) ?? []), n]);
  const below = (unitId: string): Aggregate => {
    const kids = children.get(unitId) ?? [];
    const leaves = kids.filter((k) => !k.is_hub).map((k) => k.unit_id);
    const hubs = kids.filter((k) => k.is_hub).map((k) => below(k.unit_id));
    if (stream)
      return aggregate(form, {
        expected: leaves.filter((l) => !streams.has(l)),
        children: [
          ...leaves.flatMap((l) => (streams.has(l) ? [streamAggregate(form, l, streams.get(l)!)] : [])),
          ...hubs,
        ],
      });
    return aggregate(form, {
      expected: leaves,
      reports: leaves.flatMap((l) => (reportOf.has(l) ? [reportOf.get(l)!] : [])),
      children: hubs,
    });
  };
  const result = at.isHub
    ? below(at.unitId)
    : stream
      ? streamAggregate(form, at.unitId, streams.get(at.unitId) ?? [])
      : aggregate(form, {
          expected: [at.unitId],
          reports: reportOf.has(at.unitId) ? [reportOf.get(at.unitId)!] : [],
        });
  return {
    values: Object.fromEntries(Object.entries(result.fields).map(([k, a]) => [k, aggregateValue(a)])),
    coverage: result.coverage,
  };
}

/** The key of an escalation step in a page: its cycle, its time (exact, UTC), its unit, its level. */
export type EscalationKey = [cycle: number, at: string, unitId: string, level: string];

/**
 * A page of the escalation ladder's steps so far (which unit was reminded, marked overdue or escalated), by cycle,
 * time, unit and level, of one cycle or of all: a range of the index `escalation_page` from the cursor.
 */
export async function escalationsOf(
  db: Db,
  directiveId: string,
  cycle: number | null,
  page: PageRequest<EscalationKey>,
): Promise<KeysetPage<Record<string, unknown>, EscalationKey>> {
  const after = page.after ?? [null, null, null, null];
  const rows: Record<string, unknown>[] = await db.query(
    `SELECT e.cycle, e.unit_id AS "unitId", u.code AS "unitCode", u.name AS "unitName", e.level, e.at,
            -- OFFSET 0: a probe by key per row of the page; without it, with stale statistics, PostgreSQL may hash the
            -- whole report table once instead
            EXISTS (SELECT 1 FROM report p WHERE p.directive_id = e.directive_id AND p.unit_id = e.unit_id AND p.cycle = e.cycle OFFSET 0) AS "reportedSince",
            ${EXACT_TIME('e.at')} AS k_at
       FROM escalation e JOIN unit u ON u.id = e.unit_id
      WHERE e.directive_id = $1 ${cycle === null ? '' : 'AND e.cycle = $7'}
        AND ($3::int IS NULL OR (e.cycle, e.at, e.unit_id, e.level) > ($3, $4::timestamptz, $5::uuid, $6::text))
      ORDER BY e.cycle, e.at, e.unit_id, e.level LIMIT $2`,
    [directiveId, page.limit + 1, ...after, ...(cycle === null ? [] : [cycle])],
  );
  return keysetPage(rows, page.limit, (r) => [
    r.cycle as number,
    r.k_at as string,
    r.unitId as string,
    r.level as string,
  ]);
}

/** The paths (ids from the root) of many units, by id; a unit that does not exist is absent. */
export async function unitPathsOf(db: Db, unitIds: string[]): Promise<Map<string, string[]>> {
  const rows: { id: string; path: string }[] = await db.query(
    `SELECT id::text, path::text FROM unit WHERE id = ANY($1::uuid[])`,
    [unitIds],
  );
  return new Map(rows.map((r) => [r.id, idsFromPath(r.path)]));
}

/** Whether `unitId` takes part in the directive's aggregation (routed, not returned), and as a hub; null if not. */
export async function aggregationNode(
  db: Db,
  directiveId: string,
  unitId: string,
): Promise<{ is_hub: boolean } | null> {
  const rows: { is_hub: boolean }[] = await db.query(
    `SELECT is_hub FROM routing_node WHERE directive_id = $1 AND unit_id = $2 AND status <> 'returned'`,
    [directiveId, unitId],
  );
  return rows[0] ?? null;
}
