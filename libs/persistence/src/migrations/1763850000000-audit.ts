import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event table becomes a tamper-evident trail. Each event of a directive carries its sequence number in the
 * directive's chain, the hash of the previous event and its own hash: SHA-256 over the previous hash and the event's
 * fields, in the text form `eventDigestInput()` (libs/persistence/src/audit.ts) rebuilds to verify it. A trigger
 * computes them on insert — whatever code inserts, one row or a batch — serialised per directive on its chain head
 * row, and another refuses UPDATE and DELETE: the table is append-only for every role that does not disable triggers.
 * Reads of a directive are recorded in `directive_read`, at most one row per user, directive and minute.
 */
export class Audit1763850000000 implements MigrationInterface {
  name = 'Audit1763850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE directive_event ADD COLUMN seq int, ADD COLUMN prev_hash text, ADD COLUMN hash text`,
    );
    await q.query(`CREATE TABLE directive_chain_head (
      directive_id uuid PRIMARY KEY REFERENCES directive(id),
      seq int NOT NULL,
      hash text NOT NULL
    )`);
    await q.query(`CREATE FUNCTION directive_event_digest_input(e directive_event, prev text) RETURNS text
      LANGUAGE sql IMMUTABLE AS $$
        SELECT concat_ws(E'\\x1f', prev, e.directive_id::text, e.seq::text,
          to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          coalesce(e.actor_user_id::text, ''), coalesce(e.actor_role, ''), coalesce(e.actor_unit_id::text, ''),
          e.action, coalesce(e.reason, ''), coalesce(e.data::text, ''))
      $$`);
    await q.query(`CREATE FUNCTION directive_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE head directive_chain_head%ROWTYPE;
      BEGIN
        INSERT INTO directive_chain_head (directive_id, seq, hash) VALUES (NEW.directive_id, 0, '')
          ON CONFLICT (directive_id) DO NOTHING;
        SELECT * INTO head FROM directive_chain_head WHERE directive_id = NEW.directive_id FOR UPDATE;
        NEW.seq := head.seq + 1;
        NEW.prev_hash := head.hash;
        NEW.hash := encode(sha256(convert_to(directive_event_digest_input(NEW, head.hash), 'UTF8')), 'hex');
        UPDATE directive_chain_head SET seq = NEW.seq, hash = NEW.hash WHERE directive_id = NEW.directive_id;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE FUNCTION directive_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'directive_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    // Events written before the chain existed are chained now, in their order.
    await q.query(`DO $$
      DECLARE e directive_event; prev text; n int; cur uuid;
      BEGIN
        cur := NULL;
        FOR e IN SELECT * FROM directive_event ORDER BY directive_id, id LOOP
          IF cur IS DISTINCT FROM e.directive_id THEN cur := e.directive_id; prev := ''; n := 0; END IF;
          n := n + 1;
          e.seq := n;
          UPDATE directive_event SET seq = n, prev_hash = prev,
                 hash = encode(sha256(convert_to(directive_event_digest_input(e, prev), 'UTF8')), 'hex')
           WHERE id = e.id RETURNING hash INTO prev;
          INSERT INTO directive_chain_head (directive_id, seq, hash) VALUES (e.directive_id, n, prev)
            ON CONFLICT (directive_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash;
        END LOOP;
      END $$`);
    await q.query(`ALTER TABLE directive_event ALTER COLUMN seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL,
      ALTER COLUMN hash SET NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX directive_event_chain ON directive_event (directive_id, seq)`);
    await q.query(`CREATE TRIGGER directive_event_chain BEFORE INSERT ON directive_event
      FOR EACH ROW EXECUTE FUNCTION directive_event_chain()`);
    await q.query(`CREATE TRIGGER directive_event_append_only BEFORE UPDATE OR DELETE ON directive_event
      FOR EACH ROW EXECUTE FUNCTION directive_event_append_only()`);
    await q.query(`CREATE TRIGGER directive_event_no_truncate BEFORE TRUNCATE ON directive_event
      FOR EACH STATEMENT EXECUTE FUNCTION directive_event_append_only()`);
    await q.query(`CREATE TABLE directive_read (
      directive_id uuid NOT NULL REFERENCES directive(id),
      user_id uuid NOT NULL,
      minute timestamptz NOT NULL,
      what text NOT NULL,
      PRIMARY KEY (directive_id, user_id, minute, what)
    )`);
    await q.query(`CREATE INDEX directive_read_user ON directive_read (user_id, minute DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE directive_read`);
    await q.query(`DROP TRIGGER directive_event_no_truncate ON directive_event`);
    await q.query(`DROP TRIGGER directive_event_append_only ON directive_event`);
    await q.query(`DROP TRIGGER directive_event_chain ON directive_event`);
    await q.query(`DROP INDEX directive_event_chain`);
    await q.query(`DROP FUNCTION directive_event_append_only()`);
    await q.query(`DROP FUNCTION directive_event_chain()`);
    await q.query(`DROP FUNCTION directive_event_digest_input(directive_event, text)`);
    await q.query(`DROP TABLE directive_chain_head`);
    await q.query(`ALTER TABLE directive_event DROP COLUMN seq, DROP COLUMN prev_hash, DROP COLUMN hash`);
  }
}
