import { DataSource, EntityManager } from 'typeorm';

/**
 * The dispatch's delivery of whole small subtrees of a directive's routing tree (`routing_node`, whose other writes
 * are in routing.ts): a sub-hub with no more than a batch below it is delivered with its parent's batch instead of by
 * a hub workflow of its own.
 */

/**
 * How many routed nodes hang below each of the given units (their whole subtree, themselves left out), each count
 * capped at `cap`: the walk down a subtree stops at `cap` rows, so counting a big hub costs no more than a batch.
 */
export async function cappedSubtreeSizes(
  db: DataSource | EntityManager,
  directiveId: string,
  unitIds: readonly string[],
  cap: number,
): Promise<Map<string, number>> {
  if (!unitIds.length) return new Map();
  const rows: { unit_id: string; n: number }[] = await db.query(
    `SELECT h.unit_id::text AS unit_id,
            (WITH RECURSIVE below(unit_id) AS (
                SELECT r.unit_id FROM routing_node r WHERE r.directive_id = $1 AND r.parent_unit_id = h.unit_id
                UNION ALL
                SELECT r.unit_id FROM below b JOIN routing_node r ON r.directive_id = $1 AND r.parent_unit_id = b.unit_id
             ) SELECT count(*)::int FROM (SELECT 1 FROM below LIMIT $3) capped) AS n
       FROM unnest($2::uuid[]) AS h(unit_id)`,
    [directiveId, unitIds, cap],
  );
  return new Map(rows.map((row) => [row.unit_id, row.n]));
}

/**
 * Delivers, in one statement, the given units and every routed node below the `subtreesOf` units (their whole
 * subtrees, which the caller counted and bounded). Answers how many units that is, delivered now or before, so that a
 * retry answers the same; delivering twice changes nothing.
 */
export async function markSubtreesDelivered(
  db: DataSource | EntityManager,
  directiveId: string,
  unitIds: readonly string[],
  subtreesOf: readonly string[],
): Promise<number> {
  const rows: { n: number }[] = await db.query(
    `WITH RECURSIVE below(unit_id) AS (
         SELECT r.unit_id FROM routing_node r WHERE r.directive_id = $1 AND r.parent_unit_id = ANY($3::uuid[])
         UNION ALL
         SELECT r.unit_id FROM below b JOIN routing_node r ON r.directive_id = $1 AND r.parent_unit_id = b.unit_id
       ), units AS (
         SELECT unnest($2::uuid[]) AS unit_id UNION SELECT unit_id FROM below
       ), delivered AS (
         UPDATE routing_node r SET status = 'delivered', status_code = '01', delivered_at = now(), version = r.version + 1
           FROM units u WHERE r.directive_id = $1 AND r.unit_id = u.unit_id AND r.status = 'pending'
         RETURNING r.unit_id
       )
     SELECT count(*)::int AS n FROM units`,
    [directiveId, unitIds, subtreesOf],
  );
  return rows[0].n;
}
