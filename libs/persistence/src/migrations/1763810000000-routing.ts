import { MigrationInterface, QueryRunner } from 'typeorm';

/** Dispatch: one routing node per addressee of a directive, with its routing parent and edXML-style status. */
export class Routing1763810000000 implements MigrationInterface {
  name = 'Routing1763810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE directive DROP CONSTRAINT directive_status_check`);
    await q.query(`ALTER TABLE directive ADD CONSTRAINT directive_status_check
      CHECK (status IN ('draft','in_review','approved','rejected','signed','dispatched','cancelled'))`);
    await q.query(`CREATE TABLE routing_node (
      directive_id uuid NOT NULL REFERENCES directive(id),
      unit_id uuid NOT NULL REFERENCES unit(id),
      parent_unit_id uuid NOT NULL REFERENCES unit(id),
      depth int NOT NULL,
      tier int NOT NULL,
      is_hub boolean NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','accepted','returned')),
      status_code text,
      delivered_at timestamptz,
      acknowledged_at timestamptz,
      acknowledged_by uuid REFERENCES app_user(id),
      returned_reason text,
      version int NOT NULL DEFAULT 1,
      PRIMARY KEY (directive_id, unit_id)
    )`);
    await q.query(`CREATE INDEX routing_node_parent ON routing_node (directive_id, parent_unit_id, unit_id)`);
    await q.query(`CREATE INDEX routing_node_unit ON routing_node (unit_id, status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE routing_node`);
  }
}
