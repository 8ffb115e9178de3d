import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `routing_node_parent` leads with the parent: (parent_unit_id, directive_id, unit_id) instead of (directive_id,
 * parent_unit_id, unit_id). Its lookups are a parent's children in a directive (both equalities, then the unit
 * order the tree pages by), which either order serves. Led by the directive, it also served a lookup of one node
 * by `(directive_id, unit_id)` as a range of the directive filtered for the unit — and for a directive the
 * statistics do not know yet (estimated at a row), the planner chose it over the primary key: every probe of a
 * node read the directive's whole tree (the report batch's locks and lookups, the foreign keys' checks of reports;
 * bench S0, the second and third 10^5-unit rounds, 2026-12-04; test/integration/routing-plans.e2e-spec.ts). Led by
 * the parent, it can serve no lookup without one. It also indexes `parent_unit_id` for the foreign key's checks of a
 * unit deleted. The build locks the table's writes while it runs (a few seconds per million nodes).
 */
export class RoutingNodeParentFirst1764750000000 implements MigrationInterface {
  name = 'RoutingNodeParentFirst1764750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX routing_node_parent`);
    await q.query(`CREATE INDEX routing_node_parent ON routing_node (parent_unit_id, directive_id, unit_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX routing_node_parent`);
    await q.query(`CREATE INDEX routing_node_parent ON routing_node (directive_id, parent_unit_id, unit_id)`);
  }
}
