import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The routing tree's roll-ups as counters (issue 19, dashboards at 10^5 units): `routing_rollup` (per directive and
 * hub, its direct children's counts) and `report_rollup` (per hub and cycle, its expected children's current reports
 * on time and late), kept by the triggers of `sql/routing-rollup.sql.ts`; counted here from the rows for the
 * directives that exist. `routing_node_hubs` walks a directive's hubs without reading their leaves.
 */
export class RoutingRollup1764600000000 implements MigrationInterface {
  name = 'RoutingRollup1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE routing_rollup (
      directive_id uuid NOT NULL REFERENCES directive(id),
      hub_unit_id uuid NOT NULL,
      nodes int NOT NULL, delivered int NOT NULL, accepted int NOT NULL, returned int NOT NULL, expected int NOT NULL,
      PRIMARY KEY (directive_id, hub_unit_id))`);
    await q.query(`CREATE TABLE report_rollup (
      directive_id uuid NOT NULL REFERENCES directive(id),
      hub_unit_id uuid NOT NULL,
      cycle int NOT NULL,
      on_time int NOT NULL, late int NOT NULL,
      PRIMARY KEY (directive_id, hub_unit_id, cycle))`);
    await q.query(
      `CREATE INDEX routing_node_hubs ON routing_node (directive_id, parent_unit_id) WHERE is_hub`,
    );
    await q.query(`INSERT INTO routing_rollup (directive_id, hub_unit_id, nodes, delivered, accepted, returned, expected)
      SELECT directive_id, parent_unit_id, count(*), count(*) FILTER (WHERE status = 'delivered'),
             count(*) FILTER (WHERE status = 'accepted'), count(*) FILTER (WHERE status = 'returned'),
             count(*) FILTER (WHERE NOT is_hub AND status <> 'returned')
        FROM routing_node GROUP BY directive_id, parent_unit_id`);
    await q.query(`INSERT INTO report_rollup (directive_id, hub_unit_id, cycle, on_time, late)
      SELECT n.directive_id, n.parent_unit_id, c.cycle, count(*) FILTER (WHERE NOT c.late), count(*) FILTER (WHERE c.late)
        FROM routing_node n
        JOIN (SELECT DISTINCT ON (directive_id, unit_id, cycle) directive_id, unit_id, cycle, late FROM report
               ORDER BY directive_id, unit_id, cycle, revision DESC) c
          ON c.directive_id = n.directive_id AND c.unit_id = n.unit_id
       WHERE NOT n.is_hub AND n.status <> 'returned'
       GROUP BY n.directive_id, n.parent_unit_id, c.cycle`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS routing_node_rollup_insert ON routing_node`);
    await q.query(`DROP TRIGGER IF EXISTS routing_node_rollup_update ON routing_node`);
    await q.query(`DROP TRIGGER IF EXISTS routing_node_rollup_delete ON routing_node`);
    await q.query(`DROP TRIGGER IF EXISTS report_rollup_insert ON report`);
    await q.query(`DROP TRIGGER IF EXISTS report_rollup_delete ON report`);
    await q.query(`DROP INDEX routing_node_hubs`);
    await q.query(`DROP TABLE report_rollup`);
    await q.query(`DROP TABLE routing_rollup`);
  }
}
