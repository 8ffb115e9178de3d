import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Report routes as data: per dispatched directive, who collects each hub's reports (the hub, or one of its
 * departments: "qua Ban Tuyên giáo") and where each hub's aggregate goes (its routing parent, or several bodies, each
 * optionally through a department), resolved once at dispatch from the directive's routes and the organisation's
 * report targets. Aggregates written for ad hoc reports (`adhoc`, `digest`) and by an issuer closing an open-ended
 * phase (`phase-closed`). Implementing chains roll up (`rollup_report`).
 */
export class ReportRoutes1763940000000 implements MigrationInterface {
  name = 'ReportRoutes1763940000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE report_route (
      directive_id uuid NOT NULL REFERENCES directive(id),
      hub_unit_id uuid NOT NULL REFERENCES unit(id),
      collector_unit_id uuid NOT NULL REFERENCES unit(id),
      PRIMARY KEY (directive_id, hub_unit_id)
    )`);
    await q.query(`CREATE INDEX report_route_collector ON report_route (collector_unit_id, directive_id)`);
    await q.query(`CREATE TABLE report_delivery (
      directive_id uuid NOT NULL REFERENCES directive(id),
      hub_unit_id uuid NOT NULL REFERENCES unit(id),
      target_unit_id uuid NOT NULL REFERENCES unit(id),
      via_unit_id uuid REFERENCES unit(id),
      PRIMARY KEY (directive_id, hub_unit_id, target_unit_id)
    )`);
    await q.query(`CREATE INDEX report_delivery_target ON report_delivery (target_unit_id, directive_id)`);
    await q.query(
      `CREATE INDEX report_delivery_via ON report_delivery (via_unit_id, directive_id) WHERE via_unit_id IS NOT NULL`,
    );
    await q.query(`ALTER TABLE aggregate_report DROP CONSTRAINT aggregate_report_reason_check`);
    await q.query(`ALTER TABLE aggregate_report ADD CONSTRAINT aggregate_report_reason_check
      CHECK (reason IN ('complete','deadline','late-report','closed','adhoc','digest','phase-closed'))`);
    // Implementing chains: each revision of the issuer's aggregate on an implementing directive, as its report on
    // the directive it implements (filed there as the unit's report when that one is routed in Cascade; kept here
    // when it was received from outside).
    await q.query(`CREATE TABLE rollup_report (
      from_directive_id uuid NOT NULL REFERENCES directive(id),
      cycle int NOT NULL,
      revision int NOT NULL,
      to_directive_id uuid NOT NULL REFERENCES directive(id),
      unit_id uuid NOT NULL REFERENCES unit(id),
      to_cycle int,
      label text,
      period_from date,
      period_to date,
      values jsonb NOT NULL,
      filed_revision int,
      problems text[],
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (from_directive_id, cycle, revision, to_directive_id)
    )`);
    await q.query(
      `CREATE INDEX rollup_report_to ON rollup_report (to_directive_id, unit_id, created_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rollup_report`);
    await q.query(`ALTER TABLE aggregate_report DROP CONSTRAINT aggregate_report_reason_check`);
    await q.query(`ALTER TABLE aggregate_report ADD CONSTRAINT aggregate_report_reason_check
      CHECK (reason IN ('complete','deadline','late-report','closed'))`);
    await q.query(`DROP TABLE report_delivery`);
    await q.query(`DROP TABLE report_route`);
  }
}
