import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * User activation (issue 19): a user made in bulk has no password yet (`password_hash` null: it cannot sign in) but
 * a one-time activation token, stored as its SHA-256 (`activation_hash`) with its end (`activation_expires_at`);
 * activating sets the password and clears both. A user made by a bulk request records it (`batch_key` = caller and
 * Idempotency-Key, `batch_row` its row), so that a retried request finds the users it made instead of making more.
 */
export class UserActivation1763980000000 implements MigrationInterface {
  name = 'UserActivation1763980000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user ALTER COLUMN password_hash DROP NOT NULL`);
    await q.query(`ALTER TABLE app_user ADD COLUMN activation_hash text, ADD COLUMN activation_expires_at timestamptz,
      ADD COLUMN batch_key text, ADD COLUMN batch_row int`);
    await q.query(`ALTER TABLE app_user ADD CONSTRAINT app_user_activation_check
      CHECK ((activation_hash IS NULL) = (activation_expires_at IS NULL))`);
    await q.query(
      `CREATE UNIQUE INDEX app_user_activation ON app_user (activation_hash) WHERE activation_hash IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX app_user_batch ON app_user (batch_key, batch_row) WHERE batch_key IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX app_user_batch`);
    await q.query(`DROP INDEX app_user_activation`);
    await q.query(`ALTER TABLE app_user DROP CONSTRAINT app_user_activation_check`);
    await q.query(`ALTER TABLE app_user DROP COLUMN activation_hash, DROP COLUMN activation_expires_at,
      DROP COLUMN batch_key, DROP COLUMN batch_row`);
    // A user not yet activated keeps no way in: a hash that no password matches.
    await q.query(`UPDATE app_user SET password_hash = 'none$' WHERE password_hash IS NULL`);
    await q.query(`ALTER TABLE app_user ALTER COLUMN password_hash SET NOT NULL`);
  }
}
