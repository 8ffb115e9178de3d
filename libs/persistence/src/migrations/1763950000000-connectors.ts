import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Connectors: the `connector` role, for memberships and API keys (acknowledges, reports and reads for every unit
 * below its own); API keys record the bulk request that made them (`batch_key`, so that a retried bulk request
 * answers the same keys); the report event functions take the actor's role and the connector, so their old
 * signatures go (the files of libs/persistence/src/sql/ define the new ones, applied after the migrations).
 */
export class Connectors1763950000000 implements MigrationInterface {
  name = 'Connectors1763950000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE membership DROP CONSTRAINT membership_role_check`);
    await q.query(`ALTER TABLE membership ADD CONSTRAINT membership_role_check
      CHECK (role IN ('clerk','leader','specialist','auditor','admin','connector'))`);
    await q.query(`ALTER TABLE api_key DROP CONSTRAINT api_key_role_check`);
    await q.query(`ALTER TABLE api_key ADD CONSTRAINT api_key_role_check
      CHECK (role IN ('clerk','leader','specialist','auditor','connector'))`);
    // A key made by a bulk request: its caller and Idempotency-Key, and its row there.
    await q.query(`ALTER TABLE api_key ADD COLUMN batch_key text, ADD COLUMN batch_row int`);
    await q.query(
      `CREATE UNIQUE INDEX api_key_batch ON api_key (batch_key, batch_row) WHERE batch_key IS NOT NULL`,
    );
    await q.query(
      `DROP FUNCTION cascade_file_report(uuid, uuid, uuid, int, jsonb, uuid, text, uuid, boolean, boolean)`,
    );
    await q.query(`DROP FUNCTION cascade_report_event(uuid, uuid, uuid, int, int, boolean, boolean)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The previous functions come back from the files of the version rolled back to: their records go, so that
    // applying the definitions creates them again.
    await q.query(
      `DROP FUNCTION cascade_file_report(uuid, uuid, uuid, int, jsonb, uuid, text, uuid, boolean, boolean, text, jsonb)`,
    );
    await q.query(
      `DROP FUNCTION cascade_report_event(uuid, uuid, uuid, int, int, boolean, boolean, text, jsonb)`,
    );
    await q.query(
      `DELETE FROM schema_definition WHERE name IN ('cascade_file_report', 'cascade_report_event')`,
    );
    await q.query(`DROP INDEX api_key_batch`);
    await q.query(`ALTER TABLE api_key DROP COLUMN batch_key, DROP COLUMN batch_row`);
    await q.query(`DELETE FROM api_key WHERE role = 'connector'`);
    await q.query(`DELETE FROM membership WHERE role = 'connector'`);
    await q.query(`ALTER TABLE api_key DROP CONSTRAINT api_key_role_check`);
    await q.query(`ALTER TABLE api_key ADD CONSTRAINT api_key_role_check
      CHECK (role IN ('clerk','leader','specialist','auditor'))`);
    await q.query(`ALTER TABLE membership DROP CONSTRAINT membership_role_check`);
    await q.query(`ALTER TABLE membership ADD CONSTRAINT membership_role_check
      CHECK (role IN ('clerk','leader','specialist','auditor','admin'))`);
  }
}
