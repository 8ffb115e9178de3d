/**
 * Live updates: each statement that writes the trail tells the API's listeners (`listenDirectiveEvents`) which
 * directives changed, once per directive and action (a ladder rung for 10^5 units is one notice, not 10^5).
 */
export const CASCADE_NOTIFY_DIRECTIVE_EVENT = `CREATE OR REPLACE FUNCTION cascade_notify_directive_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('cascade_directive_event', json_build_object('directiveId', c.directive_id, 'kind', c.action)::text)
           FROM (SELECT DISTINCT directive_id, action FROM changed) c;
        RETURN NULL;
      END $$`;

export const LIVE_EVENT_TRIGGERS = [
  `DROP TRIGGER IF EXISTS directive_event_notify ON public.directive_event`,
  `CREATE TRIGGER directive_event_notify AFTER INSERT ON public.directive_event REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cascade_notify_directive_event()`,
];
