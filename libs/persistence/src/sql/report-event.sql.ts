/**
 * `cascade_report_event` appends a report's event to the directive's hash chain: `cascade_file_report` calls it
 * last (the chain's head stays locked until the commit), and so does the caller that files alone, after its
 * aggregates. A report a connector filed names it: the actor's role (`connector`) and the connector in the data
 * (`{ kind, id, name }`: the API key or the user), the unit being the one reported for.
 */
export const CASCADE_REPORT_EVENT = `CREATE OR REPLACE FUNCTION cascade_report_event(
        p_directive uuid, p_user uuid, p_unit uuid, p_cycle int, p_revision int, p_late boolean, p_after_close boolean,
        p_actor_role text DEFAULT NULL, p_connector jsonb DEFAULT NULL)
      RETURNS void LANGUAGE sql AS $$
        INSERT INTO directive_event (directive_id, actor_user_id, actor_role, actor_unit_id, action, data)
        VALUES (p_directive, p_user, p_actor_role, p_unit,
                CASE WHEN p_after_close THEN 'report.late-revision' ELSE 'report.submitted' END,
                jsonb_build_object('cycle', p_cycle, 'revision', p_revision, 'late', p_late, 'afterClose', p_after_close)
                  || CASE WHEN p_connector IS NULL THEN '{}'::jsonb
                          ELSE jsonb_build_object('connector', p_connector) END)
      $$`;
