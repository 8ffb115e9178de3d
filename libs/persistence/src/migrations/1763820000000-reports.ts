import { MigrationInterface, QueryRunner } from 'typeorm';

/** Reports of routed units per reporting cycle; every revision is kept, the highest is current. */
export class Reports1763820000000 implements MigrationInterface {
  name = 'Reports1763820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE report (
      id uuid PRIMARY KEY,
      directive_id uuid NOT NULL REFERENCES directive(id),
      unit_id uuid NOT NULL REFERENCES unit(id),
      cycle int NOT NULL,
      revision int NOT NULL,
      values jsonb NOT NULL,
      late boolean NOT NULL,
      deadline timestamptz,
      submitted_by uuid REFERENCES app_user(id),
      submitted_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT report_revision_unique UNIQUE (directive_id, unit_id, cycle, revision),
      FOREIGN KEY (directive_id, unit_id) REFERENCES routing_node(directive_id, unit_id)
    )`);
    await q.query(`CREATE INDEX report_cycle ON report (directive_id, cycle, unit_id, revision DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE report`);
  }
}
