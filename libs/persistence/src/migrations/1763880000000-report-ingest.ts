import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Report ingest in one round trip. `cascade_file_report` files a unit's report the way the API did in a transaction
 * of six statements: it locks the unit's routing node (revisions of one report queue there), takes the lock of the
 * routing parent's aggregation (shared while it is open, so that reports to one hub run side by side; alone when it
 * has closed, or to close it), answers the report the request's key filed before if there is one, and otherwise
 * inserts the next revision, marked after-close when the parent's aggregation has closed. With the lock shared, a
 * report that finds the aggregation closed writes nothing and says so (`retry_alone`): the caller files it again
 * alone, as a late revision that re-aggregates upward. Each statement of a PL/pgSQL function sees what committed
 * before it began, so the closed check follows the lock, as it did in the transaction.
 *
 * `cascade_report_event` appends the report's event to the directive's hash chain; the function calls it last (the
 * chain's head stays locked until the commit), and so does the caller that files alone, after its aggregates.
 */
export class ReportIngest1763880000000 implements MigrationInterface {
  name = 'ReportIngest1763880000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION cascade_report_event(
        p_directive uuid, p_user uuid, p_unit uuid, p_cycle int, p_revision int, p_late boolean, p_after_close boolean)
      RETURNS void LANGUAGE sql AS $$
        INSERT INTO directive_event (directive_id, actor_user_id, actor_unit_id, action, data)
        VALUES (p_directive, p_user, p_unit,
                CASE WHEN p_after_close THEN 'report.late-revision' ELSE 'report.submitted' END,
                jsonb_build_object('cycle', p_cycle, 'revision', p_revision, 'late', p_late, 'afterClose', p_after_close))
      $$`);
    await q.query(`CREATE FUNCTION cascade_file_report(
        p_id uuid, p_directive uuid, p_unit uuid, p_cycle int, p_values jsonb, p_late boolean, p_deadline timestamptz,
        p_user uuid, p_request_key text, p_issuer uuid, p_alone boolean, p_event boolean)
      RETURNS TABLE (revision int, late boolean, after_close boolean, deadline timestamptz, "values" jsonb,
                     parent_unit_id uuid, filed_before boolean, retry_alone boolean)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_parent uuid;
        v_after_close boolean;
        v_revision int;
      BEGIN
        SELECT COALESCE(rn.parent_unit_id, p_issuer) INTO v_parent FROM routing_node rn
         WHERE rn.directive_id = p_directive AND rn.unit_id = p_unit FOR UPDATE;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'unit % is not routed for directive %', p_unit, p_directive USING ERRCODE = 'no_data_found';
        END IF;
        IF p_alone THEN
          PERFORM pg_advisory_xact_lock(hashtext(p_directive::text || '/' || v_parent::text), p_cycle);
        ELSE
          PERFORM pg_advisory_xact_lock_shared(hashtext(p_directive::text || '/' || v_parent::text), p_cycle);
        END IF;
        IF p_request_key IS NOT NULL THEN
          RETURN QUERY SELECT r.revision, r.late, r.after_close, r.deadline, r.values, v_parent, true, false
            FROM report r WHERE r.directive_id = p_directive AND r.unit_id = p_unit AND r.request_key = p_request_key;
          IF FOUND THEN RETURN; END IF;
        END IF;
        v_after_close := EXISTS (SELECT 1 FROM aggregate_report a
                                  WHERE a.directive_id = p_directive AND a.unit_id = v_parent AND a.cycle = p_cycle);
        IF v_after_close AND NOT p_alone THEN
          RETURN QUERY SELECT NULL::int, p_late, true, p_deadline, p_values, v_parent, false, true;
          RETURN;
        END IF;
        INSERT INTO report (id, directive_id, unit_id, cycle, revision, values, late, deadline, submitted_by, after_close, request_key)
        SELECT p_id, p_directive, p_unit, p_cycle, COALESCE(max(r.revision), 0) + 1, p_values, p_late, p_deadline, p_user,
               v_after_close, p_request_key
          FROM report r WHERE r.directive_id = p_directive AND r.unit_id = p_unit AND r.cycle = p_cycle
        RETURNING report.revision INTO v_revision;
        IF p_event THEN
          PERFORM cascade_report_event(p_directive, p_user, p_unit, p_cycle, v_revision, p_late, v_after_close);
        END IF;
        RETURN QUERY SELECT v_revision, p_late, v_after_close, p_deadline, p_values, v_parent, false, false;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP FUNCTION cascade_file_report(uuid, uuid, uuid, int, jsonb, boolean, timestamptz, uuid, text, uuid, boolean, boolean)`,
    );
    await q.query(`DROP FUNCTION cascade_report_event(uuid, uuid, uuid, int, int, boolean, boolean)`);
  }
}
