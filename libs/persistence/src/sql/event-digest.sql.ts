/**
 * `directive_event_digest_input(event, previous hash)`: the text an event's SHA-256 is computed over, the same as
 * `eventDigestInput()` (libs/persistence/src/audit.ts), which rebuilds it to verify the chain. Sealed hashes were
 * computed with it: changing it breaks the verification of every event sealed before.
 */
export const DIRECTIVE_EVENT_DIGEST_INPUT = `CREATE OR REPLACE FUNCTION directive_event_digest_input(e directive_event, prev text) RETURNS text
      LANGUAGE sql IMMUTABLE AS $$
        SELECT concat_ws(E'\\x1f', prev, e.directive_id::text, e.seq::text,
          to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          coalesce(e.actor_user_id::text, ''), coalesce(e.actor_role, ''), coalesce(e.actor_unit_id::text, ''),
          e.action, coalesce(e.reason, ''), coalesce(e.data::text, ''))
      $$`;
