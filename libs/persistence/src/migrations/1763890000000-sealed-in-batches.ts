import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hash chain is sealed in batches instead of by every insert. Each insert used to lock its directive's chain
 * head until its transaction committed, so that every event of a directive — every acknowledgement and report of
 * thousands of units — queued behind the commit of the one before. Now an event is written unsealed (no sequence
 * number, no hashes: whatever the insert says is discarded), and `cascade_seal_events(directive)` seals the unsealed
 * events of a directive in one transaction, in the order of their ids among those committed: it locks the head, gives
 * each the next sequence number, the previous hash and its own hash (the same digest as before), and moves the head.
 * The worker seals every few hundred milliseconds, and every audit read seals its directives first, so an auditor
 * never sees an unsealed event. The append-only trigger lets exactly that update through: an unsealed row given its
 * seal, nothing else of it changed.
 */
export class SealedInBatches1763890000000 implements MigrationInterface {
  name = 'SealedInBatches1763890000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE directive_event ALTER COLUMN seq DROP NOT NULL, ALTER COLUMN prev_hash DROP NOT NULL,
      ALTER COLUMN hash DROP NOT NULL`);
    await q.query(
      `CREATE INDEX directive_event_unsealed ON directive_event (directive_id, id) WHERE seq IS NULL`,
    );
    await q.query(`CREATE OR REPLACE FUNCTION directive_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.seq := NULL;
        NEW.prev_hash := NULL;
        NEW.hash := NULL;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE OR REPLACE FUNCTION directive_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL
           AND NEW.hash IS NOT NULL
           AND (NEW.id, NEW.directive_id, NEW.at, NEW.actor_user_id, NEW.actor_role, NEW.actor_unit_id, NEW.action,
                NEW.reason, NEW.data, NEW.dedupe_key)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.directive_id, OLD.at, OLD.actor_user_id, OLD.actor_role, OLD.actor_unit_id, OLD.action,
                OLD.reason, OLD.data, OLD.dedupe_key) THEN
          RETURN NEW; -- sealing an unsealed event
        END IF;
        RAISE EXCEPTION 'directive_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE FUNCTION cascade_seal_events(p_directive uuid) RETURNS int LANGUAGE plpgsql AS $$
      DECLARE
        head directive_chain_head%ROWTYPE;
        e directive_event;
        n int := 0;
      BEGIN
        INSERT INTO directive_chain_head (directive_id, seq, hash) VALUES (p_directive, 0, '')
          ON CONFLICT (directive_id) DO NOTHING;
        SELECT * INTO head FROM directive_chain_head WHERE directive_id = p_directive FOR UPDATE;
        FOR e IN SELECT * FROM directive_event WHERE directive_id = p_directive AND seq IS NULL ORDER BY id LOOP
          head.seq := head.seq + 1;
          e.seq := head.seq;
          UPDATE directive_event SET seq = head.seq, prev_hash = head.hash,
                 hash = encode(sha256(convert_to(directive_event_digest_input(e, head.hash), 'UTF8')), 'hex')
           WHERE id = e.id RETURNING hash INTO head.hash;
          n := n + 1;
        END LOOP;
        IF n > 0 THEN
          UPDATE directive_chain_head SET seq = head.seq, hash = head.hash WHERE directive_id = p_directive;
        END IF;
        RETURN n;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DO $$ DECLARE d uuid; BEGIN
        FOR d IN SELECT DISTINCT directive_id FROM directive_event WHERE seq IS NULL LOOP
          PERFORM cascade_seal_events(d);
        END LOOP;
      END $$`);
    await q.query(`DROP FUNCTION cascade_seal_events(uuid)`);
    await q.query(`CREATE OR REPLACE FUNCTION directive_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'directive_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE OR REPLACE FUNCTION directive_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await q.query(`DROP INDEX directive_event_unsealed`);
    await q.query(`ALTER TABLE directive_event ALTER COLUMN seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL,
      ALTER COLUMN hash SET NOT NULL`);
  }
}
