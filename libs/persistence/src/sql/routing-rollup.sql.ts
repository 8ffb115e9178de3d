/**
 * The routing tree's roll-ups, kept as counters (issue 19: the dashboards at 10^5 units). `routing_rollup` holds,
 * per directive and hub, the counts of the hub's direct routing children (nodes, delivered, accepted, returned, and
 * those expected to report: not hubs, not returned); `report_rollup` holds, per hub and cycle, how many of those
 * expected children have a current report (their latest revision) on time and how many late. A subtree's roll-up
 * is then the sum over the hubs in it (hundreds at 10^5 units) instead of a walk of every node and report below.
 *
 * Statement-level triggers with transition tables keep them, whatever writes the rows (the API's single and batched
 * statements, dispatch, the worker, the benchmark's bare arm): one upsert per statement, the hubs' rows in key order
 * (two statements cannot deadlock on them). A report's routing node is locked by its filing (`cascade_file_report`
 * takes it FOR UPDATE), so a report and a change of its node (returned, forwarded) commit one after the other and each
 * trigger's statement sees the other's rows. Revisions are filed in order (the next revision under the node's lock):
 * the current report of a unit and cycle before an insert is the highest revision below the lowest one inserted.
 * Deletes (which nothing in Cascade does) recount the directives they touch. `rollupDrift` (routing-rollup.ts)
 * recounts from the rows and lists any difference.
 */

/** The delta of a set of routing-node rows to their parents' `routing_rollup` rows: +1 or -1 per row. */
const NODE_DELTAS = (rows: string, sign: string) => `SELECT directive_id, parent_unit_id AS hub,
         ${sign} AS nodes, ${sign} * (status = 'delivered')::int AS delivered,
         ${sign} * (status = 'accepted')::int AS accepted, ${sign} * (status = 'returned')::int AS returned,
         ${sign} * (NOT is_hub AND status <> 'returned')::int AS expected
    FROM ${rows}`;

/** The updated routing nodes whose parent, kind or status changed, old and new (the UPDATE trigger's rows). */
const CHANGED = `x AS (
    SELECT o.directive_id, o.unit_id, o.parent_unit_id, o.status, o.is_hub,
           n.parent_unit_id AS new_parent, n.status AS new_status, n.is_hub AS new_is_hub
      FROM old_nodes o JOIN new_nodes n ON n.directive_id = o.directive_id AND n.unit_id = o.unit_id
     WHERE (o.parent_unit_id, o.status, o.is_hub) IS DISTINCT FROM (n.parent_unit_id, n.status, n.is_hub))`;

const UPSERT_NODES = (deltas: string) => `INSERT INTO routing_rollup AS r
         (directive_id, hub_unit_id, nodes, delivered, accepted, returned, expected)
  SELECT directive_id, hub, sum(nodes), sum(delivered), sum(accepted), sum(returned), sum(expected)
    FROM (${deltas}) d
   GROUP BY directive_id, hub
  HAVING sum(abs(nodes)) + sum(abs(delivered)) + sum(abs(accepted)) + sum(abs(returned)) + sum(abs(expected)) > 0
   ORDER BY directive_id, hub
  ON CONFLICT (directive_id, hub_unit_id) DO UPDATE SET
     nodes = r.nodes + EXCLUDED.nodes, delivered = r.delivered + EXCLUDED.delivered,
     accepted = r.accepted + EXCLUDED.accepted, returned = r.returned + EXCLUDED.returned,
     expected = r.expected + EXCLUDED.expected`;

const UPSERT_REPORTS = (
  deltas: string,
) => `INSERT INTO report_rollup AS r (directive_id, hub_unit_id, cycle, on_time, late)
  SELECT directive_id, hub, cycle, sum(on_time), sum(late) FROM (${deltas}) d
   GROUP BY directive_id, hub, cycle
  HAVING sum(abs(on_time)) + sum(abs(late)) > 0
   ORDER BY directive_id, hub, cycle
  ON CONFLICT (directive_id, hub_unit_id, cycle) DO UPDATE SET
     on_time = r.on_time + EXCLUDED.on_time, late = r.late + EXCLUDED.late`;

/** Recounts every roll-up of one directive from its rows (the deletes' path and the migration's backfill). */
export const CASCADE_ROLLUP_RECOUNT = `CREATE OR REPLACE FUNCTION cascade_rollup_recount(p_directive uuid) RETURNS void
      LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM routing_rollup WHERE directive_id = p_directive;
        DELETE FROM report_rollup WHERE directive_id = p_directive;
        ${UPSERT_NODES(NODE_DELTAS('routing_node WHERE directive_id = p_directive', '1'))};
        ${UPSERT_REPORTS(`SELECT n.directive_id, n.parent_unit_id AS hub, c.cycle, (NOT c.late)::int AS on_time,
                 c.late::int AS late
            FROM routing_node n
            JOIN (SELECT DISTINCT ON (unit_id, cycle) unit_id, cycle, late FROM report WHERE directive_id = p_directive
                   ORDER BY unit_id, cycle, revision DESC) c ON c.unit_id = n.unit_id
           WHERE n.directive_id = p_directive AND NOT n.is_hub AND n.status <> 'returned'`)};
      END $$`;

export const CASCADE_ROLLUP_NODES = `CREATE OR REPLACE FUNCTION cascade_rollup_nodes() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE
        d uuid;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${UPSERT_NODES(NODE_DELTAS('new_nodes', '1'))};
          RETURN NULL;
        END IF;
        IF TG_OP = 'DELETE' THEN
          FOR d IN SELECT DISTINCT directive_id FROM old_nodes LOOP
            PERFORM cascade_rollup_recount(d);
          END LOOP;
          RETURN NULL;
        END IF;
        -- UPDATE: only the rows whose parent, kind or status changed move a count.
        ${UPSERT_NODES(`WITH ${CHANGED} ${NODE_DELTAS('x', '-1')}
          UNION ALL
          SELECT directive_id, new_parent, 1, (new_status = 'delivered')::int, (new_status = 'accepted')::int,
                 (new_status = 'returned')::int, (NOT new_is_hub AND new_status <> 'returned')::int
            FROM x`)};
        -- A node that stops or starts being expected (returned, or made a hub by forwarding), or moves, moves its
        -- current reports' counts with it.
        ${UPSERT_REPORTS(`WITH ${CHANGED}
          SELECT x.directive_id, CASE WHEN s.sign < 0 THEN x.parent_unit_id ELSE x.new_parent END AS hub,
                 c.cycle, s.sign * (NOT c.late)::int AS on_time, s.sign * c.late::int AS late
            FROM x
            CROSS JOIN LATERAL (SELECT -1 AS sign WHERE NOT x.is_hub AND x.status <> 'returned'
                                UNION ALL
                                SELECT 1 WHERE NOT x.new_is_hub AND x.new_status <> 'returned') s
            JOIN LATERAL (SELECT DISTINCT ON (r.cycle) r.cycle, r.late FROM report r
                           WHERE r.directive_id = x.directive_id AND r.unit_id = x.unit_id
                           ORDER BY r.cycle, r.revision DESC) c ON true
           WHERE (x.parent_unit_id, NOT x.is_hub AND x.status <> 'returned')
                 IS DISTINCT FROM (x.new_parent, NOT x.new_is_hub AND x.new_status <> 'returned')`)};
        RETURN NULL;
      END $$`;

export const CASCADE_ROLLUP_REPORTS = `CREATE OR REPLACE FUNCTION cascade_rollup_reports() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE
        d uuid;
      BEGIN
        IF TG_OP = 'DELETE' THEN
          FOR d IN SELECT DISTINCT directive_id FROM old_reports LOOP
            PERFORM cascade_rollup_recount(d);
          END LOOP;
          RETURN NULL;
        END IF;
        ${UPSERT_REPORTS(`SELECT k.directive_id, n.parent_unit_id AS hub, k.cycle,
                 (NOT k.late)::int - COALESCE((NOT p.late)::int, 0) AS on_time,
                 k.late::int - COALESCE(p.late::int, 0) AS late
            FROM (SELECT DISTINCT ON (directive_id, unit_id, cycle) directive_id, unit_id, cycle, late,
                         min(revision) OVER (PARTITION BY directive_id, unit_id, cycle) AS lowest
                    FROM new_reports ORDER BY directive_id, unit_id, cycle, revision DESC) k
            -- each report's node by key (LIMIT 1: never a join that reads a directive the statistics do not know whole)
            CROSS JOIN LATERAL (SELECT n.parent_unit_id, n.is_hub, n.status FROM routing_node n
                                 WHERE n.directive_id = k.directive_id AND n.unit_id = k.unit_id LIMIT 1) n
            LEFT JOIN LATERAL (SELECT r.late FROM report r
                                WHERE r.directive_id = k.directive_id AND r.unit_id = k.unit_id AND r.cycle = k.cycle
                                  AND r.revision < k.lowest
                                ORDER BY r.revision DESC LIMIT 1) p ON true
           WHERE NOT n.is_hub AND n.status <> 'returned' AND p.late IS DISTINCT FROM k.late`)};
        RETURN NULL;
      END $$`;

/** Each as PostgreSQL prints it (`pg_get_triggerdef`), which test/integration/sql-definitions.e2e-spec.ts compares. */
export const ROLLUP_TRIGGERS = [
  `DROP TRIGGER IF EXISTS routing_node_rollup_insert ON public.routing_node`,
  `CREATE TRIGGER routing_node_rollup_insert AFTER INSERT ON public.routing_node REFERENCING NEW TABLE AS new_nodes FOR EACH STATEMENT EXECUTE FUNCTION cascade_rollup_nodes()`,
  `DROP TRIGGER IF EXISTS routing_node_rollup_update ON public.routing_node`,
  `CREATE TRIGGER routing_node_rollup_update AFTER UPDATE ON public.routing_node REFERENCING OLD TABLE AS old_nodes NEW TABLE AS new_nodes FOR EACH STATEMENT EXECUTE FUNCTION cascade_rollup_nodes()`,
  `DROP TRIGGER IF EXISTS routing_node_rollup_delete ON public.routing_node`,
  `CREATE TRIGGER routing_node_rollup_delete AFTER DELETE ON public.routing_node REFERENCING OLD TABLE AS old_nodes FOR EACH STATEMENT EXECUTE FUNCTION cascade_rollup_nodes()`,
  `DROP TRIGGER IF EXISTS report_rollup_insert ON public.report`,
  `CREATE TRIGGER report_rollup_insert AFTER INSERT ON public.report REFERENCING NEW TABLE AS new_reports FOR EACH STATEMENT EXECUTE FUNCTION cascade_rollup_reports()`,
  `DROP TRIGGER IF EXISTS report_rollup_delete ON public.report`,
  `CREATE TRIGGER report_rollup_delete AFTER DELETE ON public.report REFERENCING OLD TABLE AS old_reports FOR EACH STATEMENT EXECUTE FUNCTION cascade_rollup_reports()`,
];
