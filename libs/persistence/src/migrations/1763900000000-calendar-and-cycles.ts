import { MigrationInterface, QueryRunner } from 'typeorm';
// A relative import: migrations also run where the path aliases are not registered (the tests' global setup).
import { VN_OFFICIAL_YEARS } from '../../../domain/src/calendar/vn-official';

/**
 * The working calendar as data, and stored deadlines.
 *
 * `calendar_year` and `calendar_day` hold the days off and the weekend days worked ("làm bù") per year, each with its
 * source and the year's state (`provisional` or `official`); seeded with the announced years 2019–2026 as the
 * domain lib lists them. Years not held are computed from the Labour Code by the domain (`statutoryYear`).
 *
 * `reporting_cycle` holds every planned cycle of a directive — label, opening, data period, each tier's deadline —
 * with the state of the calendar it was computed from; the API, the dashboards and the worker read it instead of
 * recomputing. A calendar correction reschedules only cycles not yet opened.
 *
 * `cascade_file_report` now decides lateness itself: against the stored deadline of the unit's tier and the
 * database's clock once it holds the locks, so a report that commits after its deadline is late whatever time the
 * request arrived.
 */
export class CalendarAndCycles1763900000000 implements MigrationInterface {
  name = 'CalendarAndCycles1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE calendar_year (
      year int PRIMARY KEY CHECK (year BETWEEN 1990 AND 2200),
      state text NOT NULL CHECK (state IN ('provisional','official')),
      source text,
      revision int NOT NULL DEFAULT 1,
      updated_by uuid REFERENCES app_user(id),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE calendar_day (
      day date PRIMARY KEY,
      year int NOT NULL REFERENCES calendar_year(year) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('off','worked')),
      name text NOT NULL,
      source text,
      CHECK (extract(year FROM day)::int = year),
      CHECK (kind = 'off' OR extract(isodow FROM day) IN (6, 7))
    )`);
    await q.query(`CREATE INDEX calendar_day_year ON calendar_day (year)`);
    for (const y of VN_OFFICIAL_YEARS) {
      await q.query(`INSERT INTO calendar_year (year, state, source) VALUES ($1, $2, $3)`, [
        y.year,
        y.state,
        y.source,
      ]);
      const days = [
        ...y.daysOff.map((d) => ({ ...d, kind: 'off' })),
        ...y.workedDays.map((d) => ({ ...d, kind: 'worked' })),
      ];
      await q.query(
        `INSERT INTO calendar_day (day, year, kind, name, source)
         SELECT d.date::date, $1, d.kind, d.name, d.source FROM jsonb_to_recordset($2::jsonb) AS d(date text, kind text, name text, source text)`,
        [y.year, JSON.stringify(days)],
      );
    }
    await q.query(`CREATE TABLE reporting_cycle (
      directive_id uuid NOT NULL REFERENCES directive(id),
      cycle int NOT NULL CHECK (cycle >= 0),
      label text NOT NULL,
      opens_at timestamptz NOT NULL,
      period_from date,
      period_to date,
      deadlines jsonb NOT NULL,
      provisional boolean NOT NULL,
      calendar jsonb NOT NULL,
      planned_at timestamptz NOT NULL DEFAULT now(),
      rescheduled_at timestamptz,
      PRIMARY KEY (directive_id, cycle)
    )`);
    await q.query(`CREATE INDEX reporting_cycle_unopened ON reporting_cycle (opens_at)`);
    await q.query(
      `DROP FUNCTION cascade_file_report(uuid, uuid, uuid, int, jsonb, boolean, timestamptz, uuid, text, uuid, boolean, boolean)`,
    );
    await q.query(`CREATE FUNCTION cascade_file_report(
        p_id uuid, p_directive uuid, p_unit uuid, p_cycle int, p_values jsonb,
        p_user uuid, p_request_key text, p_issuer uuid, p_alone boolean, p_event boolean)
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
          PERFORM pg_advisory_xact_lock(hashtext(p_directive::text || '/' || v_parent::text), p_cycle);
        ELSE
          PERFORM pg_advisory_xact_lock_shared(hashtext(p_directive::text || '/' || v_parent::text), p_cycle);
        END IF;
        IF p_request_key IS NOT NULL THEN
          RETURN QUERY SELECT r.revision, r.late, r.after_close, r.deadline, r.values, v_parent, true, false
            FROM report r WHERE r.directive_id = p_directive AND r.unit_id = p_unit AND r.request_key = p_request_key;
          IF FOUND THEN RETURN; END IF;
        END IF;
        -- Decided once the locks are held, by the database's clock, and stored as the time of the report: the deadline
        -- step marks units after it holds the hub's lock alone, so a report is either on time and seen by it, or late.
        v_now := clock_timestamp();
        v_late := v_now >= v_deadline;
        v_after_close := EXISTS (SELECT 1 FROM aggregate_report a
                                  WHERE a.directive_id = p_directive AND a.unit_id = v_parent AND a.cycle = p_cycle);
        IF v_after_close AND NOT p_alone THEN
          RETURN QUERY SELECT NULL::int, v_late, true, v_deadline, p_values, v_parent, false, true;
          RETURN;
        END IF;
        INSERT INTO report (id, directive_id, unit_id, cycle, revision, values, late, deadline, submitted_by, submitted_at,
                            after_close, request_key)
        SELECT p_id, p_directive, p_unit, p_cycle, COALESCE(max(r.revision), 0) + 1, p_values, v_late, v_deadline, p_user,
               v_now, v_after_close, p_request_key
          FROM report r WHERE r.directive_id = p_directive AND r.unit_id = p_unit AND r.cycle = p_cycle
        RETURNING report.revision INTO v_revision;
        IF p_event THEN
          PERFORM cascade_report_event(p_directive, p_user, p_unit, p_cycle, v_revision, v_late, v_after_close);
        END IF;
        RETURN QUERY SELECT v_revision, v_late, v_after_close, v_deadline, p_values, v_parent, false, false;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP FUNCTION cascade_file_report(uuid, uuid, uuid, int, jsonb, uuid, text, uuid, boolean, boolean)`,
    );
    await q.query(`DROP TABLE reporting_cycle`);
    await q.query(`DROP TABLE calendar_day`);
    await q.query(`DROP TABLE calendar_year`);
    // The previous cascade_file_report comes back by running ReportIngest1763880000000's up again.
    const { ReportIngest1763880000000 } = await import('./1763880000000-report-ingest');
    await q.query(
      `DROP FUNCTION IF EXISTS cascade_report_event(uuid, uuid, uuid, int, int, boolean, boolean)`,
    );
    await new ReportIngest1763880000000().up(q);
  }
}
