/**
 * `cascade_report_event` appends a report's event to the directive's hash chain: `cascade_file_report` calls it
 * last (the chain's head stays locked until the commit), and so does the caller that files alone, after its
 * aggregates.
 */
export const CASCADE_REPORT_EVENT = `CREATE OR REPLACE FUNCTION cascade_report_event(
        p_directive uuid, p_user uuid, p_unit uuid, p_cycle int, p_revision int, p_late boolean, p_after_close boolean)
      RETURNS void LANGUAGE sql AS $$
        INSERT INTO directive_event (directive_id, actor_user_id, actor_unit_id, action, data)
        VALUES (p_directive, p_user, p_unit,
                CASE WHEN p_after_close THEN 'report.late-revision' ELSE 'report.submitted' END,
                jsonb_build_object('cycle', p_cycle, 'revision', p_revision, 'late', p_late, 'afterClose', p_after_close))
      $$`;
