import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exactly-once reports across crashes: a report remembers the Idempotency-Key of the request that filed it, so that
 * the retry of a request whose API process died after its transaction committed (before the key's record was
 * completed) answers the stored report instead of filing a second revision.
 */
export class ExactlyOnce1763870000000 implements MigrationInterface {
  name = 'ExactlyOnce1763870000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE report ADD COLUMN request_key text`);
    await q.query(
      `CREATE UNIQUE INDEX report_request_key ON report (directive_id, unit_id, request_key) WHERE request_key IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX report_request_key`);
    await q.query(`ALTER TABLE report DROP COLUMN request_key`);
  }
}
