import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Paging, the remaining lists (issue 19): the indexes their keyset pages walk in order, each ending in a key that is
 * unique within the list, so that a page is a range scan from its cursor that stops at the page's end: a directive's
 * roll-ups newest first (all of them, or one unit's), the overdue marks by time (then unit, directive, cycle), a
 * unit's members and API keys in the order they were granted, users by name, and the directives implementing one in
 * the order they were linked. The indexes they extend go.
 */
export class PagingMore1763990000000 implements MigrationInterface {
  name = 'PagingMore1763990000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX rollup_report_page ON rollup_report (to_directive_id, created_at, from_directive_id, cycle, revision)`,
    );
    await q.query(`CREATE INDEX rollup_report_unit_page
      ON rollup_report (to_directive_id, unit_id, created_at, from_directive_id, cycle, revision)`);
    await q.query(`DROP INDEX rollup_report_to`);
    await q.query(
      `CREATE INDEX escalation_overdue_page ON escalation (level, at, unit_id, directive_id, cycle)`,
    );
    await q.query(`DROP INDEX escalation_overdue`);
    await q.query(`CREATE INDEX membership_unit_page ON membership (unit_id, created_at, id)`);
    await q.query(`DROP INDEX membership_unit`);
    await q.query(`CREATE INDEX api_key_unit_page ON api_key (unit_id, created_at, id)`);
    await q.query(`DROP INDEX api_key_unit`);
    await q.query(`CREATE INDEX app_user_name ON app_user (name, id)`);
    await q.query(`CREATE INDEX directive_link_page ON directive_link (to_id, kind, created_at, from_id)`);
    await q.query(`DROP INDEX directive_link_to`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX directive_link_to ON directive_link (to_id, kind)`);
    await q.query(`DROP INDEX directive_link_page`);
    await q.query(`DROP INDEX app_user_name`);
    await q.query(`CREATE INDEX api_key_unit ON api_key (unit_id)`);
    await q.query(`DROP INDEX api_key_unit_page`);
    await q.query(`CREATE INDEX membership_unit ON membership (unit_id)`);
    await q.query(`DROP INDEX membership_unit_page`);
    await q.query(`CREATE INDEX escalation_overdue ON escalation (level, at, unit_id)`);
    await q.query(`DROP INDEX escalation_overdue_page`);
    await q.query(
      `CREATE INDEX rollup_report_to ON rollup_report (to_directive_id, unit_id, created_at DESC)`,
    );
    await q.query(`DROP INDEX rollup_report_unit_page`);
    await q.query(`DROP INDEX rollup_report_page`);
  }
}
