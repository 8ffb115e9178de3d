import { hubLockKey } from './locks';

const HUB_LOCK = hubLockKey('p_directive::text', 'h.parent::text', 'h.cycle');

/**
 * Batched report ingest: `cascade_file_reports` files many units' reports of one directive in one call, set-based
 * (a handful of statements whatever the number of items), with the semantics of `cascade_file_report` for each item
 * taken shared: it locks the items' routing nodes (in unit order, so that two batches cannot deadlock), then the
 * lock of each routing parent's aggregation shared (lowest tier first, as the closings and revisions take them
 * bottom-up), then, in one statement, answers each item whose key filed a report before (`duplicate`, or
 * `key-reused` when that key filed another cycle or other values), and inserts the others with their events —
 * late by the database's clock once the locks are held, after-close when the parent's aggregation has closed, which
 * then marks the parent pending (`aggregate_pending`, one fold per report) for the periodic pass to revise. Items
 * for units the directive was not routed to answer `not-routed`, cycles not planned `not-planned`; nothing of them
 * is written. One statement per item set: an item is filed whole or not at all.
 *
 * Several items of one unit and cycle (under different keys) become consecutive revisions, in the items' order.
 *
 * Every row of an item is looked up by key in a lateral subquery with LIMIT 1, never joined: a directive the
 * statistics did not know yet (estimated at a row) had the joins read its whole routing tree for each of them
 * (bench S0, the second 10^5 round: on-time batches 39 s against 12 s, the statement spilling a hash to disk;
 * test/integration/routing-plans.e2e-spec.ts counts the rows read).
 */
export const CASCADE_FILE_REPORTS = `CREATE OR REPLACE FUNCTION cascade_file_reports(
        p_directive uuid, p_issuer uuid, p_user uuid,
        p_ids uuid[], p_units uuid[], p_cycles int[], p_values jsonb[], p_keys text[])
      RETURNS TABLE (ord int, outcome text, revision int, late boolean, after_close boolean, deadline timestamptz,
                     "values" jsonb, parent_unit_id uuid)
      LANGUAGE plpgsql AS $$
      DECLARE
        h record;
        v_now timestamptz;
      BEGIN
        -- locked one by one in unit order (the PK's range of the directive, filtered, was its whole tree)
        PERFORM 1 FROM (SELECT DISTINCT u.unit FROM unnest(p_units) AS u(unit) ORDER BY u.unit) i
          CROSS JOIN LATERAL (SELECT 1 FROM routing_node rn WHERE rn.directive_id = p_directive AND rn.unit_id = i.unit
                                 FOR UPDATE) l;
        FOR h IN SELECT DISTINCT COALESCE(rn.parent_unit_id, p_issuer) AS parent, i.cycle,
                        COALESCE(pn.tier, 2147483647) AS tier
                   FROM unnest(p_units, p_cycles) AS i(unit, cycle)
                   CROSS JOIN LATERAL (SELECT r.parent_unit_id FROM routing_node r
                                        WHERE r.directive_id = p_directive AND r.unit_id = i.unit LIMIT 1) rn
                   LEFT JOIN LATERAL (SELECT r.tier FROM routing_node r
                                       WHERE r.directive_id = p_directive AND r.unit_id = rn.parent_unit_id LIMIT 1) pn
                     ON true
                  ORDER BY 3, 1, 2 LOOP
          PERFORM pg_advisory_xact_lock_shared(${HUB_LOCK});
        END LOOP;
        v_now := clock_timestamp();
        RETURN QUERY
        WITH items AS (
          SELECT i.n::int AS n, i.id, i.unit, i.cycle, i.vals, i.key
            FROM unnest(p_ids, p_units, p_cycles, p_values, p_keys) WITH ORDINALITY AS i(id, unit, cycle, vals, key, n)
        ), ctx AS (
          SELECT it.*, COALESCE(rn.parent_unit_id, p_issuer) AS parent, rn.unit_id IS NOT NULL AS routed,
                 (c.deadlines -> LEAST(rn.tier, jsonb_array_length(c.deadlines) - 1) ->> 'at')::timestamptz AS due,
                 prev.cycle AS prev_cycle, prev.values AS prev_values, prev.revision AS prev_revision,
                 prev.late AS prev_late, prev.after_close AS prev_after_close, prev.deadline AS prev_deadline,
                 EXISTS (SELECT 1 FROM aggregate_report a WHERE a.directive_id = p_directive
                            AND a.unit_id = COALESCE(rn.parent_unit_id, p_issuer) AND a.cycle = it.cycle) AS closed
            FROM items it
            LEFT JOIN LATERAL (SELECT r.unit_id, r.parent_unit_id, r.tier FROM routing_node r
                                WHERE r.directive_id = p_directive AND r.unit_id = it.unit LIMIT 1) rn ON true
            LEFT JOIN reporting_cycle c ON c.directive_id = p_directive AND c.cycle = it.cycle
            LEFT JOIN LATERAL (SELECT p.cycle, p.values, p.revision, p.late, p.after_close, p.deadline FROM report p
                                WHERE it.key IS NOT NULL AND p.directive_id = p_directive AND p.unit_id = it.unit
                                  AND p.request_key = it.key LIMIT 1) prev ON true
        ), fresh AS (
          SELECT x.*,
                 COALESCE((SELECT max(r.revision) FROM report r
                            WHERE r.directive_id = p_directive AND r.unit_id = x.unit AND r.cycle = x.cycle), 0)
                   + row_number() OVER (PARTITION BY x.unit, x.cycle ORDER BY x.n) AS next_revision
            FROM ctx x WHERE x.routed AND x.due IS NOT NULL AND x.prev_revision IS NULL
        ), inserted AS (
          INSERT INTO report (id, directive_id, unit_id, cycle, revision, values, late, deadline, submitted_by,
                              submitted_at, after_close, request_key)
          SELECT f.id, p_directive, f.unit, f.cycle, f.next_revision, f.vals, v_now >= f.due, f.due, p_user, v_now,
                 f.closed, f.key
            FROM fresh f
          RETURNING report.id
        ), pending AS (
          INSERT INTO aggregate_pending (directive_id, unit_id, cycle, folds)
          SELECT p_directive, f.parent, f.cycle, count(*) FROM fresh f WHERE f.closed GROUP BY f.parent, f.cycle
          ON CONFLICT (directive_id, unit_id, cycle) DO UPDATE SET folds = aggregate_pending.folds + EXCLUDED.folds
        ), events AS (
          INSERT INTO directive_event (directive_id, actor_user_id, actor_unit_id, action, data)
          SELECT p_directive, p_user, f.unit,
                 CASE WHEN f.closed THEN 'report.late-revision' ELSE 'report.submitted' END,
                 jsonb_build_object('cycle', f.cycle, 'revision', f.next_revision, 'late', v_now >= f.due,
                                    'afterClose', f.closed)
            FROM fresh f ORDER BY f.n
        )
        SELECT x.n,
               CASE WHEN NOT x.routed THEN 'not-routed'
                    WHEN x.prev_revision IS NOT NULL AND (x.prev_cycle <> x.cycle OR x.prev_values <> x.vals)
                      THEN 'key-reused'
                    WHEN x.prev_revision IS NOT NULL THEN 'duplicate'
                    WHEN x.due IS NULL THEN 'not-planned'
                    ELSE 'filed' END,
               COALESCE(x.prev_revision, f.next_revision::int),
               CASE WHEN x.prev_revision IS NOT NULL THEN x.prev_late ELSE v_now >= x.due END,
               CASE WHEN x.prev_revision IS NOT NULL THEN x.prev_after_close ELSE x.closed END,
               COALESCE(x.prev_deadline, x.due),
               COALESCE(x.prev_values, x.vals),
               x.parent
          FROM ctx x LEFT JOIN fresh f ON f.n = x.n
         ORDER BY x.n;
      END $$`;
