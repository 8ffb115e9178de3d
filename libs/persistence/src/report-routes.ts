import { DataSource, EntityManager } from 'typeorm';
import type { ReportingRequirement } from '@cascade/contracts';
import type { Aggregate } from '@cascade/domain';
import { EXACT_TIME, keysetPage, type KeysetPage, type PageRequest } from './keyset';

type Db = DataSource | EntityManager;

/**
 * `report_route` and `report_delivery`: where a dispatched directive's reports go, resolved once after dispatch
 * (this module is their only writer). Every hub of the routing tree (the issuer included) has a collector — itself,
 * or the department that collects, checks and aggregates on its behalf ("qua Ban Tuyên giáo") — and deliveries: the
 * bodies its aggregate goes to, each optionally through one of its departments. Without a route a hub's aggregate
 * goes to its routing parent (through the parent's collector), the issuer's to the directive's extra targets; the
 * organisation's report targets of a hub (`unit_report_target`) are added.
 */

export interface RouteSpec {
  hubUnitId?: string;
  viaUnitId?: string;
  to?: { unitId: string; viaUnitId?: string }[];
}

/**
 * Resolves and stores the directive's routes for every hub it has now (idempotent: what is stored stays; a hub that
 * forwarding made since gets its own). Returns the number of hubs.
 */
export async function storeReportRoutes(
  m: EntityManager,
  directiveId: string,
  issuerId: string,
  routes: readonly RouteSpec[],
  issuerTargets: readonly string[],
): Promise<number> {
  const hubs: { unit_id: string; parent_unit_id: string | null }[] = await m.query(
    `SELECT $2::uuid AS unit_id, NULL::uuid AS parent_unit_id
     UNION ALL
     SELECT unit_id, parent_unit_id FROM routing_node WHERE directive_id = $1 AND is_hub AND unit_id <> $2`,
    [directiveId, issuerId],
  );
  const byHub = new Map(routes.map((r) => [r.hubUnitId ?? issuerId, r]));
  const collector = new Map(hubs.map((h) => [h.unit_id, byHub.get(h.unit_id)?.viaUnitId ?? h.unit_id]));
  const deliveries: { hub: string; target: string; via: string | null }[] = [];
  for (const hub of hubs) {
    const route = byHub.get(hub.unit_id);
    const to = route?.to
      ? route.to.map((t) => ({
          target: t.unitId,
          via: t.viaUnitId ?? (collector.get(t.unitId) !== t.unitId ? collector.get(t.unitId)! : null),
        }))
      : hub.parent_unit_id
        ? [
            {
              target: hub.parent_unit_id,
              via:
                collector.get(hub.parent_unit_id) !== hub.parent_unit_id
                  ? collector.get(hub.parent_unit_id)!
                  : null,
            },
          ]
        : issuerTargets.map((t) => ({ target: t, via: null }));
    for (const d of to) deliveries.push({ hub: hub.unit_id, ...d });
  }
  await m.query(
    `INSERT INTO report_route (directive_id, hub_unit_id, collector_unit_id)
     SELECT $1::uuid, h, c FROM unnest($2::uuid[], $3::uuid[]) AS x(h, c) ON CONFLICT DO NOTHING`,
    [directiveId, [...collector.keys()], [...collector.values()]],
  );
  await m.query(
    `INSERT INTO report_delivery (directive_id, hub_unit_id, target_unit_id, via_unit_id)
     SELECT $1::uuid, h, t, v FROM unnest($2::uuid[], $3::uuid[], $4::uuid[]) AS x(h, t, v)
     UNION
     -- The organisation's report targets of each hub (a department, a Party committee), unless routed already.
     SELECT $1::uuid, r.unit_id, r.target_id, r.via_id FROM unit_report_target r WHERE r.unit_id = ANY($5::uuid[])
        AND NOT EXISTS (SELECT 1 FROM unnest($2::uuid[], $3::uuid[]) AS y(h, t) WHERE y.h = r.unit_id AND y.t = r.target_id)
     ON CONFLICT DO NOTHING`,
    [
      directiveId,
      deliveries.map((d) => d.hub),
      deliveries.map((d) => d.target),
      deliveries.map((d) => d.via),
      [...collector.keys()],
    ],
  );
  return collector.size;
}

export interface Delivery {
  hubUnitId: string;
  hubName: string;
  targetUnitId: string;
  targetName: string;
  viaUnitId: string | null;
  viaName: string | null;
}

/** The hub's collector (itself, or its collecting department); null when the directive has no stored routes. */
export async function collectorOf(db: Db, directiveId: string, hubUnitId: string): Promise<string | null> {
  const rows: { collector_unit_id: string }[] = await db.query(
    `SELECT collector_unit_id FROM report_route WHERE directive_id = $1 AND hub_unit_id = $2`,
    [directiveId, hubUnitId],
  );
  return rows[0]?.collector_unit_id ?? null;
}

/** The hubs a unit collects for (as their department) on a directive. */
export async function hubsCollectedBy(db: Db, directiveId: string, unitId: string): Promise<string[]> {
  const rows: { hub_unit_id: string }[] = await db.query(
    `SELECT hub_unit_id FROM report_route WHERE directive_id = $1 AND collector_unit_id = $2 ORDER BY hub_unit_id`,
    [directiveId, unitId],
  );
  return rows.map((r) => r.hub_unit_id);
}

const DELIVERY_COLUMNS = `d.hub_unit_id AS "hubUnitId", h.name AS "hubName", d.target_unit_id AS "targetUnitId",
       t.name AS "targetName", d.via_unit_id AS "viaUnitId", v.name AS "viaName"`;

/** Where a hub's aggregate goes. */
export async function deliveriesOf(db: Db, directiveId: string, hubUnitId: string): Promise<Delivery[]> {
  return db.query(
    `SELECT ${DELIVERY_COLUMNS}
       FROM report_delivery d JOIN unit h ON h.id = d.hub_unit_id JOIN unit t ON t.id = d.target_unit_id
            LEFT JOIN unit v ON v.id = d.via_unit_id
      WHERE d.directive_id = $1 AND d.hub_unit_id = $2 ORDER BY t.name`,
    [directiveId, hubUnitId],
  );
}

/** The deliveries of a directive to a unit, as the body or the department it goes through. */
export async function deliveriesTo(db: Db, directiveId: string, unitId: string): Promise<Delivery[]> {
  return db.query(
    `SELECT ${DELIVERY_COLUMNS}
       FROM report_delivery d JOIN unit h ON h.id = d.hub_unit_id JOIN unit t ON t.id = d.target_unit_id
            LEFT JOIN unit v ON v.id = d.via_unit_id
      WHERE d.directive_id = $1 AND (d.target_unit_id = $2 OR d.via_unit_id = $2) ORDER BY h.name`,
    [directiveId, unitId],
  );
}

export interface ReportReceivedEntry {
  directiveId: string;
  symbol: string | null;
  subject: string;
  status: string;
  hubUnitId: string;
  hubName: string;
  /** target: the body it is addressed to; via: the department it comes through; collector: collected for the hub. */
  role: 'target' | 'via' | 'collector';
  targetUnitId: string;
  viaUnitId: string | null;
  cycle: number | null;
  revision: number | null;
  reason: string | null;
  reportedAt: Date | null;
  values: Record<string, unknown> | null;
  coverage: Record<string, unknown> | null;
  /** The directive's reporting requirement: its schedules' keys and forms (the labels of what was reported). */
  reporting: ReportingRequirement | null;
}

/**
 * The key of an entry of the register of reports received: when its aggregate was reported (exact, UTC; null: not
 * yet), the directive, the hub, the role and the cycle (-1: none yet).
 */
export type ReceivedRegisterKey = [
  at: string | null,
  directiveId: string,
  hubUnitId: string,
  role: string,
  cycle: number,
];

/**
 * A page of a unit's register of reports received: every hub whose aggregate goes to it (as the body or through it,
 * its department) or that it collects for, with the hub's latest aggregate of each cycle (none yet: one row without a
 * cycle). Newest first (then directive, hub, role, cycle), after the key. The entries are the unit's deliveries and
 * collections (index `report_delivery` target/via, `report_route_collector`) with each hub's aggregates: a page costs
 * the unit's own register, whatever the size of the organisation.
 */
export async function reportsReceivedRegister(
  db: Db,
  unitId: string,
  filter: { directiveId?: string },
  page: PageRequest<ReceivedRegisterKey>,
): Promise<KeysetPage<ReportReceivedEntry & Record<string, unknown>, ReceivedRegisterKey>> {
  const rows: (ReportReceivedEntry & Record<string, unknown>)[] = await db.query(
    `WITH x AS (
       SELECT directive_id, hub_unit_id, target_unit_id, via_unit_id,
              CASE WHEN target_unit_id = $1 THEN 'target' ELSE 'via' END AS role
         FROM report_delivery WHERE (target_unit_id = $1 OR via_unit_id = $1) AND ($2::uuid IS NULL OR directive_id = $2)
       UNION ALL
       SELECT directive_id, hub_unit_id, hub_unit_id, collector_unit_id, 'collector'
         FROM report_route WHERE collector_unit_id = $1 AND collector_unit_id <> hub_unit_id
          AND ($2::uuid IS NULL OR directive_id = $2)
     ), e AS (
       SELECT x.*, a.cycle, a.revision, a.reason, a.created_at, a.values, a.coverage,
              COALESCE(a.created_at, '-infinity'::timestamptz) AS s_at, COALESCE(a.cycle, -1) AS s_cycle
         FROM x LEFT JOIN LATERAL (
           SELECT DISTINCT ON (cycle) cycle, revision, reason, created_at, values, coverage FROM aggregate_report a
            WHERE a.directive_id = x.directive_id AND a.unit_id = x.hub_unit_id ORDER BY cycle, revision DESC
         ) a ON true
     ), p AS (
       SELECT * FROM e
        WHERE NOT $4::boolean
           OR e.s_at < COALESCE($5::timestamptz, '-infinity')
           OR (e.s_at = COALESCE($5::timestamptz, '-infinity')
               AND (e.directive_id, e.hub_unit_id, e.role, e.s_cycle) > ($6::uuid, $7::uuid, $8::text, $9::int))
        ORDER BY e.s_at DESC, e.directive_id, e.hub_unit_id, e.role, e.s_cycle LIMIT $3
     )
     SELECT p.directive_id AS "directiveId", d.symbol, d.content->>'subject' AS subject, d.status,
            p.hub_unit_id AS "hubUnitId", h.name AS "hubName", p.role, p.target_unit_id AS "targetUnitId",
            p.via_unit_id AS "viaUnitId", p.cycle, p.revision, p.reason, p.created_at AS "reportedAt", p.values,
            p.coverage, d.content->'reporting' AS reporting,
            CASE WHEN p.created_at IS NULL THEN NULL ELSE ${EXACT_TIME('p.created_at')} END AS k_at, p.s_cycle AS k_cycle
       FROM p JOIN directive d ON d.id = p.directive_id JOIN unit h ON h.id = p.hub_unit_id
      ORDER BY p.s_at DESC, p.directive_id, p.hub_unit_id, p.role, p.s_cycle`,
    [
      unitId,
      filter.directiveId ?? null,
      page.limit + 1,
      page.after !== null,
      ...(page.after ?? [null, null, null, null, null]),
    ],
  );
  return keysetPage(rows, page.limit, (r) => [
    r.k_at as string | null,
    r.directiveId,
    r.hubUnitId,
    r.role,
    r.k_cycle as number,
  ]);
}

export interface RouteUnit {
  id: string;
  kind: string;
  parentId: string | null;
  active: boolean;
  /** Unit ids from the root down. */
  path: string;
}

/** The units a draft's routes name, with what checking them needs. */
export async function routeUnits(db: Db, ids: string[]): Promise<Map<string, RouteUnit>> {
  if (!ids.length) return new Map();
  const rows: { id: string; kind: string; parent_id: string | null; active: boolean; path: string }[] =
    await db.query(
      `SELECT id, kind, parent_id, active, path::text AS path FROM unit WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  return new Map(
    rows.map((r) => [
      r.id,
      { id: r.id, kind: r.kind, parentId: r.parent_id, active: r.active, path: r.path },
    ]),
  );
}

/** The organisation's report targets of these units (admin-made links, across trees), as unit → targets. */
export async function configuredTargets(db: Db, unitIds: string[]): Promise<Map<string, Set<string>>> {
  const rows: { unit_id: string; target_id: string }[] = unitIds.length
    ? await db.query(`SELECT unit_id, target_id FROM unit_report_target WHERE unit_id = ANY($1::uuid[])`, [
        unitIds,
      ])
    : [];
  const map = new Map<string, Set<string>>();
  for (const r of rows) map.set(r.unit_id, (map.get(r.unit_id) ?? new Set()).add(r.target_id));
  return map;
}

export interface ReceivedAggregate {
  hubUnitId: string;
  hubName: string;
  role: 'target' | 'via' | 'collector';
  targetUnitId: string;
  viaUnitId: string | null;
  revision: number | null;
  reason: string | null;
  reportedAt: Date | null;
  values: Record<string, unknown> | null;
  aggregate: Aggregate | null;
}

/**
 * What a unit receives on a directive for a cycle: each hub that sends it its aggregate (to it, or through it as the
 * body's department) or that it collects for, with the hub's latest aggregate of the cycle (null: not reported yet).
 */
export async function receivedOn(
  db: Db,
  directiveId: string,
  unitId: string,
  cycle: number,
): Promise<ReceivedAggregate[]> {
  return db.query(
    `WITH x AS (
       SELECT hub_unit_id, target_unit_id, via_unit_id,
              CASE WHEN target_unit_id = $2 THEN 'target' ELSE 'via' END AS role
         FROM report_delivery WHERE directive_id = $1 AND (target_unit_id = $2 OR via_unit_id = $2)
       UNION ALL
       SELECT hub_unit_id, hub_unit_id, collector_unit_id, 'collector'
         FROM report_route WHERE directive_id = $1 AND collector_unit_id = $2 AND collector_unit_id <> hub_unit_id
     )
     SELECT x.hub_unit_id AS "hubUnitId", h.name AS "hubName", x.role, x.target_unit_id AS "targetUnitId",
            x.via_unit_id AS "viaUnitId", a.revision, a.reason, a.created_at AS "reportedAt", a.values, a.aggregate
       FROM x JOIN unit h ON h.id = x.hub_unit_id
       LEFT JOIN LATERAL (
         SELECT revision, reason, created_at, values, aggregate FROM aggregate_report a
          WHERE a.directive_id = $1 AND a.unit_id = x.hub_unit_id AND a.cycle = $3 ORDER BY revision DESC LIMIT 1
       ) a ON true
      ORDER BY h.name, x.role`,
    [directiveId, unitId, cycle],
  );
}

/** The names of units (those that exist), by id. */
export async function unitNames(db: Db, ids: string[]): Promise<Record<string, string>> {
  if (!ids.length) return {};
  const rows: { id: string; name: string }[] = await db.query(
    `SELECT id, name FROM unit WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return Object.fromEntries(rows.map((r) => [r.id, r.name]));
}
