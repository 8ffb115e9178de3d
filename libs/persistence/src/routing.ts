import { DataSource, EntityManager } from 'typeorm';
import type { Addressees } from '@cascade/contracts';

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
 * The units a directive's addressees name: the listed units, the issuer's direct subordinates, or the issuer's
 * subtree down to `depth` levels (1 unless given).
 */
export async function addressedUnits(
  db: DataSource | EntityManager,
  issuer: { id: string; path: string },
  addressees: Addressees,
): Promise<AddressedUnit[]> {
  const select = `SELECT id, path::text AS path, active FROM unit`;
  const units: AddressedUnit[] =
    addressees.mode === 'units'
      ? await db.query(`${select} WHERE id = ANY($1::uuid[])`, [addressees.unitIds ?? []])
      : addressees.mode === 'children'
        ? await db.query(`${select} WHERE parent_id = $1`, [issuer.id])
        : await db.query(
            `${select} WHERE path <@ $1::ltree AND path <> $1::ltree AND nlevel(path) <= nlevel($1::ltree) + $2`,
            [issuer.path, addressees.depth ?? 1],
          );
  return units;
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
