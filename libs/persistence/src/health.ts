import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';

/** What `/health` says of PostgreSQL: it answers; it is up but too busy (a full pool, too many connections); down. */
export type DatabaseState = { state: 'up' } | { state: 'busy' | 'down'; message: string };

const within = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref(),
    ),
  ]);

/**
 * Asks the pool for `SELECT 1`; when it does not answer within `timeoutMs`, asks the server itself on a connection of
 * its own (not the pool's): if that answers, or the server refuses it for too many connections, the database is up
 * but busy (every pooled connection held, e.g. by requests waiting on locks); otherwise it is down.
 */
export async function databaseHealth(db: DataSource, timeoutMs = 2_000): Promise<DatabaseState> {
  try {
    await within(db.query('SELECT 1'), timeoutMs);
    return { state: 'up' };
  } catch (poolError) {
    const url = (db.options as { url?: string }).url;
    const client = new Client({
      connectionString: url,
      connectionTimeoutMillis: timeoutMs,
      statement_timeout: timeoutMs,
      application_name: 'cascade-health',
    });
    client.on('error', () => undefined);
    try {
      await within(
        client.connect().then(() => client.query('SELECT 1')),
        timeoutMs,
      );
      return { state: 'busy', message: `the pool did not answer: ${(poolError as Error).message}` };
    } catch (error) {
      if ((error as { code?: string }).code === '53300')
        return { state: 'busy', message: (error as Error).message };
      return { state: 'down', message: (error as Error).message };
    } finally {
      void client.end().catch(() => undefined);
    }
  }
}

/** Raises this transaction's statement timeout (a long bulk route's): `SET LOCAL`, so it ends with the transaction. */
export async function raiseStatementTimeout(m: EntityManager, ms: number): Promise<void> {
  // the lock waits too: a batch of 1,000 items legitimately waits for the hub locks of the batches beside it
  await m.query(`SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $1, true)`, [
    `${Math.round(ms)}ms`,
  ]);
}
