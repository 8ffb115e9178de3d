import { MigrationInterface, QueryRunner } from 'typeorm';

const BEFORE = `'draft','in_review','approved','rejected','signed','dispatched','cancelled','closed','recalled','superseded'`;

/**
 * The incoming register (#18): a document received from outside Cascade (on paper, or from another system) is a row of
 * `directive` with status 'received', so that links, `/links`, search, the case file and the trail treat it like any
 * directive. `issuer_id` is the unit that registered it (whose register it is in, and by which access is decided);
 * who issued it is `external_issuer_name` (and `external_issuer_unit_id` when that body is in Cascade); its own
 * number and symbol are `external_number` and `symbol` (never a Cascade number: `number` and `year` stay null, so
 * `issuer_sequence` and `directive_number_unique` never see it), its date `external_date`; `symbol_key` is the
 * symbol folded for matching ("812 /LĐLĐ" = "812/LĐLĐ"). The received number (số đến) is unique per receiving unit
 * per year, allocated from `received_sequence` when not given.
 */
export class ReceivedDirectives1763935000000 implements MigrationInterface {
  name = 'ReceivedDirectives1763935000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE directive DROP CONSTRAINT directive_status_check`);
    await q.query(`ALTER TABLE directive ADD CONSTRAINT directive_status_check
      CHECK (status IN (${BEFORE},'received'))`);
    await q.query(`ALTER TABLE directive
      ADD COLUMN external_issuer_name text,
      ADD COLUMN external_issuer_unit_id uuid REFERENCES unit(id),
      ADD COLUMN external_number int,
      ADD COLUMN external_date date,
      ADD COLUMN symbol_key text,
      ADD COLUMN received_year int,
      ADD COLUMN received_number int,
      ADD COLUMN received_at timestamptz,
      ADD COLUMN received_by uuid REFERENCES app_user(id)`);
    // a received row has its received number and never a Cascade number or signature; no other row has one
    await q.query(`ALTER TABLE directive ADD CONSTRAINT directive_received_shape CHECK (
      CASE WHEN status = 'received'
           THEN received_number IS NOT NULL AND received_year IS NOT NULL AND received_at IS NOT NULL
                AND external_issuer_name IS NOT NULL AND number IS NULL AND year IS NULL AND signed_at IS NULL
           ELSE received_number IS NULL END)`);
    await q.query(`ALTER TABLE directive ADD CONSTRAINT directive_received_number_unique
      UNIQUE (issuer_id, received_year, received_number)`);
    await q.query(`CREATE INDEX directive_received_register ON directive (issuer_id, received_at DESC, id DESC)
      WHERE status = 'received'`);
    await q.query(
      `CREATE INDEX directive_received_symbol ON directive (issuer_id, symbol_key) WHERE status = 'received'`,
    );
    await q.query(`CREATE TABLE received_sequence (
      unit_id uuid NOT NULL REFERENCES unit(id),
      year int NOT NULL,
      last_number int NOT NULL,
      PRIMARY KEY (unit_id, year)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    // received rows have their trail in the append-only directive_event: they cannot be removed, so nor can this
    const rows = (await q.query(`SELECT 1 FROM directive WHERE status = 'received' LIMIT 1`)) as unknown[];
    if (rows.length)
      throw new Error('received directives are registered: the incoming register cannot be undone');
    await q.query(`DROP TABLE received_sequence`);
    await q.query(`DROP INDEX directive_received_symbol`);
    await q.query(`DROP INDEX directive_received_register`);
    await q.query(`ALTER TABLE directive DROP CONSTRAINT directive_received_number_unique`);
    await q.query(`ALTER TABLE directive DROP CONSTRAINT directive_received_shape`);
    await q.query(`ALTER TABLE directive
      DROP COLUMN external_issuer_name, DROP COLUMN external_issuer_unit_id, DROP COLUMN external_number,
      DROP COLUMN external_date, DROP COLUMN symbol_key, DROP COLUMN received_year, DROP COLUMN received_number,
      DROP COLUMN received_at, DROP COLUMN received_by`);
    await q.query(`ALTER TABLE directive DROP CONSTRAINT directive_status_check`);
    await q.query(
      `ALTER TABLE directive ADD CONSTRAINT directive_status_check CHECK (status IN (${BEFORE}))`,
    );
  }
}
