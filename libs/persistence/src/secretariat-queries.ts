/** The secretariat's dashboard queries: the API's routing tree and overdue list, and the benchmark that times them. */

/**
 * One level of a routing tree with per-subtree roll-ups: $1 directive, $2 parent unit, $3 cursor, $4 limit, $5 cycle.
 * The subtrees are walked along the routing tree itself (parent_unit_id, through hubs only), so a forwarded branch
 * rolls up under the unit that forwarded it, and the walk touches only this directive's nodes.
 */
export const TREE_SQL = `WITH RECURSIVE page AS (
  SELECT r.unit_id, r.depth, r.tier, r.is_hub, r.status, r.status_code, r.final_status, u.code, u.name
    FROM routing_node r JOIN unit u ON u.id = r.unit_id
   WHERE r.directive_id = $1 AND r.parent_unit_id = $2 AND ($3::uuid IS NULL OR r.unit_id > $3)
   ORDER BY r.unit_id LIMIT $4
), sub AS (
  SELECT p.unit_id AS top, p.unit_id, p.is_hub, p.status FROM page p
  UNION ALL
  SELECT sub.top, s.unit_id, s.is_hub, s.status
    FROM sub JOIN routing_node s ON s.directive_id = $1 AND s.parent_unit_id = sub.unit_id
   WHERE sub.is_hub
), current AS (
  SELECT DISTINCT ON (unit_id) unit_id, late FROM report WHERE directive_id = $1 AND cycle = $5
   ORDER BY unit_id, revision DESC
), roll AS (
  SELECT s.top,
         count(*)::int AS nodes,
         count(*) FILTER (WHERE s.status = 'delivered')::int AS delivered,
         count(*) FILTER (WHERE s.status = 'accepted')::int AS accepted,
         count(*) FILTER (WHERE s.status = 'returned')::int AS returned,
         count(*) FILTER (WHERE NOT s.is_hub AND s.status <> 'returned')::int AS expected,
         count(*) FILTER (WHERE NOT s.is_hub AND s.status <> 'returned' AND c.late = false)::int AS on_time,
         count(*) FILTER (WHERE NOT s.is_hub AND s.status <> 'returned' AND c.late)::int AS late
    FROM sub s LEFT JOIN current c ON c.unit_id = s.unit_id
   GROUP BY s.top
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
 * Overdue grassroots units in a subtree, most late first: $1 unit, $2 limit, $3 offset, $4 the ladder's levels in
 * order. Walks the overdue marks in the order of the (level, at, unit_id) index and stops at the page's end.
 */
export const OVERDUE_SQL = `SELECT o.directive_id::text AS "directiveId", d.symbol, d.content->>'subject' AS subject, o.cycle,
       o.unit_id::text AS "unitId", u.code AS "unitCode", u.name AS "unitName", o.at AS "overdueSince",
       extract(epoch FROM now() - o.at)::int AS "lateSeconds",
       (SELECT e.level FROM escalation e WHERE e.directive_id = o.directive_id AND e.cycle = o.cycle AND e.unit_id = o.unit_id
         ORDER BY array_position($4::text[], e.level) DESC LIMIT 1) AS level
  FROM escalation o
  JOIN unit u ON u.id = o.unit_id AND u.path <@ (SELECT path FROM unit WHERE id = $1)
  JOIN directive d ON d.id = o.directive_id AND d.status = 'dispatched'
 WHERE o.level = 'overdue'
   AND NOT EXISTS (SELECT 1 FROM report p WHERE p.directive_id = o.directive_id AND p.unit_id = o.unit_id AND p.cycle = o.cycle)
 ORDER BY o.at, o.unit_id
 LIMIT $2 OFFSET $3`;
