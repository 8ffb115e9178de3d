import { DataSource, EntityManager } from 'typeorm';

/**
 * The dispatch's delivery of whole small subtrees of a directive's routing tree (`routing_node`, whose other writes
 * are in routing.ts): a sub-hub with no more than a batch below it is delivered with its parent's batch instead of by
 * a hub workflow of its own.
 *
 * Both statements walk the tree a level at a time, each level one index lookup per parent (an equality on
 * `routing_node_parent`'s two leading columns, for each id of the level), so their cost follows the rows they reach
 * whatever the planner's statistics: a freshly planned tree has none (joined row by row, 10^4 nodes took 20 s), and
 * once autovacuum has analysed an earlier national directive, `parent_unit_id = ANY(...) LIMIT n` was planned as a
 * walk of the directive's whole primary key filtering for the parents (a second 10^5-unit directive: 71 s instead of
 * 6.5 s, `npm run bench:dispatch -- 100000 --times=2 --fanout=47 --analyze`). Each lookup is a subquery the planner
 * cannot flatten (LIMIT, or OFFSET 0): flattened into a join, a directive the statistics do not know yet (estimated at
 * a row) had the walk read its whole tree for every level or every parent, the parent a join filter instead of an
 * index condition (the bench's second and third 10^5-unit dispatches: 97–101 s against 6.3 s for the first;
 * test/integration/routing-plans.e2e-spec.ts).
 */

/**
 * How many routed nodes hang below each of the given units (their whole subtree, themselves left out), each count
 * capped at `cap`: a level's lookup takes no more rows than the cap leaves, so sizing a big hub reads at most `cap`
 * rows.
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
            (WITH RECURSIVE level(ids, n) AS (
                SELECT ARRAY[h.unit_id], 0
                UNION ALL
                SELECT next.ids, l.n + cardinality(next.ids)
                  FROM level l, LATERAL (SELECT ARRAY(
                         SELECT c.unit_id FROM unnest(l.ids) AS p(id)
                           CROSS JOIN LATERAL (SELECT r.unit_id FROM routing_node r
                                                WHERE r.directive_id = $1 AND r.parent_unit_id = p.id
                                                LIMIT $3 - l.n) c
                          LIMIT $3 - l.n) AS ids) next
                 WHERE cardinality(l.ids) > 0 AND l.n < $3
             ) SELECT max(n)::int FROM level) AS n
       FROM unnest($2::uuid[]) AS h(unit_id)`,
    [directiveId, unitIds, cap],
  );
  return new Map(rows.map((row) => [row.unit_id, row.n]));
}

/**
 * Delivers (edXML 01), in one statement, the given units and every routed node below the `subtreesOf` units (their
 * whole subtrees, which the caller sized and bounded). Answers how many units that is, delivered now or before, so
 * that a retry answers the same; delivering twice changes nothing.
 */
export async function markSubtreesDelivered(
  db: DataSource | EntityManager,
  directiveId: string,
  unitIds: readonly string[],
  subtreesOf: readonly string[],
): Promise<number> {
  const rows: { n: number }[] = await db.query(
    `WITH RECURSIVE level(ids) AS (
         SELECT $3::uuid[]
         UNION ALL
         SELECT ARRAY(SELECT c.unit_id FROM unnest(l.ids) AS p(id)
                        CROSS JOIN LATERAL (SELECT r.unit_id FROM routing_node r
                                             WHERE r.directive_id = $1 AND r.parent_unit_id = p.id OFFSET 0) c)
           FROM level l WHERE cardinality(l.ids) > 0
       ), units AS (
         SELECT ARRAY(SELECT unnest($2::uuid[]) UNION SELECT unnest(ids) FROM level) AS ids
       ), delivered AS (
         -- = ANY(the array), not a join (which hashed the directive's every pending node); for a directive the statistics
         -- do not know yet the planner may still make it a filter on the directive's range (README, Performance: S0)
         UPDATE routing_node r SET status = 'delivered', status_code = '01', delivered_at = now(), version = r.version + 1
          WHERE r.directive_id = $1 AND r.unit_id = ANY((SELECT ids FROM units)::uuid[]) AND r.status = 'pending'
         RETURNING 1
       )
     SELECT cardinality(ids)::int AS n FROM units`,
    [directiveId, unitIds, subtreesOf],
  );
  return rows[0].n;
}
