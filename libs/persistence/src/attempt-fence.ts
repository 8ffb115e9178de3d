import { DataSource, EntityManager } from 'typeorm';

/**
 * The sessions of one activity's attempts, fenced. Every transaction the attempt opens through the returned
 * DataSource carries `tag` as its `application_name` (`SET LOCAL`: back to the pool's own name at its end), so that a
 * later attempt of the same activity can find the sessions an earlier one left inside a transaction — a worker frozen
 * (SIGSTOP, a paused host) while it held a hub's lock — and end them at once with `endEarlierAttempts`, instead of
 * waiting for `idle_in_transaction_session_timeout`. Temporal starts the later attempt only once the earlier one has
 * timed out, so ending the earlier one's transaction (rolled back) is what a fence should do: it can no longer commit.
 */
export function fencedTransactions(dataSource: DataSource, tag: string): DataSource {
  const tagged =
    <T>(work: (m: EntityManager) => Promise<T>) =>
    async (m: EntityManager) => {
      await m.query(`SELECT set_config('application_name', $1, true)`, [tag]);
      return work(m);
    };
  return new Proxy(dataSource, {
    get(target, property, receiver) {
      if (property !== 'transaction') return Reflect.get(target, property, receiver) as unknown;
      return (...args: unknown[]) => {
        const work = args.pop() as (m: EntityManager) => Promise<unknown>;
        return (target.transaction as (...a: unknown[]) => Promise<unknown>)(...args, tagged(work));
      };
    },
  });
}

/**
 * Ends (`pg_terminate_backend`, waiting up to 5 s for each to go) every other session still inside a transaction
 * of `fencedTransactions(…, tag)`; answers how many it ended. Their locks go with them.
 */
export async function endEarlierAttempts(dataSource: DataSource, tag: string): Promise<number> {
  const rows = await dataSource.query<{ ended: number }[]>(
    `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000))::int AS ended
       FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`,
    [tag],
  );
  return rows[0]?.ended ?? 0;
}

/** The application_name of one activity's attempts (at most 63 bytes: PostgreSQL cuts longer names). */
export function attemptTag(runId: string, activityId: string): string {
  return `cascade-step ${runId}/${activityId}`.slice(0, 63);
}
