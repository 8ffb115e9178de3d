/**
 * Fault 1's aftermath: what its recovery waited on. The worker is killed while it dispatches, so whatever it held —
 * a started `deliverBatch`, a started workflow task, a task on its sticky queue — stays with it until Temporal times
 * it out. The dispatch's histories say which timeout each of those waited out and for how long; the suite prints
 * them, and fails fault 1 if a task waited past TASK_WAIT_BOUND_S or the recovery took past FAULT1_BOUND_MS, bounds
 * that a `deliverBatch` left to its 60 s start-to-close timeout (the ~66 s recoveries seen before the dispatch
 * heartbeated) overshoots.
 */
import { temporal } from '@temporalio/proto';
import type { WorkflowRun } from '@cascade/temporal';

/**
 * Kill → every unit delivered. Typically 15–21 s since the dispatch heartbeats (a 10 s heartbeat or workflow task
 * timeout, the new worker's start, the deliveries), 47 s once on a loaded host; a delivery left to its 60 s
 * start-to-close timeout takes 61 s before its retry even starts.
 */
export const FAULT1_BOUND_MS = 55_000;
/** No task of the dispatch may wait longer than this for its timeout and retry (10 s timeouts; 60 s would fail). */
export const TASK_WAIT_BOUND_S = 20;

const { TimeoutType } = temporal.api.enums.v1;
const ms = (t: temporal.api.history.v1.IHistoryEvent['eventTime']) =>
  Number(t?.seconds ?? 0) * 1000 + Math.round((t?.nanos ?? 0) / 1e6);

export interface TimedOut {
  workflowId: string;
  /** the activity's type, or 'workflow task' */
  task: string;
  timeout: string;
  /** from the task's start (or, never started or retried, its scheduling) to its time-out (or its retry's start) */
  seconds: number;
  /** when the task started (or was scheduled), epoch ms, and the identity of the worker that started it, if known */
  startedAt: number;
  identity: string;
}

/** Every activity and workflow task of the given runs that timed out, with the timeout it waited out. */
export function timeoutsOf(runs: WorkflowRun[]): TimedOut[] {
  const out: TimedOut[] = [];
  for (const run of runs) {
    const events = run.history.events ?? [];
    const byId = new Map(events.map((e) => [Number(e.eventId), e]));
    for (const e of events) {
      // a timed-out attempt that was retried leaves no event of its own: the next attempt's start names it
      const retry = e.activityTaskStartedEventAttributes;
      const lastTimeout = retry?.lastFailure?.timeoutFailureInfo?.timeoutType;
      if (retry && Number(retry.attempt) > 1 && lastTimeout) {
        const scheduled = byId.get(Number(retry.scheduledEventId));
        out.push({
          workflowId: run.workflowId,
          task: `${scheduled?.activityTaskScheduledEventAttributes?.activityType?.name ?? 'activity'} (retried)`,
          timeout: TimeoutType[lastTimeout]?.replace('TIMEOUT_TYPE_', '') ?? String(lastTimeout),
          seconds: (ms(e.eventTime) - ms(scheduled?.eventTime)) / 1000,
          startedAt: ms(scheduled?.eventTime),
          identity: '',
        });
      }
      const activity = e.activityTaskTimedOutEventAttributes;
      const task = e.workflowTaskTimedOutEventAttributes;
      if (!activity && !task) continue;
      const from =
        byId.get(Number((activity ?? task)!.startedEventId)) ??
        byId.get(Number((activity ?? task)!.scheduledEventId));
      const type = activity ? activity.failure?.timeoutFailureInfo?.timeoutType : task!.timeoutType;
      out.push({
        workflowId: run.workflowId,
        task: activity
          ? (byId.get(Number(activity.scheduledEventId))?.activityTaskScheduledEventAttributes?.activityType
              ?.name ?? 'activity')
          : 'workflow task',
        timeout: TimeoutType[type ?? 0]?.replace('TIMEOUT_TYPE_', '') ?? String(type),
        seconds: (ms(e.eventTime) - ms(from?.eventTime)) / 1000,
        startedAt: ms(from?.eventTime),
        identity:
          from?.activityTaskStartedEventAttributes?.identity ??
          from?.workflowTaskStartedEventAttributes?.identity ??
          '',
      });
    }
  }
  return out;
}

/**
 * One line for the log: "deliverBatch START_TO_CLOSE after 60.0 s, started 0.4 s after the kill by 123@host; …";
 * with `killedAt`, each task says when it started relative to the kill (after it: handed to the killed worker's
 * poll, which Temporal still took for live).
 */
export function describeTimeouts(timeouts: TimedOut[], killedAt?: number): string {
  if (!timeouts.length) return 'nothing timed out';
  const groups = new Map<string, number[]>();
  for (const t of timeouts) {
    const offset = killedAt === undefined ? 0 : (t.startedAt - killedAt) / 1000;
    const when =
      killedAt === undefined
        ? ''
        : `, from ${Math.abs(offset).toFixed(1)} s ${offset < 0 ? 'before' : 'after'} the kill${t.identity ? ` (${t.identity})` : ''}`;
    const key = `${t.task} ${t.timeout}${when}`;
    groups.set(key, [...(groups.get(key) ?? []), t.seconds]);
  }
  return [...groups]
    .map(([key, s]) => `${key} after ${Math.max(...s).toFixed(1)} s${s.length > 1 ? ` ×${s.length}` : ''}`)
    .join('; ');
}
