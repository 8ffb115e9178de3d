import { ApplicationFailure } from '@temporalio/common';
import { DataSource, EntityManager } from 'typeorm';
import { DirectiveFailure, type DirectiveActivities, type ReportingPlan } from '@cascade/contracts';
import {
  cycleOfView,
  DEFAULT_LADDER,
  ScheduleError,
  type CycleView,
  type EscalationLadder,
  type NonWorkingDayPolicy,
  type ReportForm,
  type Schedule,
} from '@cascade/domain';
import { closeTier, firstCycleAhead, lockHub, planCycle, storedCycle } from '@cascade/persistence';

const fail = (type: string, message: string) => ApplicationFailure.nonRetryable(message, type);

interface Reporting {
  schedule: Schedule;
  form?: ReportForm;
  policy?: NonWorkingDayPolicy;
  stagger?: number[];
  escalation?: EscalationLadder;
}

interface DirectiveInfo {
  status: string;
  issuer_id: string;
  reporting: Reporting | null;
  supersedes: string | null;
  dispatched_at: Date | null;
}

async function directiveInfo(m: EntityManager | DataSource, directiveId: string): Promise<DirectiveInfo> {
  const rows: DirectiveInfo[] = await m.query(
    `SELECT status, issuer_id, content->'reporting' AS reporting, content->>'supersedes' AS supersedes, dispatched_at
       FROM directive WHERE id = $1`,
    [directiveId],
  );
  if (!rows.length) throw fail(DirectiveFailure.INVALID_STATE, `directive ${directiveId} does not exist`);
  return rows[0];
}

/** The height of the routing tree: one more than the highest tier right below the issuer. */
async function issuerTier(m: EntityManager | DataSource, directiveId: string, issuerId: string) {
  const rows: { tier: number }[] = await m.query(
    `SELECT COALESCE(max(tier) + 1, 1)::int AS tier FROM routing_node WHERE directive_id = $1 AND parent_unit_id = $2`,
    [directiveId, issuerId],
  );
  return rows[0].tier;
}

type Level = 'reminded' | 'overdue' | 'parent' | 'issuer';

const LEVEL_ACTION: Record<Level, string> = {
  reminded: 'report.reminded',
  overdue: 'report.overdue',
  parent: 'escalated.parent',
  issuer: 'escalated.issuer',
};

/**
 * One rung of the ladder for every grassroots unit that has not reported the cycle, in one statement whatever the
 * number of units: the escalation row (its primary key makes a retry harmless), an event per unit, and an e-mail per
 * recipient — the unit's clerks and leaders for a reminder or the overdue mark, the routing parent's leaders, then
 * the issuer's leaders.
 */
async function escalate(
  dataSource: DataSource | EntityManager,
  directiveId: string,
  cycle: number,
  level: Level,
  hubUnitId: string | null = null,
) {
  const recipients =
    level === 'parent'
      ? `SELECT l.unit_id, ms.user_id FROM late l JOIN membership ms ON ms.unit_id = l.parent_unit_id AND ms.role = 'leader'`
      : level === 'issuer'
        ? `SELECT l.unit_id, ms.user_id FROM late l JOIN membership ms ON ms.unit_id = (SELECT issuer_id FROM d) AND ms.role = 'leader'`
        : `SELECT l.unit_id, ms.user_id FROM late l JOIN membership ms ON ms.unit_id = l.unit_id AND ms.role IN ('clerk','specialist','leader')`;
  const subject: Record<Level, string> = {
    reminded: 'Nhắc báo cáo',
    overdue: 'Quá hạn báo cáo',
    parent: 'Đôn đốc đơn vị chậm báo cáo',
    issuer: 'Báo cáo chậm: chuyển cơ quan ban hành',
  };
  const rows: { n: number }[] = await dataSource.query(
    `WITH d AS (SELECT id, issuer_id, symbol, content FROM directive WHERE id = $1),
          late AS (
            SELECT r.unit_id, r.parent_unit_id FROM routing_node r
             WHERE r.directive_id = $1 AND NOT r.is_hub AND r.status <> 'returned' AND r.recall_status IS NULL
               AND ($6::uuid IS NULL OR COALESCE(r.parent_unit_id, (SELECT issuer_id FROM d)) = $6::uuid)
               AND NOT EXISTS (SELECT 1 FROM report p WHERE p.directive_id = $1 AND p.unit_id = r.unit_id AND p.cycle = $2
                                  AND (p.late = false OR $3 <> 'overdue'))
          ),
          rung AS (
            INSERT INTO escalation (directive_id, cycle, unit_id, level) SELECT $1, $2, unit_id, $3 FROM late
            ON CONFLICT DO NOTHING RETURNING unit_id
          ),
          events AS (
            INSERT INTO directive_event (directive_id, actor_unit_id, action, data, dedupe_key)
            SELECT $1, unit_id, $4, jsonb_build_object('unitId', unit_id, 'cycle', $2::int, 'level', $3::text),
                   'escalation/' || $1 || '/' || $2 || '/' || unit_id || '/' || $3
              FROM rung
            ON CONFLICT (dedupe_key) DO NOTHING
          ),
          mails AS (
            INSERT INTO notification_outbox (directive_id, kind, recipient_user_id, recipient_email, subject, body, dedupe_key)
            SELECT d.id, 'report.' || $3, u.id, u.email,
                   $5 || ' kỳ ' || ($2::int + 1) || ': ' || coalesce(d.symbol, '') || ' ' || (d.content->>'subject'),
                   'Kính gửi ' || u.name || E',\\n\\n' || lu.name || ' chưa gửi báo cáo kỳ ' || ($2::int + 1) ||
                   ' theo văn bản ' || coalesce(d.symbol, '') || ' "' || (d.content->>'subject') || E'".\\n\\nCascade',
                   'escalation/' || $1 || '/' || $2 || '/' || x.unit_id || '/' || $3 || ':' || u.id
              FROM (${recipients}) x
              JOIN rung ON rung.unit_id = x.unit_id
              JOIN app_user u ON u.id = x.user_id AND u.active
              JOIN unit lu ON lu.id = x.unit_id, d
            ON CONFLICT (dedupe_key) DO NOTHING
          )
     SELECT count(*)::int AS n FROM rung`,
    [directiveId, cycle, level, LEVEL_ACTION[level], subject[level], hubUnitId],
  );
  return rows[0].n;
}

/** Milliseconds until the database's clock reaches an instant (0 once it has). */
async function untilDatabaseClock(dataSource: DataSource, at: string): Promise<number> {
  const rows: { ms: number }[] = await dataSource.query(
    `SELECT GREATEST(0, ceil(extract(epoch FROM ($1::timestamptz - clock_timestamp())) * 1000))::float8 AS ms`,
    [at],
  );
  return Number(rows[0].ms);
}

/**
 * The overdue mark at the grassroots deadline: hub by hub, once it holds the hub's lock (the lock reports to it
 * hold shared while they decide whether they are late), every expected grassroots unit below it with no on-time
 * report. It runs only once the database's clock has passed the deadline, so a report racing the deadline either
 * committed on time before the lock was granted (and is seen) or decides after it that it is late: never both
 * marked and on time, never neither. A unit that reported late while the worker was down is marked all the same.
 */
async function markOverdue(dataSource: DataSource, directiveId: string, cycle: number, deadline: string) {
  // A clock a little behind the worker's is waited for here; a deadline further ahead (a workflow that planned
  // its timers before the cycle was stored) fails the attempt, which is retried until the deadline has come.
  let wait = await untilDatabaseClock(dataSource, deadline);
  if (wait > 30_000) {
    throw ApplicationFailure.retryable(
      `the deadline ${deadline} is ${Math.round(wait / 1000)} s ahead by the database's clock`,
      'DEADLINE_NOT_REACHED',
    );
  }
  while (wait > 0) {
    await new Promise((r) => setTimeout(r, wait));
    wait = await untilDatabaseClock(dataSource, deadline);
  }
  const hubs: { hub: string }[] = await dataSource.query(
    `SELECT DISTINCT COALESCE(r.parent_unit_id, d.issuer_id)::text AS hub
       FROM routing_node r JOIN directive d ON d.id = r.directive_id
      WHERE r.directive_id = $1 AND NOT r.is_hub
      ORDER BY 1`,
    [directiveId],
  );
  let units = 0;
  for (const { hub } of hubs) {
    units += await dataSource.transaction(async (m) => {
      await lockHub(m, directiveId, hub, cycle);
      return escalate(m, directiveId, cycle, 'overdue', hub);
    });
  }
  return units;
}

/** The activities of reporting cycles and of the end of a dispatched directive. */
export function createReportingActivities(
  dataSource: DataSource,
): Pick<DirectiveActivities, 'afterDispatch' | 'reportingPlan' | 'runCycleStep' | 'finishDirective'> {
  return {
    async afterDispatch({ directiveId }) {
      const d = await directiveInfo(dataSource, directiveId);
      return {
        reporting: Boolean(d.reporting?.form) && d.reporting?.schedule?.kind !== 'adhoc',
        supersedes: d.supersedes,
      };
    },

    async reportingPlan({ directiveId, cycle }): Promise<ReportingPlan> {
      const d = await directiveInfo(dataSource, directiveId);
      const tier = await issuerTier(dataSource, directiveId, d.issuer_id);
      const ladder = d.reporting?.escalation ?? DEFAULT_LADDER;
      if (d.status !== 'dispatched' || !d.reporting?.form) return { cycle: null, issuerTier: tier, ladder };
      // The cycle as stored (planned by whoever asked first, from the stored calendar; years not announced are
      // computed, so nothing waits for an announcement). The calendar is read here, never in workflow code.
      const planning = { reporting: d.reporting, dispatchedAt: d.dispatched_at?.toISOString() ?? null };
      let view: CycleView | null;
      try {
        view =
          cycle !== null
            ? await planCycle(dataSource, directiveId, cycle, planning)
            : // The first cycle whose grassroots deadline is after the dispatch (a directive dispatched in May starts
              // with May), not after now: a worker that was down since then still runs the steps it missed.
              await firstCycleAhead(
                dataSource,
                directiveId,
                planning,
                planning.dispatchedAt ?? new Date().toISOString(),
              );
      } catch (error) {
        if (error instanceof ScheduleError) throw fail(DirectiveFailure.INVALID_INPUT, error.message);
        throw error;
      }
      if (!view) return { cycle: null, issuerTier: tier, ladder };
      // Read again under the calendar's lock, shared, once it has opened: a reschedule that selected it just before
      // has committed by then, and none can select it after.
      const read = await dataSource.transaction(async (m) => {
        await m.query(`SELECT pg_advisory_xact_lock_shared(hashtext('cascade/calendar'))`);
        const rows: { opened: boolean }[] = await m.query(
          `SELECT opens_at <= clock_timestamp() AS opened FROM reporting_cycle WHERE directive_id = $1 AND cycle = $2`,
          [directiveId, view.index],
        );
        return {
          view: (await storedCycle(m, directiveId, view.index)) ?? view,
          opened: rows[0]?.opened ?? false,
        };
      });
      return { cycle: cycleOfView(read.view), issuerTier: tier, ladder, opened: read.opened };
    },

    async runCycleStep({ directiveId, cycle, step, issuerTier: plannedTier }) {
      const d = await directiveInfo(dataSource, directiveId);
      if (d.status !== 'dispatched' || !d.reporting?.form) return { units: 0 };
      // The stored cycle (planned now for a workflow that started before cycles were stored).
      const stored = await planCycle(dataSource, directiveId, cycle, {
        reporting: d.reporting,
        dispatchedAt: d.dispatched_at?.toISOString() ?? null,
      }).catch((error: unknown) => {
        if (error instanceof ScheduleError) return null;
        throw error;
      });
      const due = stored?.deadlines[0]?.at ?? (step.kind === 'remind' ? null : step.at);
      switch (step.kind) {
        case 'remind':
          // A reminder "before the deadline" whose deadline has passed (the worker was down) is skipped, not sent.
          if (!due || (await untilDatabaseClock(dataSource, due)) === 0) return { units: 0 };
          return { units: await escalate(dataSource, directiveId, cycle, 'reminded') };
        case 'overdue':
          return { units: await markOverdue(dataSource, directiveId, cycle, due ?? step.at) };
        case 'escalate-parent':
          return { units: await escalate(dataSource, directiveId, cycle, 'parent') };
        case 'escalate-issuer':
          return { units: await escalate(dataSource, directiveId, cycle, 'issuer') };
        case 'close': {
          const form = d.reporting.form;
          const units = await dataSource.transaction((m) =>
            closeTier(m, directiveId, d.issuer_id, step.tier, step.tier >= plannedTier, cycle, form),
          );
          return { units };
        }
      }
    },

    async finishDirective({ directiveId, to, actor, reason, supersededBy, dedupeKey }) {
      await dataSource.transaction(async (m) => {
        const rows: { status: string }[] = await m.query(
          `SELECT status FROM directive WHERE id = $1 FOR UPDATE`,
          [directiveId],
        );
        if (!rows.length)
          throw fail(DirectiveFailure.INVALID_STATE, `directive ${directiveId} does not exist`);
        const done: unknown[] = await m.query(`SELECT 1 FROM directive_event WHERE dedupe_key = $1`, [
          dedupeKey,
        ]);
        if (done.length) return;
        if (rows[0].status !== 'dispatched') {
          throw fail(DirectiveFailure.INVALID_STATE, `the directive is ${rows[0].status}`);
        }
        await m.query(
          `UPDATE directive SET status = $2, closed_at = now(), close_reason = $3, updated_at = now() WHERE id = $1`,
          [directiveId, to, reason],
        );
        if (to === 'recalled') {
          // edXML 13: every unit that holds the directive is asked to give it back; each answers 15 or 16.
          await m.query(
            `UPDATE routing_node SET recall_status = 'requested', status_code = '13', closed_at = now(), version = version + 1
              WHERE directive_id = $1 AND status <> 'returned'`,
            [directiveId],
          );
        } else {
          // Each open node gets its final status: completed (06) when it acknowledged and, for a grassroots unit,
          // every overdue cycle was eventually reported; incomplete when a cycle it was chased for is still missing.
          await m.query(
            `UPDATE routing_node r SET closed_at = now(), version = version + 1,
                    final_status = CASE
                      WHEN r.status = 'returned' THEN 'returned'
                      WHEN r.status IN ('pending','delivered') THEN 'unacknowledged'
                      WHEN NOT r.is_hub AND EXISTS (
                        SELECT 1 FROM escalation e WHERE e.directive_id = r.directive_id AND e.unit_id = r.unit_id
                           AND e.level = 'overdue'
                           AND NOT EXISTS (SELECT 1 FROM report p WHERE p.directive_id = r.directive_id
                                              AND p.unit_id = r.unit_id AND p.cycle = e.cycle)) THEN 'incomplete'
                      ELSE 'completed' END
              WHERE r.directive_id = $1 AND r.closed_at IS NULL`,
            [directiveId],
          );
          await m.query(
            `UPDATE routing_node SET status_code = CASE WHEN final_status = 'completed' THEN '06' ELSE status_code END
              WHERE directive_id = $1 AND final_status IS NOT NULL`,
            [directiveId],
          );
        }
        await m.query(
          `INSERT INTO directive_event (directive_id, actor_user_id, actor_role, actor_unit_id, action, reason, data, dedupe_key)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
          [
            directiveId,
            actor?.userId ?? null,
            actor?.role ?? null,
            actor?.unitId ?? null,
            to,
            reason,
            JSON.stringify(supersededBy ? { supersededBy } : {}),
            dedupeKey,
          ],
        );
        if (to !== 'closed') {
          await m.query(
            `INSERT INTO notification_outbox (directive_id, kind, recipient_user_id, recipient_email, subject, body, dedupe_key)
             SELECT d.id, 'directive.' || $2, u.id, u.email,
                    CASE WHEN $2 = 'recalled' THEN 'Thu hồi văn bản: ' ELSE 'Văn bản đã được thay thế: ' END ||
                      coalesce(d.symbol, '') || ' ' || (d.content->>'subject'),
                    'Kính gửi ' || u.name || E',\\n\\nVăn bản ' || coalesce(d.symbol, '') || ' "' || (d.content->>'subject') || '" ' ||
                      CASE WHEN $2 = 'recalled' THEN 'đã được cơ quan ban hành thu hồi' ELSE 'đã được thay thế bằng văn bản mới' END ||
                      coalesce(' (' || $3 || ')', '') || E'.\\n\\nCascade',
                    $4 || ':' || r.unit_id || ':' || u.id
               FROM routing_node r
               JOIN directive d ON d.id = r.directive_id
               JOIN membership ms ON ms.unit_id = r.unit_id AND ms.role = 'clerk'
               JOIN app_user u ON u.id = ms.user_id AND u.active
              WHERE r.directive_id = $1 AND r.status <> 'returned'
             ON CONFLICT (dedupe_key) DO NOTHING`,
            [directiveId, to, reason, dedupeKey],
          );
        }
      });
    },
  };
}
