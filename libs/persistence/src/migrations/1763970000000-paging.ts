import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Paging (issue 19): the indexes the keyset pages read in order, so that a page is a range scan from its cursor,
 * never a sort of the whole list: a directive's escalation steps by cycle, time, unit and level; its events by time
 * (the audit timeline); an ad hoc stream's reports by time.
 */
export class Paging1763970000000 implements MigrationInterface {
  name = 'Paging1763970000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX escalation_page ON escalation (directive_id, cycle, at, unit_id, level)`);
    await q.query(`CREATE INDEX directive_event_time ON directive_event (directive_id, at, id)`);
    await q.query(
      `CREATE INDEX report_stream ON report (directive_id, cycle, submitted_at, unit_id, revision)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX report_stream`);
    await q.query(`DROP INDEX directive_event_time`);
    await q.query(`DROP INDEX escalation_page`);
  }
}
