import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rest of the lifecycle: per-cycle aggregates reported upward (every revision kept), the escalation ladder's
 * steps per unit and cycle, links between directives (implements, supersedes), forwarding, closing and recall
 * (edXML 13/15/16) of routing nodes.
 */
export class Lifecycle1763840000000 implements MigrationInterface {
  name = 'Lifecycle1763840000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE directive DROP CONSTRAINT directive_status_check`);
    await q.query(`ALTER TABLE directive ADD CONSTRAINT directive_status_check
      CHECK (status IN ('draft','in_review','approved','rejected','signed','dispatched','cancelled','closed','recalled','superseded'))`);
    await q.query(`ALTER TABLE directive ADD COLUMN dispatched_at timestamptz, ADD COLUMN closed_at timestamptz,
      ADD COLUMN close_reason text`);
    await q.query(`ALTER TABLE routing_node
      ADD COLUMN forwarded_at timestamptz,
      ADD COLUMN forwarded_by uuid REFERENCES app_user(id),
      ADD COLUMN recall_status text CHECK (recall_status IN ('requested','accepted','refused')),
      ADD COLUMN recall_reason text,
      ADD COLUMN closed_at timestamptz,
      ADD COLUMN final_status text`);
    await q.query(`ALTER TABLE report ADD COLUMN after_close boolean NOT NULL DEFAULT false`);
    await q.query(`CREATE TABLE aggregate_report (
      directive_id uuid NOT NULL REFERENCES directive(id),
      unit_id uuid NOT NULL REFERENCES unit(id),
      cycle int NOT NULL,
      revision int NOT NULL,
      aggregate jsonb NOT NULL,
      values jsonb NOT NULL,
      coverage jsonb NOT NULL,
      reason text NOT NULL CHECK (reason IN ('complete','deadline','late-report','closed')),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (directive_id, unit_id, cycle, revision)
    )`);
    await q.query(`CREATE TABLE escalation (
      directive_id uuid NOT NULL REFERENCES directive(id),
      cycle int NOT NULL,
      unit_id uuid NOT NULL REFERENCES unit(id),
      level text NOT NULL CHECK (level IN ('reminded','overdue','parent','issuer')),
      at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (directive_id, cycle, unit_id, level)
    )`);
    await q.query(`CREATE INDEX escalation_unit ON escalation (unit_id, at DESC)`);
    await q.query(`CREATE TABLE directive_link (
      from_id uuid NOT NULL REFERENCES directive(id),
      to_id uuid NOT NULL REFERENCES directive(id),
      kind text NOT NULL CHECK (kind IN ('implements','supersedes')),
      to_unit_id uuid REFERENCES unit(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (from_id, to_id, kind)
    )`);
    await q.query(`CREATE INDEX directive_link_to ON directive_link (to_id, kind)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE directive_link`);
    await q.query(`DROP TABLE escalation`);
    await q.query(`DROP TABLE aggregate_report`);
    await q.query(`ALTER TABLE report DROP COLUMN after_close`);
    await q.query(`ALTER TABLE routing_node DROP COLUMN forwarded_at, DROP COLUMN forwarded_by, DROP COLUMN recall_status,
      DROP COLUMN recall_reason, DROP COLUMN closed_at, DROP COLUMN final_status`);
    await q.query(
      `ALTER TABLE directive DROP COLUMN dispatched_at, DROP COLUMN closed_at, DROP COLUMN close_reason`,
    );
  }
}
