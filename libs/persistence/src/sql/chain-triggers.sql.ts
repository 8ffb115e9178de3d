/**
 * The triggers of `directive_event`. Events are written unsealed: the insert trigger discards whatever sequence
 * number and hashes an insert claims (`cascade_seal_events` seals them). The append-only trigger refuses UPDATE,
 * DELETE and TRUNCATE for every role that does not disable triggers, but for the one update sealing is: an unsealed
 * row given its seal, nothing else of it changed.
 *
 * The CREATE TRIGGER statements are written as `pg_get_triggerdef()` prints them, so that the database's
 * definition and this text compare equal (test/integration/sql-definitions.e2e-spec.ts).
 */
export const DIRECTIVE_EVENT_CHAIN = `CREATE OR REPLACE FUNCTION directive_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.seq := NULL;
        NEW.prev_hash := NULL;
        NEW.hash := NULL;
        RETURN NEW;
      END $$`;

export const DIRECTIVE_EVENT_APPEND_ONLY = `CREATE OR REPLACE FUNCTION directive_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
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
      END $$`;

export const CHAIN_TRIGGERS = [
  `DROP TRIGGER IF EXISTS directive_event_chain ON directive_event`,
  `CREATE TRIGGER directive_event_chain BEFORE INSERT ON public.directive_event FOR EACH ROW EXECUTE FUNCTION directive_event_chain()`,
  `DROP TRIGGER IF EXISTS directive_event_append_only ON directive_event`,
  `CREATE TRIGGER directive_event_append_only BEFORE DELETE OR UPDATE ON public.directive_event FOR EACH ROW EXECUTE FUNCTION directive_event_append_only()`,
  `DROP TRIGGER IF EXISTS directive_event_no_truncate ON directive_event`,
  `CREATE TRIGGER directive_event_no_truncate BEFORE TRUNCATE ON public.directive_event FOR EACH STATEMENT EXECUTE FUNCTION directive_event_append_only()`,
];
