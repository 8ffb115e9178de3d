import { DataSource, EntityManager } from 'typeorm';
import type { TreeNode } from '@cascade/contracts';
import { OPEN_ENDED_FROM } from '@cascade/domain';
import { EXACT_TIME, keysetPage, type KeysetPage, type PageRequest } from './keyset';

/**
 * The secretariat's dashboard queries: the API's registers, routing tree and overdue list, and the benchmark that
 * times the tree and the list. Reads only; each table has its own writer.
 */
type Db = DataSource | EntityManager;

/**
 * One level of a routing tree with per-subtree roll-ups: $1 directive, $2 parent unit, $3 cursor, $4 limit, $5 cycle.
 * A subtree rolls up along the routing tree itself (parent_unit_id, through hubs), so a forwarded branch rolls up
 * under the unit that forwarded it. Its counts are the page node's own plus the sums of the counters the triggers
 * keep for every hub in it (`routing_rollup`, `report_rollup`: sql/routing-rollup.sql.ts): the walk reads the hubs
 * only (`routing_node_hubs`), hundreds at 10^5 units, never the leaves or their reports. The sums are MATERIALIZED:
 * computed once, whatever the plan (inlined, a new directive's statistics planned them again for each node of the
 * page, 63 times at the national root).
 */
export const TREE_SQL = `WITH RECURSIVE page AS (
  SELECT r.unit_id, r.depth, r.tier, r.is_hub, r.status, r.status_code, r.final_status, u.code, u.name
    FROM routing_node r JOIN unit u ON u.id = r.unit_id
   WHERE r.directive_id = $1 AND r.parent_unit_id = $2 AND ($3::uuid IS NULL OR r.unit_id > $3)
   ORDER BY r.unit_id LIMIT $4
), hubs AS (
  SELECT p.unit_id AS top, p.unit_id FROM page p WHERE p.is_hub
  UNION ALL
  SELECT hubs.top, s.unit_id
    FROM hubs JOIN routing_node s ON s.directive_id = $1 AND s.parent_unit_id = hubs.unit_id AND s.is_hub
), nodes AS MATERIALIZED (
  SELECT hubs.top, sum(c.nodes)::int AS nodes, sum(c.delivered)::int AS delivered, sum(c.accepted)::int AS accepted,
         sum(c.returned)::int AS returned, sum(c.expected)::int AS expected
    FROM hubs JOIN routing_rollup c ON c.directive_id = $1 AND c.hub_unit_id = hubs.unit_id
   GROUP BY hubs.top
), reports AS MATERIALIZED (
  SELECT hubs.top, sum(c.on_time)::int AS on_time, sum(c.late)::int AS late
    FROM hubs JOIN report_rollup c ON c.directive_id = $1 AND c.hub_unit_id = hubs.unit_id AND c.cycle = $5
   GROUP BY hubs.top
), roll AS (
  SELECT p.unit_id AS top,
         1 + COALESCE(n.nodes, 0) AS nodes,
         (p.status = 'delivered')::int + COALESCE(n.delivered, 0) AS delivered,
         (p.status = 'accepted')::int + COALESCE(n.accepted, 0) AS accepted,
         (p.status = 'returned')::int + COALESCE(n.returned, 0) AS returned,
         (NOT p.is_hub AND p.status <> 'returned')::int + COALESCE(n.expected, 0) AS expected,
         (NOT p.is_hub AND p.status <> 'returned' AND own.late = false)::int + COALESCE(r.on_time, 0) AS on_time,
         (NOT p.is_hub AND p.status <> 'returned' AND own.late)::int + COALESCE(r.late, 0) AS late
    FROM page p
    LEFT JOIN nodes n ON n.top = p.unit_id
    LEFT JOIN reports r ON r.top = p.unit_id
    LEFT JOIN LATERAL (SELECT x.late FROM report x WHERE x.directive_id = $1 AND x.unit_id = p.unit_id AND x.cycle = $5
                        ORDER BY x.revision DESC LIMIT 1) own ON NOT p.is_hub
)
SELECT p.unit_id::text AS "unitId", p.code AS "unitCode", p.name AS "unitName", p.depth, p.tier,
       p.is_hub AS "isHub", p.status, p.status_code AS "statusCode", p.final_status AS "finalStatus",
       roll.nodes, roll.delivered, roll.accepted, roll.returned, roll.expected, roll.on_time AS "onTime",
       roll.late, roll.expected - roll.on_time - roll.late AS missing,
       CASE WHEN roll.expected > 0 THEN round(roll.on_time::numeric / roll.expected, 4) END AS "shareOnTime",
       (SELECT max(revision) FROM aggregate_report a WHERE a.directive_id = $1 AND a.unit_id = p.unit_id AND a.cycle = $5)
         AS "aggregateRevision"
  FROM page p JOIN roll ON roll.top = p.unit_id
 ORDER BY p.unit_id`;

/**
 * Overdue grassroots units in a subtree, most late first: $1 the unit's path (ltree text), $2 limit, $3 … $6 the key
 * of the previous page's last entry (or nulls), $7 the ladder's levels in order. Walks the overdue marks in the order
 * of the index `escalation_overdue_page` (level, at, unit_id, directive_id, cycle) from the key and stops at the
 * page's end: the unit's subtree and the directive's status are checked per mark, so the planner cannot turn them into
 * joins that read every mark and sort them (which it does when it guesses the subtree small).
 */
export const OVERDUE_SQL = `SELECT o.directive_id::text AS "directiveId", d.symbol, d.content->>'subject' AS subject, o.cycle,
       o.unit_id::text AS "unitId", u.code AS "unitCode", u.name AS "unitName", o.at AS "overdueSince",
       extract(epoch FROM now() - o.at)::int AS "lateSeconds",
       (SELECT e.level FROM escalation e WHERE e.directive_id = o.directive_id AND e.cycle = o.cycle AND e.unit_id = o.unit_id
         ORDER BY array_position($7::text[], e.level) DESC LIMIT 1) AS level,
       ${EXACT_TIME('o.at')} AS k_at
  FROM (SELECT o.* FROM escalation o
         WHERE o.level = 'overdue'
           AND ($3::timestamptz IS NULL OR (o.at, o.unit_id, o.directive_id, o.cycle) > ($3, $4::uuid, $5::uuid, $6::int))
           -- each mark's unit and directive checked as the walk reaches it (never a join that reads every mark first)
           AND (SELECT u.path FROM unit u WHERE u.id = o.unit_id) <@ $1::ltree
           AND (SELECT d.status FROM directive d WHERE d.id = o.directive_id) = 'dispatched'
           -- OFFSET 0: probed by key as the walk reaches the mark, never an anti join that reads every report first
           AND NOT EXISTS (SELECT 1 FROM report p WHERE p.directive_id = o.directive_id AND p.unit_id = o.unit_id AND p.cycle = o.cycle OFFSET 0)
         ORDER BY o.at, o.unit_id, o.directive_id, o.cycle
         LIMIT $2) o
  -- the page's units and directives by their keys (LIMIT 1: looked up, never joined whole)
  CROSS JOIN LATERAL (SELECT u.code, u.name FROM unit u WHERE u.id = o.unit_id LIMIT 1) u
  CROSS JOIN LATERAL (SELECT d.symbol, d.content FROM directive d WHERE d.id = o.directive_id LIMIT 1) d
 ORDER BY o.at, o.unit_id, o.directive_id, o.cycle`;

/** A register's filter: the unit, then optional status, type, period, words of the search (LIKE patterns). */
export interface RegisterFilter {
  unitId: string;
  status: string | null;
  type: string | null;
  from: string | null;
  to: string | null;
  /** LIKE patterns, each matched against the folded search text; empty for any. */
  searchPatterns: string[];
  /** Only the entries after this one, in the register's order (newest first). */
  after: { sortAt: string; id: string } | null;
  /** At most this many entries. */
  limit: number;
}

/** The parameters both registers take, in order ($1 … $9). */
const registerParams = (filter: RegisterFilter) => [
  filter.unitId,
  filter.status,
  filter.type,
  filter.from,
  filter.to,
  filter.searchPatterns,
  filter.after?.sortAt ?? null,
  filter.after?.id ?? null,
  filter.limit,
];

/** A directive the unit issued, with its routing progress. */
export interface OutgoingEntry {
  id: string;
  symbol: string | null;
  type: string;
  status: string;
  subject: string | null;
  signedAt: Date | null;
  createdAt: Date;
  /** Signed, else drafted: the register's order. */
  sortAt: Date;
  routing: { total: number; delivered: number; accepted: number; returned: number };
  /**
   * While dispatched: the soonest deadline not passed by which its addressees' reports reach it; else null (an
   * open-ended phase has none until the issuer closes it).
   */
  deadline: Date | null;
}

/**
 * Directives the unit issued, newest first (signed, else drafted), with their routing progress. Documents it
 * registered as received from outside (status 'received') are in its incoming register, never here.
 */
export async function outgoingRegister(db: Db, filter: RegisterFilter): Promise<OutgoingEntry[]> {
  return db.query(
    `SELECT d.id::text AS id, d.symbol, d.doc_type AS type, d.status, d.content->>'subject' AS subject,
            d.signed_at AS "signedAt", d.created_at AS "createdAt", COALESCE(d.signed_at, d.created_at) AS "sortAt",
            (SELECT jsonb_build_object('total', count(*), 'delivered', count(*) FILTER (WHERE r.status = 'delivered'),
                      'accepted', count(*) FILTER (WHERE r.status = 'accepted'),
                      'returned', count(*) FILTER (WHERE r.status = 'returned'))
               FROM routing_node r WHERE r.directive_id = d.id) AS routing,
            (SELECT min((c.deadlines -> -1 ->> 'at')::timestamptz) FROM reporting_cycle c
              WHERE c.directive_id = d.id AND d.status = 'dispatched'
                AND (c.deadlines -> -1 ->> 'at')::timestamptz >= now()
                AND (c.deadlines -> -1 ->> 'at')::timestamptz < '${OPEN_ENDED_FROM}') AS deadline
       FROM directive d
      WHERE d.issuer_id = $1 AND d.status <> 'received' AND ($2::text IS NULL OR d.status = $2)
        AND ($3::text IS NULL OR d.doc_type = $3)
        AND ($4::timestamptz IS NULL OR COALESCE(d.signed_at, d.created_at) >= $4)
        AND ($5::timestamptz IS NULL OR COALESCE(d.signed_at, d.created_at) < $5)
        AND d.search LIKE ALL($6::text[])
        AND ($7::timestamptz IS NULL OR (COALESCE(d.signed_at, d.created_at), d.id) < ($7, $8::uuid))
      ORDER BY COALESCE(d.signed_at, d.created_at) DESC, d.id DESC
      LIMIT $9`,
    registerParams(filter),
  );
}

/** A directive routed to the unit, with its acknowledgement and what it still owes. */
export interface IncomingEntry {
  id: string;
  symbol: string | null;
  type: string;
  status: string;
  subject: string | null;
  issuerName: string;
  nodeStatus: string;
  statusCode: string | null;
  deliveredAt: Date | null;
  acknowledgedAt: Date | null;
  isHub: boolean;
  recallStatus: string | null;
  finalStatus: string | null;
  /** Cycles overdue and still not reported. */
  overdueCycles: number;
  /** Delivered, else signed (received from outside: received): the register's order. */
  sortAt: Date;
  /** routed: a Cascade directive routed to the unit; received: a document from outside the unit registered. */
  source: 'routed' | 'received';
  /** A document received from outside: its received number (số đến) and when it was received; else null. */
  receivedNumber: number | null;
  receivedAt: Date | null;
  /**
   * While the directive is dispatched and not recalled from the unit: the soonest deadline not passed (the unit's
   * own, by its tier) of a cycle it has not reported on; else null (and for a document received from outside).
   */
  deadline: Date | null;
}

/**
 * Directives routed to the unit, newest delivery first, with its acknowledgement and what it still owes; and the
 * documents from outside the unit registered as received (node status 'received', with their received number), in
 * the same order by their receipt.
 */
export async function incomingRegister(db: Db, filter: RegisterFilter): Promise<IncomingEntry[]> {
  return db.query(
    `SELECT * FROM ((
     SELECT d.id::text AS id, d.symbol, d.doc_type AS type, d.status, d.content->>'subject' AS subject,
            iu.name AS "issuerName", r.status AS "nodeStatus", r.status_code AS "statusCode",
            r.delivered_at AS "deliveredAt", r.acknowledged_at AS "acknowledgedAt", r.is_hub AS "isHub",
            r.recall_status AS "recallStatus", r.final_status AS "finalStatus",
            (SELECT count(*)::int FROM escalation e WHERE e.directive_id = d.id AND e.unit_id = r.unit_id AND e.level = 'overdue'
                AND NOT EXISTS (SELECT 1 FROM report p WHERE p.directive_id = d.id AND p.unit_id = r.unit_id AND p.cycle = e.cycle))
              AS "overdueCycles",
            COALESCE(r.delivered_at, d.signed_at) AS "sortAt",
            'routed' AS source, NULL::int AS "receivedNumber", NULL::timestamptz AS "receivedAt",
            (SELECT min(due.at) FROM reporting_cycle c
               CROSS JOIN LATERAL (SELECT (c.deadlines -> LEAST(r.tier, jsonb_array_length(c.deadlines) - 1) ->> 'at')::timestamptz AS at) due
              WHERE c.directive_id = d.id AND d.status = 'dispatched' AND r.recall_status IS NULL
                AND due.at >= now() AND due.at < '${OPEN_ENDED_FROM}'
                AND NOT EXISTS (SELECT 1 FROM report p WHERE p.directive_id = d.id AND p.unit_id = r.unit_id AND p.cycle = c.cycle))
              AS deadline
       FROM routing_node r JOIN directive d ON d.id = r.directive_id JOIN unit iu ON iu.id = d.issuer_id
      WHERE r.unit_id = $1 AND r.status <> 'pending' AND ($2::text IS NULL OR d.status = $2)
        AND ($3::text IS NULL OR d.doc_type = $3)
        AND ($4::timestamptz IS NULL OR r.delivered_at >= $4) AND ($5::timestamptz IS NULL OR r.delivered_at < $5)
        AND d.search LIKE ALL($6::text[])
        AND ($7::timestamptz IS NULL OR (COALESCE(r.delivered_at, d.signed_at), d.id) < ($7, $8::uuid))
      ORDER BY COALESCE(r.delivered_at, d.signed_at) DESC, d.id DESC
      LIMIT $9
     ) UNION ALL (
     SELECT d.id::text AS id, d.symbol, d.doc_type AS type, d.status, d.content->>'subject' AS subject,
            d.external_issuer_name AS "issuerName", 'received' AS "nodeStatus", NULL AS "statusCode",
            d.received_at AS "deliveredAt", NULL::timestamptz AS "acknowledgedAt", false AS "isHub",
            NULL AS "recallStatus", NULL AS "finalStatus", 0 AS "overdueCycles", d.received_at AS "sortAt",
            'received' AS source, d.received_number AS "receivedNumber", d.received_at AS "receivedAt",
            NULL::timestamptz AS deadline
       FROM directive d
      WHERE d.issuer_id = $1 AND d.status = 'received' AND ($2::text IS NULL OR d.status = $2)
        AND ($3::text IS NULL OR d.doc_type = $3)
        AND ($4::timestamptz IS NULL OR d.received_at >= $4) AND ($5::timestamptz IS NULL OR d.received_at < $5)
        AND d.search LIKE ALL($6::text[])
        AND ($7::timestamptz IS NULL OR (d.received_at, d.id) < ($7, $8::uuid))
      ORDER BY d.received_at DESC, d.id DESC
      LIMIT $9
     )) entry
      ORDER BY "sortAt" DESC, id::uuid DESC
      LIMIT $9`,
    registerParams(filter),
  );
}

/** A child in a routing tree, with the roll-up of its whole subtree: the API's answer, as declared in contracts. */
export type RoutingTreeEntry = TreeNode;

/** One level of a directive's routing tree below `parentUnitId` (TREE_SQL), after `cursor` (a unit id). */
export async function routingTreeLevel(
  db: Db,
  query: { directiveId: string; parentUnitId: string; cursor: string | null; limit: number; cycle: number },
): Promise<RoutingTreeEntry[]> {
  return db.query(TREE_SQL, [query.directiveId, query.parentUnitId, query.cursor, query.limit, query.cycle]);
}

/** A grassroots unit overdue on a cycle, and how far up the ladder it has gone. */
export interface OverdueEntry {
  directiveId: string;
  symbol: string | null;
  subject: string | null;
  cycle: number;
  unitId: string;
  unitCode: string;
  unitName: string;
  overdueSince: Date;
  lateSeconds: number;
  level: string;
}

/** The key of an overdue entry in a page: since when (exact, UTC), the unit, the directive and the cycle. */
export type OverdueKey = [at: string, unitId: string, directiveId: string, cycle: number];

/** A page of overdue grassroots units in the unit's subtree, most late first (OVERDUE_SQL); `levels`: the ladder. */
export async function overdueUnits(
  db: Db,
  query: { unitId: string; levels: string[] },
  page: PageRequest<OverdueKey>,
): Promise<KeysetPage<OverdueEntry & Record<string, unknown>, OverdueKey>> {
  const path: { path: string }[] = await db.query(`SELECT path::text AS path FROM unit WHERE id = $1`, [
    query.unitId,
  ]);
  if (!path.length) return { items: [], next: null };
  const rows: (OverdueEntry & Record<string, unknown>)[] = await db.query(OVERDUE_SQL, [
    path[0].path,
    page.limit + 1,
    ...(page.after ?? [null, null, null, null]),
    query.levels,
  ]);
  return keysetPage(rows, page.limit, (r) => [r.k_at as string, r.unitId, r.directiveId, r.cycle]);
}

/** The codes and names of these units (those that exist). */
export async function unitCodesAndNames(
  db: Db,
  ids: string[],
): Promise<{ id: string; code: string; name: string }[]> {
  return db.query(`SELECT id::text, code, name FROM unit WHERE id = ANY($1::uuid[])`, [ids]);
}
