import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live updates: each statement that writes the trail tells listeners which directives changed, once per directive
 * and action (a ladder rung for 10^5 units is one notice, not 10^5).
 */
export class LiveEvents1764710000000 implements MigrationInterface {
  name = 'LiveEvents1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION cascade_notify_directive_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('cascade_directive_event', json_build_object('directiveId', c.directive_id, 'kind', c.action)::text)
           FROM (SELECT DISTINCT directive_id, action FROM changed) c;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER directive_event_notify AFTER INSERT ON directive_event
      REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cascade_notify_directive_event()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER directive_event_notify ON directive_event`);
    await q.query(`DROP FUNCTION cascade_notify_directive_event()`);
  }
}
