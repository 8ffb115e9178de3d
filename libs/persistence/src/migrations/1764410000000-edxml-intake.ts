import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * edXML as the national document axis exchanges it (issue 21):
 * - `unit.edxml_code`: the unit's electronic identification code (mã định danh điện tử, Decision 20/2020/QĐ-TTg,
 *   e.g. `000.00.00.H53`), beside its internal code; unique, upper case, in the decision's four groups; an edXML
 *   export names the unit by it (From/To OrganId).
 * - `edxml_message`: each message a connector posted to `POST /edxml/messages`, by its caller and its id, with the
 *   hash of what it said and the answer given, so that a retry gets the same answer and another message under the
 *   same id a 409.
 */
export class EdxmlIntake1764410000000 implements MigrationInterface {
  name = 'EdxmlIntake1764410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE unit ADD COLUMN edxml_code text,
         ADD CONSTRAINT unit_edxml_code_format CHECK (edxml_code ~ '^[0-9]{3}\\.[0-9]{2}\\.[0-9]{2}\\.[A-Z][0-9]{2}$')`,
    );
    await q.query(
      `CREATE UNIQUE INDEX unit_edxml_code_unique ON unit (edxml_code) WHERE edxml_code IS NOT NULL`,
    );
    await q.query(
      `CREATE TABLE edxml_message (
         principal text NOT NULL,
         message_id text NOT NULL,
         kind text NOT NULL CHECK (kind IN ('document', 'status')),
         request_hash text NOT NULL,
         answer jsonb NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (principal, message_id)
       )`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE edxml_message`);
    await q.query(`DROP INDEX unit_edxml_code_unique`);
    await q.query(`ALTER TABLE unit DROP CONSTRAINT unit_edxml_code_format, DROP COLUMN edxml_code`);
  }
}
