import { DataSource, EntityManager } from 'typeorm';
import type { Addressees } from '@cascade/contracts';
import { EXECUTING_UNIT_KINDS } from '@cascade/domain';
import type { EventConnector } from './events';

type Db = DataSource | EntityManager;

/**
 * `routing_node`: a directive's routing tree, one node per unit it was sent to (its parent, tier, whether it is a hub
 * that aggregates its children's reports, its delivery, acknowledgement, forward and recall). This module and
 * routing-subtrees.ts (the delivery of small subtrees) are its only writers (the report ingest function
 * `cascade_file_report` only locks nodes).
 */

// ── api side

/** The columns of a routing node's answer (to an acknowledgement or a recall), from the table named `t`. */
const nodeAnswerColumns = (t: string) =>
  `${t}.unit_id AS "unitId", ${t}.status, ${t}.status_code AS "statusCode", ${t}.acknowledged_at AS "acknowledgedAt",
   ${t}.returned_reason AS "returnedReason", ${t}.recall_status AS "recallStatus", ${t}.recall_reason AS "recallReason"`;

/** A routing node as the answers to acknowledgements and recalls show it. */
export interface NodeAnswer {
  unitId: string;
  status: string;
  statusCode: string | null;
  acknowledgedAt: Date | null;
  returnedReason: string | null;
  recallStatus: string | null;
  recallReason: string | null;
}

export async function nodeAnswer(
  db: Db,
  directiveId: string,
  unitId: string,
): Promise<NodeAnswer | undefined> {
  const rows: NodeAnswer[] = await db.query(
    `SELECT ${nodeAnswerColumns('r')} FROM routing_node r WHERE directive_id = $1 AND unit_id = $2`,
    [directiveId, unitId],
  );
  return rows[0];
}

/** Whether the directive was routed to the unit. */
export async function isRoutedTo(db: Db, directiveId: string, unitId: string): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `SELECT 1 FROM routing_node WHERE directive_id = $1 AND unit_id = $2`,
    [directiveId, unitId],
  );
  return rows.length > 0;
}

/** Whether the directive exists and was routed to the unit (the one an implementing directive hangs under). */
export async function isDirectiveRoutedTo(db: Db, directiveId: string, unitId: string): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `SELECT 1 FROM directive d JOIN routing_node r ON r.directive_id = d.id AND r.unit_id = $2 WHERE d.id = $1`,
    [directiveId, unitId],
  );
  return rows.length > 0;
}

export interface RoutingPageQuery {
  parentUnitId?: string | null;
  status?: string | null;
  cursor?: string | null;
  limit: number;
}

/** The routing nodes of a directive, by unit id, from after `cursor`: one more than `limit` tells that more follow. */
export async function routingPage(
  db: Db,
  directiveId: string,
  q: RoutingPageQuery,
): Promise<{ unitId: string }[]> {
  return db.query(
    `SELECT r.unit_id AS "unitId", u.code AS "unitCode", u.name AS "unitName", r.parent_unit_id AS "parentUnitId",
            r.depth, r.tier, r.is_hub AS "isHub", r.status, r.status_code AS "statusCode", r.delivered_at AS "deliveredAt",
            r.acknowledged_at AS "acknowledgedAt", r.returned_reason AS "returnedReason"
       FROM routing_node r JOIN unit u ON u.id = r.unit_id
      WHERE r.directive_id = $1 AND ($2::uuid IS NULL OR r.parent_unit_id = $2) AND ($3::text IS NULL OR r.status = $3)
        AND ($4::uuid IS NULL OR r.unit_id > $4)
      ORDER BY r.unit_id LIMIT $5`,
    [directiveId, q.parentUnitId ?? null, q.status ?? null, q.cursor ?? null, q.limit + 1],
  );
}

export interface Acknowledgement {
  directiveId: string;
  unitId: string;
  status: 'accepted' | 'returned';
  userId: string | null;
  role: string | null;
  reason: string | null;
  /** A connector acknowledging for the unit: its event carries it (`data.connector`). */
  connector?: EventConnector | null;
}

/**
 * One statement: the node moves from delivered to the answer (edXML 03 accepted, 02 returned), with its event, if
 * the directive is out. Answers the node's answer when it moved (`answer`), and otherwise the directive's and the
 * node's statuses (null when absent) to tell why not. (The answer's columns come as columns, not as JSON, so that its
 * timestamps read as a repeat's do.)
 */
export async function acknowledgeNode(
  db: Db,
  a: Acknowledgement,
): Promise<{ answer: NodeAnswer | null; directiveStatus: string | null; nodeStatus: string | null }> {
  const [outcome]: (NodeAnswer & {
    unitId: string | null;
    directive_status: string | null;
    node_status: string | null;
  })[] = await db.query(
    `WITH answered AS (
         UPDATE routing_node rn SET status = $3, status_code = $4, acknowledged_at = now(), acknowledged_by = $5,
                returned_reason = $6, version = rn.version + 1
           FROM directive d
          WHERE rn.directive_id = $1 AND rn.unit_id = $2 AND rn.status = 'delivered'
            AND d.id = rn.directive_id AND d.status IN ('signed', 'dispatched')
         RETURNING ${nodeAnswerColumns('rn')}
       ), event AS (
         INSERT INTO directive_event (directive_id, actor_user_id, actor_role, actor_unit_id, action, reason, data)
         SELECT $1, $5, $7, $2, $8, $6,
                jsonb_build_object('unitId', $9::text)
                  || CASE WHEN $10::jsonb IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('connector', $10::jsonb) END
           FROM answered
       )
       SELECT a.*, d.status AS directive_status, rn.status AS node_status
         FROM (SELECT 1) one LEFT JOIN answered a ON true LEFT JOIN directive d ON d.id = $1
         LEFT JOIN routing_node rn ON rn.directive_id = $1 AND rn.unit_id = $2`,
    [
      a.directiveId,
      a.unitId,
      a.status,
      a.status === 'accepted' ? '03' : '02',
      a.userId,
      a.reason,
      a.role,
      a.status === 'accepted' ? 'acknowledged' : 'returned',
      a.unitId,
      a.connector ? JSON.stringify(a.connector) : null,
    ],
  );
  const { directive_status: directiveStatus, node_status: nodeStatus, ...answer } = outcome;
  return { answer: answer.unitId !== null ? answer : null, directiveStatus, nodeStatus };
}

/** One item of a batch of acknowledgements. */
export interface AcknowledgementItem {
  unitId: string;
  status: 'accepted' | 'returned';
  reason: string | null;
  role: string | null;
  /** The item's key, prefixed with its caller. */
  key: string;
}

/** What a batch of acknowledgements answers for each item, in the items' order. */
export interface AcknowledgedItem {
  /** `answered`: moved now; `duplicate`: its key answered it before; `same`: answered the same before (another
   * key); `conflict`: answered otherwise before; `not-routed`; `not-delivered`; `key-reused`: its key answered
   * another unit. */
  outcome: 'answered' | 'duplicate' | 'same' | 'conflict' | 'not-routed' | 'not-delivered' | 'key-reused';
  answer: NodeAnswer | null;
}

/**
 * A batch of acknowledgements of one directive in one statement: every delivered node among the items moves to its
 * answer (edXML 03 or 02) with its event and remembers the item's key (`acknowledged_key`); each other item is
 * told why not, with the node as it is. Answers the directive's status (null: no such directive) and, when it is
 * out (signed or dispatched), the items. The items' units are distinct (the caller refuses a unit twice).
 */
export async function acknowledgeNodes(
  db: Db,
  directiveId: string,
  userId: string | null,
  items: AcknowledgementItem[],
): Promise<{ directiveStatus: string | null; items: AcknowledgedItem[] }> {
  const rows: (NodeAnswer & {
    n: number;
    outcome: AcknowledgedItem['outcome'] | null;
    directive_status: string;
  })[] = await db.query(
    `WITH d AS (SELECT id, status FROM directive WHERE id = $1),
       items AS MATERIALIZED (
         SELECT i.n::int AS n, i.unit, i.status, i.reason, i.role, i.key,
                (SELECT k.unit_id FROM routing_node k WHERE k.directive_id = $1 AND k.acknowledged_key = i.key) AS keyed
           FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS i(unit, status, reason, role, key, n)
       ), answered AS (
         UPDATE routing_node rn SET status = i.status, status_code = CASE WHEN i.status = 'accepted' THEN '03' ELSE '02' END,
                acknowledged_at = now(), acknowledged_by = $2, returned_reason = i.reason, acknowledged_key = i.key,
                version = rn.version + 1
           FROM items i, d
          WHERE rn.directive_id = $1 AND rn.unit_id = i.unit AND rn.status = 'delivered' AND d.status IN ('signed', 'dispatched')
            AND i.keyed IS NULL
            -- the items' nodes by key whatever the statistics: without it, a directive they do not know yet (estimated
            -- at a row) had its every delivered node read or hashed for each batch (bench S0, the second 10^5 round)
            AND rn.unit_id = ANY($3::uuid[])
         RETURNING i.n, ${nodeAnswerColumns('rn')}
       ), event AS (
         INSERT INTO directive_event (directive_id, actor_user_id, actor_role, actor_unit_id, action, reason, data)
         SELECT $1, $2, i.role, a."unitId", CASE WHEN a.status = 'accepted' THEN 'acknowledged' ELSE 'returned' END,
                i.reason, jsonb_build_object('unitId', a."unitId"::text)
           FROM answered a JOIN items i ON i.n = a.n ORDER BY a.n
       )
       SELECT i.n, (SELECT status FROM d) AS directive_status,
              CASE WHEN a.n IS NOT NULL THEN 'answered'
                   WHEN i.keyed IS NOT NULL AND i.keyed <> i.unit THEN 'key-reused'
                   WHEN i.keyed IS NOT NULL THEN 'duplicate'
                   WHEN rn.unit_id IS NULL THEN 'not-routed'
                   WHEN rn.status IN ('pending', 'delivered') THEN 'not-delivered'
                   WHEN rn.status = i.status THEN 'same'
                   ELSE 'conflict' END AS outcome,
              COALESCE(a."unitId", rn.unit_id) AS "unitId", COALESCE(a.status, rn.status) AS status,
              COALESCE(a."statusCode", rn.status_code) AS "statusCode",
              COALESCE(a."acknowledgedAt", rn.acknowledged_at) AS "acknowledgedAt",
              COALESCE(a."returnedReason", rn.returned_reason) AS "returnedReason",
              COALESCE(a."recallStatus", rn.recall_status) AS "recallStatus",
              COALESCE(a."recallReason", rn.recall_reason) AS "recallReason"
         FROM items i LEFT JOIN answered a ON a.n = i.n
              -- each item's node looked up by key (LIMIT 1: never a join of the directive's whole tree)
              LEFT JOIN LATERAL (SELECT r.* FROM routing_node r WHERE r.directive_id = $1 AND r.unit_id = i.unit LIMIT 1) rn
                ON true
        ORDER BY i.n`,
    [
      directiveId,
      userId,
      items.map((i) => i.unitId),
      items.map((i) => i.status),
      items.map((i) => i.reason),
      items.map((i) => i.role),
      items.map((i) => i.key),
    ],
  );
  const directiveStatus = rows[0]?.directive_status ?? null;
  return {
    directiveStatus,
    items: rows.map(({ n: _n, outcome, directive_status: _d, ...answer }) => ({
      outcome: outcome!,
      answer: answer.unitId ? answer : null,
    })),
  };
}

/** A routed unit's own node, once delivered (null before, or when it was not routed). */
export interface ReceivedNode {
  status: string;
  status_code: string | null;
  is_hub: boolean;
  delivered_at: Date | null;
  acknowledged_at: Date | null;
  recall_status: string | null;
}

export async function receivedNode(
  db: Db,
  directiveId: string,
  unitId: string,
): Promise<ReceivedNode | null> {
  const rows: ReceivedNode[] = await db.query(
    `SELECT status, status_code, is_hub, delivered_at, acknowledged_at, recall_status
       FROM routing_node WHERE directive_id = $1 AND unit_id = $2 AND status <> 'pending'`,
    [directiveId, unitId],
  );
  return rows[0] ?? null;
}

/** Locks a node for its answer to a recall: its recall status (undefined when the directive was not routed to it). */
export async function lockRecall(
  m: EntityManager,
  directiveId: string,
  unitId: string,
): Promise<{ recallStatus: string | null } | undefined> {
  const rows: { recall_status: string | null }[] = await m.query(
    `SELECT recall_status FROM routing_node WHERE directive_id = $1 AND unit_id = $2 FOR UPDATE`,
    [directiveId, unitId],
  );
  return rows.length ? { recallStatus: rows[0].recall_status } : undefined;
}

/** A unit's answer to a recall: given back (edXML 15) or refused (16). The caller holds `lockRecall`. */
export async function answerRecall(
  m: EntityManager,
  directiveId: string,
  unitId: string,
  answer: 'accepted' | 'refused',
  reason: string | null,
): Promise<void> {
  await m.query(
    `UPDATE routing_node SET recall_status = $3, status_code = $4, recall_reason = $5, version = version + 1
      WHERE directive_id = $1 AND unit_id = $2`,
    [directiveId, unitId, answer, answer === 'accepted' ? '15' : '16', reason],
  );
}

/** The node a unit forwards from, with its unit's path. */
export interface ForwardingNode {
  status: string;
  is_hub: boolean;
  forwarded_at: Date | null;
  depth: number;
  path: string;
}

export async function forwardingNode(
  db: Db,
  directiveId: string,
  unitId: string,
): Promise<ForwardingNode | null> {
  const rows: ForwardingNode[] = await db.query(
    `SELECT r.status, r.is_hub, r.forwarded_at, r.depth, u.path::text AS path
       FROM routing_node r JOIN unit u ON u.id = r.unit_id WHERE r.directive_id = $1 AND r.unit_id = $2`,
    [directiveId, unitId],
  );
  return rows[0] ?? null;
}

export interface UnitOnPath {
  id: string;
  path: string;
  active: boolean;
}

/**
 * The active units below a forwarding unit (at `path`) that have not received the directive: the listed ones, or
 * those down to `depth` levels below.
 */
export async function unitsToForwardTo(
  db: Db,
  directiveId: string,
  from: { unitId: string; path: string },
  to: { unitIds: string[] } | { depth: number },
): Promise<UnitOnPath[]> {
  const select = `SELECT u.id, u.path::text AS path, u.active FROM unit u WHERE NOT EXISTS
    (SELECT 1 FROM routing_node r WHERE r.directive_id = $1 AND r.unit_id = u.id) AND u.active AND `;
  return 'unitIds' in to
    ? db.query(`${select} u.id = ANY($2::uuid[]) AND u.path <@ $3::ltree AND u.id <> $4`, [
        directiveId,
        to.unitIds,
        from.path,
        from.unitId,
      ])
    : // By depth (children, subtree): executing units only, as at dispatch; a department is forwarded to when named.
      db.query(
        `${select} u.path <@ $2::ltree AND u.id <> $3 AND nlevel(u.path) <= nlevel($2::ltree) + $4 AND u.kind = ANY($5::text[])`,
        [directiveId, from.path, from.unitId, to.depth, [...EXECUTING_UNIT_KINDS]],
      );
}

export interface PlannedNode {
  unitId: string;
  parentUnitId: string;
  depth: number;
  tier: number;
  isHub: boolean;
}

/**
 * A unit forwards: its new nodes join the tree under it, it becomes a hub of tier `tier`, and the levels above move up
 * a tier where its tier grew (deadlines stay staggered bottom-up). Answers false, writing nothing, when a concurrent
 * retry forwarded first. The caller is in a transaction and appends the event after.
 */
export async function writeForward(
  m: EntityManager,
  directiveId: string,
  unitId: string,
  forwardedBy: string | null,
  tier: number,
  nodes: PlannedNode[],
): Promise<boolean> {
  const locked: { forwarded_at: Date | null }[] = await m.query(
    `SELECT forwarded_at FROM routing_node WHERE directive_id = $1 AND unit_id = $2 FOR UPDATE`,
    [directiveId, unitId],
  );
  if (locked[0].forwarded_at) return false;
  await m.query(
    `INSERT INTO routing_node (directive_id, unit_id, parent_unit_id, depth, tier, is_hub)
     SELECT $1, unit_id, parent_unit_id, depth, tier, is_hub
       FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::int[], $6::boolean[]) AS t(unit_id, parent_unit_id, depth, tier, is_hub)
     ON CONFLICT DO NOTHING`,
    [
      directiveId,
      nodes.map((n) => n.unitId),
      nodes.map((n) => n.parentUnitId),
      nodes.map((n) => n.depth),
      nodes.map((n) => n.tier),
      nodes.map((n) => n.isHub),
    ],
  );
  await m.query(
    `UPDATE routing_node SET is_hub = true, tier = $3, forwarded_at = now(), forwarded_by = $4, version = version + 1
      WHERE directive_id = $1 AND unit_id = $2`,
    [directiveId, unitId, tier, forwardedBy],
  );
  await m.query(
    `WITH RECURSIVE up(unit_id, parent_unit_id, tier) AS (
       SELECT unit_id, parent_unit_id, tier FROM routing_node WHERE directive_id = $1 AND unit_id = $2
       UNION ALL
       SELECT r.unit_id, r.parent_unit_id, GREATEST(r.tier, up.tier + 1)
         FROM routing_node r JOIN up ON r.unit_id = up.parent_unit_id WHERE r.directive_id = $1
     )
     UPDATE routing_node r SET tier = up.tier FROM up
      WHERE r.directive_id = $1 AND r.unit_id = up.unit_id AND r.tier < up.tier`,
    [directiveId, unitId],
  );
  return true;
}

/** How many nodes hang right under a unit. */
export async function childCount(db: Db, directiveId: string, unitId: string): Promise<number> {
  const rows: { n: number }[] = await db.query(
    `SELECT count(*)::int AS n FROM routing_node WHERE directive_id = $1 AND parent_unit_id = $2`,
    [directiveId, unitId],
  );
  return rows[0].n;
}

/** The units that ran a dispatch hub of a directive: its issuer and every hub of its tree (forwarding units too). */
export async function dispatchHubUnits(db: Db, directiveId: string): Promise<string[]> {
  const rows: { unit_id: string }[] = await db.query(
    `SELECT issuer_id::text AS unit_id FROM directive WHERE id = $1
     UNION SELECT unit_id::text FROM routing_node WHERE directive_id = $1 AND is_hub`,
    [directiveId],
  );
  return rows.map((row) => row.unit_id);
}

// ── worker side

/** How many routed units have been delivered the directive and not acknowledged it yet. */
export async function unacknowledgedCount(
  db: DataSource | EntityManager,
  directiveId: string,
): Promise<number> {
  const rows: { n: number }[] = await db.query(
    `SELECT count(*)::int AS n FROM routing_node WHERE directive_id = $1 AND status = 'delivered'`,
    [directiveId],
  );
  return rows[0].n;
}

export async function routingNodeCount(db: DataSource | EntityManager, directiveId: string): Promise<number> {
  const rows: { n: number }[] = await db.query(
    `SELECT count(*)::int AS n FROM routing_node WHERE directive_id = $1`,
    [directiveId],
  );
  return rows[0].n;
}

/** A unit named by a directive's addressees. */
export interface AddressedUnit {
  id: string;
  /** The unit's ltree path, as text. */
  path: string;
  active: boolean;
}

/**
 * The units a directive's addressees name: the listed units (whatever their kind), or the issuer's direct
 * subordinates, or its subtree down to `depth` levels (1 unless given) — for those two, the executing units only
 * (`EXECUTING_UNIT_KINDS`): a department is a part of its body, not an addressee, unless it is named in `unitIds`.
 */
export async function addressedUnits(
  db: DataSource | EntityManager,
  issuer: { id: string; path: string },
  addressees: Addressees,
): Promise<AddressedUnit[]> {
  const select = `SELECT id, path::text AS path, active FROM unit`;
  if (addressees.mode === 'units')
    return db.query(`${select} WHERE id = ANY($1::uuid[])`, [addressees.unitIds ?? []]);
  const executing = `(kind = ANY($1::text[]) OR id = ANY($2::uuid[]))`;
  const kinds = [...EXECUTING_UNIT_KINDS];
  const named = addressees.unitIds ?? [];
  return addressees.mode === 'children'
    ? db.query(`${select} WHERE parent_id = $3 AND ${executing}`, [kinds, named, issuer.id])
    : db.query(
        `${select} WHERE path <@ $3::ltree AND path <> $3::ltree AND nlevel(path) <= nlevel($3::ltree) + $4
            AND ${executing}`,
        [kinds, named, issuer.path, addressees.depth ?? 1],
      );
}

/** A node of a planned routing tree. */
export interface PlannedRoutingNode {
  unitId: string;
  parentUnitId: string;
  depth: number;
  tier: number;
  isHub: boolean;
}

/** Writes a directive's routing tree, 10^4 nodes per statement; nodes already written are left as they are. */
export async function insertRoutingNodes(
  db: DataSource | EntityManager,
  directiveId: string,
  nodes: readonly PlannedRoutingNode[],
): Promise<void> {
  for (let i = 0; i < nodes.length; i += 10_000) {
    const chunk = nodes.slice(i, i + 10_000);
    await db.query(
      `INSERT INTO routing_node (directive_id, unit_id, parent_unit_id, depth, tier, is_hub)
             SELECT $1, unit_id, parent_unit_id, depth, tier, is_hub
               FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::int[], $6::boolean[]) AS t(unit_id, parent_unit_id, depth, tier, is_hub)
             ON CONFLICT DO NOTHING`,
      [
        directiveId,
        chunk.map((node) => node.unitId),
        chunk.map((node) => node.parentUnitId),
        chunk.map((node) => node.depth),
        chunk.map((node) => node.tier),
        chunk.map((node) => node.isHub),
      ],
    );
  }
}

/** A routed child of a hub. */
export interface RoutedChild {
  unitId: string;
  isHub: boolean;
  status: string;
}

/** A slice of a hub's routed children, in a stable order (the routing tree does not change after planning). */
export async function routedChildren(
  db: DataSource | EntityManager,
  directiveId: string,
  hubUnitId: string,
  offset: number,
  limit: number,
): Promise<RoutedChild[]> {
  const rows: { unit_id: string; is_hub: boolean; status: string }[] = await db.query(
    `SELECT unit_id, is_hub, status FROM routing_node WHERE directive_id = $1 AND parent_unit_id = $2
          ORDER BY unit_id OFFSET $3 LIMIT $4`,
    [directiveId, hubUnitId, offset, limit],
  );
  return rows.map((row) => ({ unitId: row.unit_id, isHub: row.is_hub, status: row.status }));
}

/** Delivers the directive to units that are still pending (edXML 01); delivering twice changes nothing. */
export async function markDelivered(
  db: DataSource | EntityManager,
  directiveId: string,
  unitIds: readonly string[],
): Promise<void> {
  await db.query(
    `UPDATE routing_node SET status = 'delivered', status_code = '01', delivered_at = now(), version = version + 1
          WHERE directive_id = $1 AND unit_id = ANY($2::uuid[]) AND status = 'pending' RETURNING unit_id`,
    [directiveId, unitIds],
  );
}

/** The height of the routing tree: one more than the highest tier right below the issuer. */
export async function routingIssuerTier(
  db: DataSource | EntityManager,
  directiveId: string,
  issuerId: string,
): Promise<number> {
  const rows: { tier: number }[] = await db.query(
    `SELECT COALESCE(max(tier) + 1, 1)::int AS tier FROM routing_node WHERE directive_id = $1 AND parent_unit_id = $2`,
    [directiveId, issuerId],
  );
  return rows[0].tier;
}

/** Asks every unit that holds the directive (all but those that returned it) to give it back: edXML 13. */
export async function requestRecall(db: DataSource | EntityManager, directiveId: string): Promise<void> {
  await db.query(
    `UPDATE routing_node SET recall_status = 'requested', status_code = '13', closed_at = now(), version = version + 1
              WHERE directive_id = $1 AND status <> 'returned'`,
    [directiveId],
  );
}

/**
 * Closes every open node of a directive with its final status: completed (06) when it acknowledged and, for a
 * grassroots unit, every overdue cycle was eventually reported; incomplete when a cycle it was chased for is still
 * missing; unacknowledged or returned otherwise.
 */
export async function closeRoutingNodes(db: DataSource | EntityManager, directiveId: string): Promise<void> {
  await db.query(
    `UPDATE routing_node r SET closed_at = now(), version = version + 1,
                    final_status = CASE
                      WHEN r.status = 'returned' THEN 'returned'
                      WHEN r.status IN ('pending','delivered') THEN 'unacknowledged'
                      WHEN NOT r.is_hub AND EXISTS (
                        SELECT 1 FROM escalation e WHERE e.directive_id = r.directive_id AND e.unit_id = r.unit_id
                           AND e.level = 'overdue'
                           AND NOT EXISTS (SELECT 1 FROM report p WHERE p.directive_id = r.directive_id
                                              AND p.unit_id = r.unit_id AND p.cycle = e.cycle)) THEN 'incomplete'
                      ELSE 'completed' END
              WHERE r.directive_id = $1 AND r.closed_at IS NULL`,
    [directiveId],
  );
  await db.query(
    `UPDATE routing_node SET status_code = CASE WHEN final_status = 'completed' THEN '06' ELSE status_code END
              WHERE directive_id = $1 AND final_status IS NOT NULL`,
    [directiveId],
  );
}
