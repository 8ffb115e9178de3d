import { Context } from '@temporalio/activity';

/**
 * How often a long activity heartbeats; its workflow's `heartbeatTimeout` (10 s) is several times this, and the
 * worker sends heartbeats on at this pace too (`maxHeartbeatThrottleInterval`), so that Temporal sees the last one at
 * most about 2 s before a worker froze or died.
 */
export const HEARTBEAT_EVERY_MS = 2_000;

/**
 * Runs `work` inside the current activity while heartbeating every few seconds, so that a worker that dies or is
 * stopped in the middle of it (SIGKILL, SIGSTOP, a host frozen) is noticed by Temporal within the workflow's
 * `heartbeatTimeout` and the activity is retried on another worker, instead of after its whole start-to-close
 * timeout. Outside an activity (a direct call) it just runs `work`.
 */
export async function heartbeating<T>(work: () => Promise<T>): Promise<T> {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return work();
  }
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
