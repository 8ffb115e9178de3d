/**
 * Fault 9: a worker killed (SIGKILL) inside a cycle's step. When fault 7 has frozen the worker inside cycle 1's
 * overdue step, the suite also takes the lock of the last grassroots hub that step goes through, so that the worker
 * which takes the step over stops inside it, at that hub. The fault aims when Temporal shows `runCycleStep` started
 * on a worker (the reporting run's pending activity, with the worker's identity) and a worker's session waits for the
 * hub's lock in PostgreSQL; it kills that very worker, starts another and lets the lock go. It is recovered when the
 * step's activity completes; the history must then show that it completed on another worker, on a later attempt,
 * after a heartbeat timeout — within a bound (25 s) that the 5-minute start-to-close timeout, or a 30 s heartbeat
 * timeout, would overshoot.
 */
import { ChildProcess } from 'node:child_process';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { reportingStateQuery, reportingWorkflowId } from '@cascade/contracts';
import { createDataSource, lockHub } from '@cascade/persistence';
import { identityOf } from './deploy';

/** Fault 9's bound: the 10 s heartbeat timeout, the retry's 1 s and the rest of the step, with room for a loaded host. */
export const STEP_KILL_BOUND_MS = 25_000;
/**
 * Fault 7's bound, from the freeze to the overdue marks written by another worker: the heartbeat timeout, the retry
 * and the frozen attempt's session ended (fence.ts). A retry handed to the frozen worker (a second heartbeat timeout)
 * or a lock left to PostgreSQL's 30 s idle-in-transaction timeout would overshoot it.
 */
export const STEP_FREEZE_BOUND_MS = 25_000;
/**
 * The dev server's frontend pings a client silent for 2 s and closes its connection 2 s later without an answer: a
 * frozen worker's long polls end with it, instead of after the minute of a long poll, and no task is handed to them
 * (test/faults/cluster.ts sets the same on the cluster, through infra/bin/temporal-server.sh).
 */
export const FRONTEND_KEEPALIVE = ['frontend.keepAliveTime="2s"', 'frontend.keepAliveTimeout="2s"'];
const { PendingActivityState, TimeoutType } = temporal.api.enums.v1;

/** A hub's lock held from the suite's own session until released (never ended as idle: it waits on purpose). */
export async function holdHub(databaseUrl: string, directiveId: string, hub: string, cycle: number) {
  const db = createDataSource({ url: databaseUrl, poolSize: 1, applicationName: 'cascade-faults' });
  await db.initialize();
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const holder = db.transaction(async (m) => {
    await m.query(`SET LOCAL idle_in_transaction_session_timeout = 0`);
    await lockHub(m, directiveId, hub, cycle);
    locked();
    await held;
  });
  await Promise.race([isLocked, holder]);
  return {
    async release() {
      release();
      await holder;
      await db.destroy();
    },
  };
}

interface Worker {
  name: string;
  child: ChildProcess;
}

export interface StepKillContext {
  client: Client;
  directiveId: string;
  hold: { release(): Promise<void> };
  workers: Worker[];
  startWorker: (name: string) => Promise<Worker>;
  query: <T>(sql: string, params?: unknown[]) => Promise<T[]>;
  say: (m: string) => void;
  until: <T>(what: string, probe: () => Promise<T | false | undefined | null>, ms?: number) => Promise<T>;
}

export async function killInsideStep(ctx: StepKillContext) {
  const checks: [boolean, string][] = [];
  const handle = ctx.client.workflow.getHandle(reportingWorkflowId(ctx.directiveId));
  const { runId } = await handle.describe();
  const run = ctx.client.workflow.getHandle(reportingWorkflowId(ctx.directiveId), runId);
  // aim: the step started on a worker (Temporal) and a worker's session waiting for the held lock (PostgreSQL)
  const aimed = await ctx
    .until(
      'a cycle step started on a worker and waiting for the held hub lock',
      async () => {
        const pending = (await run.describe()).raw.pendingActivities ?? [];
        const step = pending.find(
          (a) =>
            a.activityType?.name === 'runCycleStep' &&
            a.state === PendingActivityState.PENDING_ACTIVITY_STATE_STARTED &&
            a.lastWorkerIdentity,
        );
        if (!step) return null;
        const waiting = await ctx.query(
          `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%pg_advisory_xact_lock%'
              AND application_name LIKE 'cascade-step %' AND pid <> pg_backend_pid()`,
        );
        return waiting.length > 0 ? step : null;
      },
      60_000,
    )
    .catch(() => null);
  if (!aimed) {
    checks.push([false, 'fault 9: a cycle step was seen running and waiting for the held hub lock']);
    await ctx.hold.release();
    return { checks };
  }
  const victim = ctx.workers.find(
    (w) => w.child.exitCode === null && identityOf(w.child.pid) === aimed.lastWorkerIdentity,
  );
  const live = await run.query(reportingStateQuery).catch(() => undefined);
  const kind = live?.steps[live.done]?.kind ?? 'unknown';
  checks.push([
    !!victim,
    `fault 9 hit a step in flight: runCycleStep (${kind}, attempt ${aimed.attempt}) started on ${aimed.lastWorkerIdentity} (${victim?.name ?? 'no worker of the run'}), a worker's session waiting for the held hub lock`,
  ]);
  if (!victim) {
    await ctx.hold.release();
    return { checks };
  }
  const exited = new Promise((r) => victim.child.once('exit', r));
  victim.child.kill('SIGKILL');
  await exited;
  const killedAt = Date.now();
  ctx.say(
    `9. ${victim.name} killed (SIGKILL) inside cycle 1's ${kind} step (runCycleStep attempt ${aimed.attempt}); a new worker started, the lock released`,
  );
  const replacement = await ctx.startWorker(`${victim.name}-next`);
  await ctx.hold.release();
  const done = async () =>
    !((await run.describe()).raw.pendingActivities ?? []).some((a) => a.activityId === aimed.activityId);
  const inTime = await ctx.until('the step completed by another worker', done, STEP_KILL_BOUND_MS).then(
    () => true,
    () => false,
  );
  const recoverySeconds = (Date.now() - killedAt) / 1000;
  if (!inTime) await ctx.until('the step completed at all', done, 300_000);
  checks.push([
    inTime,
    `fault 9: the step completed within ${STEP_KILL_BOUND_MS / 1000} s of the kill (${recoverySeconds.toFixed(1)} s)`,
  ]);
  // the history: the step's last attempt ran on another worker, after the killed one's heartbeats stopped
  const events = (await run.fetchHistory()).events ?? [];
  const scheduled = events.find(
    (e) => e.activityTaskScheduledEventAttributes?.activityId === aimed.activityId,
  );
  const started = events.find(
    (e) =>
      scheduled &&
      String(e.activityTaskStartedEventAttributes?.scheduledEventId ?? '') === String(scheduled.eventId),
  )?.activityTaskStartedEventAttributes;
  const completed = events.some(
    (e) =>
      scheduled &&
      String(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? '') === String(scheduled.eventId),
  );
  const timeout = started?.lastFailure?.timeoutFailureInfo?.timeoutType;
  checks.push([
    completed &&
      !!started &&
      (started.attempt ?? 0) > (aimed.attempt ?? 1) &&
      started.identity !== aimed.lastWorkerIdentity &&
      timeout === TimeoutType.TIMEOUT_TYPE_HEARTBEAT,
    `fault 9: the step resumed on another worker after a heartbeat timeout (completed ${completed}, attempt ${started?.attempt} on ${started?.identity}, previous failure ${timeout === undefined || timeout === null ? 'none' : TimeoutType[timeout]})`,
  ]);
  return {
    checks,
    replacement,
    recovery: {
      fault: 'worker SIGKILL inside a step',
      recoverySeconds,
      measure: `kill inside the ${kind} step → the step completed by another worker`,
    },
  };
}
