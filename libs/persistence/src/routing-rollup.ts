import type { DataSource, EntityManager } from 'typeorm';

/**
 * Where the routing tree's counters (`routing_rollup`, `report_rollup`, kept by the triggers of
 * sql/routing-rollup.sql.ts) differ from a count of the rows themselves, for one directive: one line per hub (and
 * cycle) that differs, none when they agree. The integration spec, the benchmark's S0 and the fault suite assert it
 * is empty after their work; a counter a trigger missed shows here.
 */
export async function rollupDrift(db: DataSource | EntityManager, directiveId: string): Promise<string[]> {
  const nodes: { hub: string; stored: string | null; counted: string | null }[] = await db.query(
    `WITH counted AS (
       SELECT parent_unit_id AS hub, count(*)::int AS nodes, count(*) FILTER (WHERE status = 'delivered')::int AS delivered,
              count(*) FILTER (WHERE status = 'accepted')::int AS accepted,
              count(*) FILTER (WHERE status = 'returned')::int AS returned,
              count(*) FILTER (WHERE NOT is_hub AND status <> 'returned')::int AS expected
         FROM routing_node WHERE directive_id = $1 GROUP BY parent_unit_id
     ), stored AS (
       SELECT hub_unit_id AS hub, nodes, delivered, accepted, returned, expected FROM routing_rollup
        WHERE directive_id = $1 AND (nodes, delivered, accepted, returned, expected) <> (0, 0, 0, 0, 0)
     )
     SELECT COALESCE(c.hub, s.hub)::text AS hub,
            CASE WHEN s.hub IS NOT NULL THEN concat_ws('/', s.nodes, s.delivered, s.accepted, s.returned, s.expected) END AS stored,
            CASE WHEN c.hub IS NOT NULL THEN concat_ws('/', c.nodes, c.delivered, c.accepted, c.returned, c.expected) END AS counted
       FROM counted c FULL JOIN stored s ON s.hub = c.hub
      WHERE (c.nodes, c.delivered, c.accepted, c.returned, c.expected)
            IS DISTINCT FROM (s.nodes, s.delivered, s.accepted, s.returned, s.expected)
      ORDER BY 1`,
    [directiveId],
  );
  const reports: { hub: string; cycle: number; stored: string | null; counted: string | null }[] =
    await db.query(
      `WITH counted AS (
       SELECT n.parent_unit_id AS hub, c.cycle, count(*) FILTER (WHERE NOT c.late)::int AS on_time,
              count(*) FILTER (WHERE c.late)::int AS late
         FROM routing_node n
         JOIN (SELECT DISTINCT ON (unit_id, cycle) unit_id, cycle, late FROM report WHERE directive_id = $1
                ORDER BY unit_id, cycle, revision DESC) c ON c.unit_id = n.unit_id
        WHERE n.directive_id = $1 AND NOT n.is_hub AND n.status <> 'returned'
        GROUP BY n.parent_unit_id, c.cycle
     ), stored AS (
       SELECT hub_unit_id AS hub, cycle, on_time, late FROM report_rollup
        WHERE directive_id = $1 AND (on_time, late) <> (0, 0)
     )
     SELECT COALESCE(c.hub, s.hub)::text AS hub, COALESCE(c.cycle, s.cycle) AS cycle,
            CASE WHEN s.hub IS NOT NULL THEN concat_ws('/', s.on_time, s.late) END AS stored,
            CASE WHEN c.hub IS NOT NULL THEN concat_ws('/', c.on_time, c.late) END AS counted
       FROM counted c FULL JOIN stored s ON s.hub = c.hub AND s.cycle = c.cycle
      WHERE (c.on_time, c.late) IS DISTINCT FROM (s.on_time, s.late)
      ORDER BY 1, 2`,
      [directiveId],
    );
  return [
    ...nodes.map(
      (r) =>
        `hub ${r.hub}: nodes/delivered/accepted/returned/expected ${r.stored ?? 'none'}, counted ${r.counted ?? 'none'}`,
    ),
    ...reports.map(
      (r) =>
        `hub ${r.hub} cycle ${r.cycle}: on time/late ${r.stored ?? 'none'}, counted ${r.counted ?? 'none'}`,
    ),
  ];
}
