import { ApplicationFailure } from '@temporalio/common';
import { DataSource } from 'typeorm';
import { appendOnce } from './append-once';
import { fencedAttempt } from './fence';
import { heartbeating } from './heartbeat';
import { DirectiveFailure, type DirectiveActivities, type ReportingPlan } from '@cascade/contracts';
import {
  cycleOfView,
  DEFAULT_LADDER,
  OPEN_ENDED_FROM,
  formOfSchedule,
  scheduleList,
  ScheduleError,
  splitCycleKey,
  type CycleView,
} from '@cascade/domain';
import {
  closeDirective,
  closeRoutingNodes,
  closeTier,
  cycleOpened,
  directiveReporting,
  escalateUnreported,
  eventRecorded,
  firstCycleAhead,
  grassrootsHubs,
  lockCalendarShared,
  lockDirectiveState,
  markOverdueHubs,
  notifyDirectiveWithdrawn,
  planCycle,
  requestRecall,
  routingIssuerTier,
  storedCycle,
  untilDatabaseClock,
  digestStream,
  rollUpIssuerAggregate,
  storeReportRoutes,
  type DirectiveReporting,
} from '@cascade/persistence';

const fail = (type: string, message: string) => ApplicationFailure.nonRetryable(message, type);

async function directiveInfo(dataSource: DataSource, directiveId: string): Promise<DirectiveReporting> {
  const directive = await directiveReporting(dataSource, directiveId);
  if (!directive) throw fail(DirectiveFailure.INVALID_STATE, `directive ${directiveId} does not exist`);
  return directive;
}

/**
 * The overdue mark at the grassroots deadline: for each hub, once it holds the hub's lock (the lock reports to it
 * hold shared while they decide whether they are late), every expected grassroots unit below it with no on-time
 * report — many hubs per statement and transaction (`markOverdueHubs`), a busy hub waited for alone. It runs only once the database's clock has passed the deadline, so a report racing the deadline either
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
  return markOverdueHubs(dataSource, directiveId, cycle, await grassrootsHubs(dataSource, directiveId));
}

/** One step of a cycle (reminder, overdue mark, escalation, a tier's close, a digest) on the whole tree. */
async function runStep(
  dataSource: DataSource,
  { directiveId, cycle, step, issuerTier: plannedTier }: Parameters<DirectiveActivities['runCycleStep']>[0],
): ReturnType<DirectiveActivities['runCycleStep']> {
  const directive = await directiveInfo(dataSource, directiveId);
  const form = directive.reporting && formOfSchedule(directive.reporting, splitCycleKey(cycle).schedule);
  if (directive.status !== 'dispatched' || !directive.reporting || !form) return { units: 0 };
  if (step.kind === 'digest') {
    const units = await digestStream(dataSource, directiveId, directive.issuerId, cycle, form);
    if (units) await rollUpIssuerAggregate(dataSource, directiveId, cycle);
    return { units };
  }
  // The stored cycle (planned now for a workflow that started before cycles were stored).
  const stored = await planCycle(dataSource, directiveId, cycle, {
    reporting: directive.reporting,
    dispatchedAt: directive.dispatchedAt?.toISOString() ?? null,
  }).catch((error: unknown) => {
    if (error instanceof ScheduleError) return null;
    throw error;
  });
  const due = stored?.deadlines[0]?.at ?? (step.kind === 'remind' ? null : step.at);
  switch (step.kind) {
    case 'remind':
      // A reminder "before the deadline" whose deadline has passed (the worker was down) is skipped, not sent.
      if (!due || (await untilDatabaseClock(dataSource, due)) === 0) return { units: 0 };
      return { units: await escalateUnreported(dataSource, directiveId, cycle, 'reminded') };
    case 'overdue':
      return { units: await markOverdue(dataSource, directiveId, cycle, due ?? step.at) };
    case 'escalate-parent':
      return { units: await escalateUnreported(dataSource, directiveId, cycle, 'parent') };
    case 'escalate-issuer':
      return { units: await escalateUnreported(dataSource, directiveId, cycle, 'issuer') };
    case 'escalate-above':
      return { units: await escalateUnreported(dataSource, directiveId, cycle, 'above') };
    case 'close': {
      const includeIssuer = step.tier >= plannedTier;
      // Each hub closes in a transaction of its own (a retry finds the closed ones closed).
      const units = await closeTier(
        dataSource,
        directiveId,
        directive.issuerId,
        step.tier,
        includeIssuer,
        cycle,
        form,
      );
      // The issuer's aggregate is its report on the directive this one implements (implementing chains).
      if (includeIssuer) await rollUpIssuerAggregate(dataSource, directiveId, cycle);
      return { units };
    }
  }
}

/** The activities of reporting cycles and of the end of a dispatched directive. */
export function createReportingActivities(
  dataSource: DataSource,
): Pick<DirectiveActivities, 'afterDispatch' | 'reportingPlan' | 'runCycleStep' | 'finishDirective'> {
  return {
    async afterDispatch({ directiveId }) {
      const directive = await directiveInfo(dataSource, directiveId);
      const reporting = directive.reporting;
      // Where reports go, resolved once: each hub's collector and the bodies its aggregate is delivered to.
      if (reporting && directive.status !== 'draft') {
        await dataSource.transaction((m) =>
          storeReportRoutes(
            m,
            directiveId,
            directive.issuerId,
            reporting.routes ?? [],
            reporting.targets ?? [],
          ),
        );
      }
      // A schedule runs when it has a form (its own or the requirement's).
      const schedules = reporting
        ? scheduleList(reporting).flatMap((_, n) => (formOfSchedule(reporting, n) ? [n] : []))
        : [];
      return {
        // Read by histories from before several schedules: the main schedule, ad hoc streams aside.
        reporting: Boolean(reporting?.form) && reporting?.schedule?.kind !== 'adhoc',
        supersedes: directive.supersedes,
        schedules,
      };
    },

    async reportingPlan({ directiveId, cycle, schedule = 0 }): Promise<ReportingPlan> {
      const directive = await directiveInfo(dataSource, directiveId);
      const tier = await routingIssuerTier(dataSource, directiveId, directive.issuerId);
      const settings = directive.reporting ? (scheduleList(directive.reporting)[schedule] ?? null) : null;
      const ladder =
        (schedule ? directive.reporting?.schedules?.[schedule - 1]?.escalation : undefined) ??
        directive.reporting?.escalation ??
        DEFAULT_LADDER;
      if (
        directive.status !== 'dispatched' ||
        !directive.reporting ||
        !settings ||
        !formOfSchedule(directive.reporting, schedule)
      )
        return { cycle: null, issuerTier: tier, ladder };
      // The cycle as stored (planned by whoever asked first, from the stored calendar; years not announced are
      // computed, so nothing waits for an announcement). The calendar is read here, never in workflow code.
      const planning = {
        reporting: directive.reporting,
        dispatchedAt: directive.dispatchedAt?.toISOString() ?? null,
      };
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
                schedule,
              );
      } catch (error) {
        if (error instanceof ScheduleError) throw fail(DirectiveFailure.INVALID_INPUT, error.message);
        throw error;
      }
      if (!view) return { cycle: null, issuerTier: tier, ladder };
      // Read again under the calendar's lock, shared, once it has opened: a reschedule that selected it just before
      // has committed by then, and none can select it after.
      const read = await dataSource.transaction(async (m) => {
        await lockCalendarShared(m);
        const opened = await cycleOpened(m, directiveId, view.index);
        return { view: (await storedCycle(m, directiveId, view.index)) ?? view, opened };
      });
      const planned = cycleOfView(read.view);
      const openEnded = planned.deadlines[0] >= OPEN_ENDED_FROM;
      const adhoc =
        settings.schedule.kind === 'adhoc'
          ? {
              digestSeconds: settings.schedule.digestSeconds,
              remindAfterSeconds: settings.schedule.remindAfterSeconds,
            }
          : undefined;
      return { cycle: planned, issuerTier: tier, ladder, opened: read.opened, openEnded, adhoc };
    },

    async runCycleStep(input) {
      // A step works on the whole tree (minutes at 10^5 units on a slow host): it heartbeats, so that a worker that
      // dies or freezes in the middle of it is replaced within the heartbeat timeout, not the start-to-close one; and
      // a retry ends the sessions a frozen earlier attempt left holding hub locks (fence.ts).
      return heartbeating(() => fencedAttempt(dataSource, (fenced) => runStep(fenced, input)));
    },

    async finishDirective({ directiveId, to, actor, reason, supersededBy, dedupeKey }) {
      await dataSource.transaction(async (m) => {
        const state = await lockDirectiveState(m, directiveId);
        if (!state) throw fail(DirectiveFailure.INVALID_STATE, `directive ${directiveId} does not exist`);
        if (await eventRecorded(m, dedupeKey)) return;
        if (state.status !== 'dispatched') {
          throw fail(DirectiveFailure.INVALID_STATE, `the directive is ${state.status}`);
        }
        await closeDirective(m, directiveId, to, reason);
        if (to === 'recalled') {
          // edXML 13: every unit that holds the directive is asked to give it back; each answers 15 or 16.
          await requestRecall(m, directiveId);
        } else {
          // Each open node gets its final status: completed (06) when it acknowledged and, for a grassroots unit,
          // every overdue cycle was eventually reported; incomplete when a cycle it was chased for is still missing.
          await closeRoutingNodes(m, directiveId);
        }
        await appendOnce(m, {
          directiveId,
          actorUserId: actor?.userId ?? null,
          actorRole: actor?.role ?? null,
          actorUnitId: actor?.unitId ?? null,
          action: to,
          reason,
          data: supersededBy ? { supersededBy } : {},
          dedupeKey,
        });
        if (to !== 'closed') await notifyDirectiveWithdrawn(m, { directiveId, to, reason, dedupeKey });
      });
    },
  };
}
