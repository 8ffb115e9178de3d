import { hubLockKey } from './locks';

const HUB_LOCK = hubLockKey('p_directive::text', 'v_parent::text', 'p_cycle');

/**
 * The SQLSTATE `cascade_file_report` raises when the request key it is given filed a report of another cycle or with
 * other values (a class of its own, so that no PostgreSQL error is mistaken for it).
 */
export const REPORT_KEY_REUSED_SQLSTATE = 'CR409';

/**
 * Report ingest in one round trip. `cascade_file_report` files a unit's report: it locks the unit's routing node
 * (revisions of one report queue there), takes the lock of the routing parent's aggregation (shared while it is
 * open, so that reports to one hub run side by side; alone when it has closed, or to close it), answers the report
 * the request's key filed before if there is one, and otherwise inserts the next revision, marked after-close when
 * the parent's aggregation has closed. The request key is the caller's (`fileReport` prefixes the caller to the
 * client's Idempotency-Key), and it answers only the request that filed it: the same key with another cycle or
 * other values is refused (`REPORT_KEY_REUSED_SQLSTATE`). With the lock shared, a report that finds the aggregation
 * closed is filed as a late revision and marks the hub pending (`aggregate_pending`): the periodic pass revises it
 * and the hubs above, so that late reports coalesce. Each statement of a PL/pgSQL function sees what committed before it began, so the closed check follows
 * the lock.
 *
 * The event names the actor's role and the connector that filed it, if one did (`cascade_report_event`).
 *
 * It decides lateness itself: against the stored deadline of the unit's tier and the database's clock once it holds
 * the locks, so a report that commits after its deadline is late whatever time the request arrived.
 */
export const CASCADE_FILE_REPORT = `CREATE OR REPLACE FUNCTION cascade_file_report(
        p_id uuid, p_directive uuid, p_unit uuid, p_cycle int, p_values jsonb,
        p_user uuid, p_request_key text, p_issuer uuid, p_alone boolean, p_event boolean,
        p_actor_role text DEFAULT NULL, p_connector jsonb DEFAULT NULL)
      RETURNS TABLE (revision int, late boolean, after_close boolean, deadline timestamptz, "values" jsonb,
                     parent_unit_id uuid, filed_before boolean, retry_alone boolean)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_parent uuid;
        v_tier int;
        v_after_close boolean;
        v_revision int;
        v_deadline timestamptz;
        v_late boolean;
        v_now timestamptz;
        v_filed_cycle int;
        v_filed_values jsonb;
      BEGIN
        SELECT COALESCE(rn.parent_unit_id, p_issuer), rn.tier INTO v_parent, v_tier FROM routing_node rn
         WHERE rn.directive_id = p_directive AND rn.unit_id = p_unit FOR UPDATE;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'unit % is not routed for directive %', p_unit, p_directive USING ERRCODE = 'no_data_found';
        END IF;
        SELECT (c.deadlines -> LEAST(v_tier, jsonb_array_length(c.deadlines) - 1) ->> 'at')::timestamptz INTO v_deadline
          FROM reporting_cycle c WHERE c.directive_id = p_directive AND c.cycle = p_cycle;
        IF v_deadline IS NULL THEN
          RAISE EXCEPTION 'cycle % of directive % is not planned', p_cycle, p_directive USING ERRCODE = 'no_data_found';
        END IF;
        IF p_alone THEN
          PERFORM pg_advisory_xact_lock(${HUB_LOCK});
        ELSE
          PERFORM pg_advisory_xact_lock_shared(${HUB_LOCK});
        END IF;
        IF p_request_key IS NOT NULL THEN
          SELECT r.cycle, r.values INTO v_filed_cycle, v_filed_values
            FROM report r WHERE r.directive_id = p_directive AND r.unit_id = p_unit AND r.request_key = p_request_key;
          IF FOUND THEN
            -- The key filed another request (another cycle, other values): refused, never answered with that report.
            IF v_filed_cycle <> p_cycle OR v_filed_values <> p_values THEN
              RAISE EXCEPTION 'request key % filed another report of directive % for unit %',
                p_request_key, p_directive, p_unit USING ERRCODE = '${REPORT_KEY_REUSED_SQLSTATE}';
            END IF;
            RETURN QUERY SELECT r.revision, r.late, r.after_close, r.deadline, r.values, v_parent, true, false
              FROM report r WHERE r.directive_id = p_directive AND r.unit_id = p_unit AND r.request_key = p_request_key;
            RETURN;
          END IF;
        END IF;
        -- Decided once the locks are held, by the database's clock, and stored as the time of the report: the deadline
        -- step marks units after it holds the hub's lock alone, so a report is either on time and seen by it, or late.
        v_now := clock_timestamp();
        v_late := v_now >= v_deadline;
        v_after_close := EXISTS (SELECT 1 FROM aggregate_report a
                                  WHERE a.directive_id = p_directive AND a.unit_id = v_parent AND a.cycle = p_cycle);
        -- Shared, after the close: filed as a late revision all the same, and the hub marked pending; the periodic pass
        -- (reviseLateAggregates) revises it and the hubs above, once for every late report that came in meanwhile, so
        -- a late report never waits on an ancestor's lock. (retry_alone is no longer answered true.)
        IF v_after_close AND NOT p_alone THEN
          INSERT INTO aggregate_pending (directive_id, unit_id, cycle, folds) VALUES (p_directive, v_parent, p_cycle, 1)
          ON CONFLICT (directive_id, unit_id, cycle) DO UPDATE SET folds = aggregate_pending.folds + 1;
        END IF;
        INSERT INTO report (id, directive_id, unit_id, cycle, revision, values, late, deadline, submitted_by, submitted_at,
                            after_close, request_key)
        SELECT p_id, p_directive, p_unit, p_cycle, COALESCE(max(r.revision), 0) + 1, p_values, v_late, v_deadline, p_user,
               v_now, v_after_close, p_request_key
          FROM report r WHERE r.directive_id = p_directive AND r.unit_id = p_unit AND r.cycle = p_cycle
        RETURNING report.revision INTO v_revision;
        IF p_event THEN
          PERFORM cascade_report_event(p_directive, p_user, p_unit, p_cycle, v_revision, v_late, v_after_close,
                                       p_actor_role, p_connector);
        END IF;
        RETURN QUERY SELECT v_revision, v_late, v_after_close, v_deadline, p_values, v_parent, false, false;
      END $$`;
