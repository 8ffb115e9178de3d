/**
 * `cascade_seal_events(directive)` seals the unsealed events of a directive in one transaction, in the order of
 * their ids among those committed: it locks the chain head, gives each the next sequence number, the previous hash
 * and its own hash (`directive_event_digest_input`), and moves the head. Returns how many it sealed. The worker
 * seals every few hundred milliseconds, and every audit read seals its directives first. It runs with its owner's
 * rights (the migration role): the services' runtime role may insert and read events but never update them, so sealing
 * is the one way an event gets its seal (`grantRuntimeRole`).
 */
export const CASCADE_SEAL_EVENTS = `CREATE OR REPLACE FUNCTION cascade_seal_events(p_directive uuid) RETURNS int LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
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
      END $$`;
