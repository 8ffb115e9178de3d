import { Context } from '@temporalio/activity';
import { DataSource } from 'typeorm';
import { attemptTag, endEarlierAttempts, fencedTransactions } from '@cascade/persistence';

/**
 * Runs an attempt of the current activity with its transactions tagged (`fencedTransactions`), after ending whatever
 * an earlier attempt of the same activity left inside a transaction. A worker frozen in the middle of a step holds its
 * session, and with it a hub's lock, until PostgreSQL's `idle_in_transaction_session_timeout` (30 s); Temporal gives
 * the step to another worker after the heartbeat timeout (10 s), whose attempt would then wait for that lock. It ends
 * the frozen session instead (fault 7 of the fault suite). Outside an activity (a direct call) it just runs `work`.
 */
export async function fencedAttempt<T>(
  dataSource: DataSource,
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return work(dataSource);
  }
  const { workflowExecution, activityId, attempt } = context.info;
  const tag = attemptTag(workflowExecution?.runId ?? 'no-workflow', activityId);
  if (attempt > 1) {
    const ended = await endEarlierAttempts(dataSource, tag);
    if (ended > 0) context.log.warn(`attempt ${attempt} ended ${ended} session(s) of an earlier attempt`);
  }
  return work(fencedTransactions(dataSource, tag));
}
