import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The escalation ladder's last rung, `above`: the leaders of the body above the issuer (its own parent in the
 * organisation) are told of units still late after `aboveAfter`. The level's CHECK takes it.
 */
export class EscalationAbove1763930000000 implements MigrationInterface {
  name = 'EscalationAbove1763930000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE escalation DROP CONSTRAINT escalation_level_check`);
    await q.query(
      `ALTER TABLE escalation ADD CONSTRAINT escalation_level_check
         CHECK (level IN ('reminded','overdue','parent','issuer','above'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM escalation WHERE level = 'above'`);
    await q.query(`ALTER TABLE escalation DROP CONSTRAINT escalation_level_check`);
    await q.query(
      `ALTER TABLE escalation ADD CONSTRAINT escalation_level_check
         CHECK (level IN ('reminded','overdue','parent','issuer'))`,
    );
  }
}
