/**
 * The attempt fence of the worker's steps (libs/persistence/src/attempt-fence.ts, used by
 * apps/worker/src/activities/fence.ts), on the real PostgreSQL: an attempt's transactions carry its tag; a later
 * attempt ends the sessions an earlier one left inside a transaction (a worker frozen while it held a hub's lock),
 * whose work can then no longer commit, and their locks go with them; it leaves alone another step's open
 * transaction, and a session of the same step between transactions (the tag is SET LOCAL). The fault suite's fault 7 drives it end to end
 * (a worker SIGSTOPped inside a step); this spec pins each rule on its own.
 */
import { DataSource } from 'typeorm';
import { attemptTag, createDataSource, endEarlierAttempts, fencedTransactions } from '@cascade/persistence';
import { waitFor } from './support/wait-for';

jest.setTimeout(60_000);

/** Two workers' pools (a frozen one and the one Temporal hands the step to next). */
let frozenWorker: DataSource;
let nextWorker: DataSource;
const LOCK = 7_301_964; // an advisory lock of this spec's own, as a hub's

beforeAll(async () => {
  const url = process.env.DATABASE_URL!;
  frozenWorker = await createDataSource({ url, poolSize: 3, applicationName: 'cascade-worker' }).initialize();
  nextWorker = await createDataSource({ url, poolSize: 3, applicationName: 'cascade-worker' }).initialize();
  // what a frozen attempt writes (a table of this spec's own, not the domain's)
  await nextWorker.query('CREATE TABLE attempt_fence_probe (note text)');
});

afterAll(async () => {
  await nextWorker?.query('DROP TABLE IF EXISTS attempt_fence_probe');
  await frozenWorker?.destroy();
  await nextWorker?.destroy();
});

/**
 * A transaction of `ds` that takes the lock, writes a row of the probe table, then waits until `release` is called
 * (a worker frozen inside it).
 */
function holdInside(ds: DataSource) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const holding = new Promise<void>((r) => (locked = r));
  const done = ds.transaction(async (m) => {
    await m.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
    await m.query(`INSERT INTO attempt_fence_probe (note) VALUES ('written by the frozen attempt')`);
    locked();
    await released;
    await m.query('SELECT 1');
  });
  return { holding, release, done };
}

const tryLock = async (ds: DataSource) =>
  ds.transaction(
    async (m) =>
      (await m.query<{ got: boolean }[]>('SELECT pg_try_advisory_xact_lock($1) AS got', [LOCK]))[0].got,
  );

const namesNow = async (ds: DataSource, tag: string) =>
  Number(
    (
      await ds.query<{ n: string }[]>(
        'SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1',
        [tag],
      )
    )[0].n,
  );

describe('the attempt fence', () => {
  it('tags the transactions of an attempt, and only while they are open', async () => {
    const tag = attemptTag('run-a', '7');
    const fenced = fencedTransactions(nextWorker, tag);
    const inside = await fenced.transaction(
      async (m) =>
        (await m.query<{ name: string }[]>(`SELECT current_setting('application_name') AS name`))[0].name,
    );
    expect(inside).toBe(tag);
    // SET LOCAL: the pooled session is the pool's own again; an idle pool session is never ended by a fence
    const after = await nextWorker.query<{ name: string }[]>(
      `SELECT current_setting('application_name') AS name`,
    );
    expect(after[0].name).toBe('cascade-worker');
    expect(await namesNow(nextWorker, tag)).toBe(0);
  });

  it('ends the session an earlier attempt left inside a transaction: its lock goes, its work cannot commit', async () => {
    const tag = attemptTag('run-b', '12');
    const frozen = holdInside(fencedTransactions(frozenWorker, tag));
    await frozen.holding;
    // the next attempt cannot have the hub's lock while the frozen one holds it
    expect(await tryLock(nextWorker)).toBe(false);
    expect(await namesNow(nextWorker, tag)).toBe(1);

    // another step's attempt ends nothing of this one
    expect(await endEarlierAttempts(nextWorker, attemptTag('run-b', '13'))).toBe(0);
    expect(await tryLock(nextWorker)).toBe(false);

    expect(await endEarlierAttempts(nextWorker, tag)).toBe(1);
    expect(await tryLock(nextWorker)).toBe(true);
    frozen.release();
    // the frozen attempt, thawed, finds its session gone: its transaction rolled back, nothing it wrote stays
    await expect(frozen.done).rejects.toThrow();
    const rows = await nextWorker.query<{ n: string }[]>('SELECT count(*) AS n FROM attempt_fence_probe');
    expect(Number(rows[0].n)).toBe(0);
    // its pool replaces the ended connection: the frozen worker, once running again, still works
    await waitFor('the frozen worker to query again', async () => {
      try {
        return (await frozenWorker.query<{ one: number }[]>('SELECT 1 AS one'))[0].one === 1;
      } catch {
        return false;
      }
    });
  });

  it('leaves another step whose transaction is open to commit', async () => {
    const other = holdInside(fencedTransactions(frozenWorker, attemptTag('run-c', '4')));
    await other.holding;
    expect(await endEarlierAttempts(nextWorker, attemptTag('run-c', '3'))).toBe(0);
    other.release();
    await expect(other.done).resolves.toBeUndefined();
    const rows = await nextWorker.query<{ n: string }[]>('SELECT count(*) AS n FROM attempt_fence_probe');
    expect(Number(rows[0].n)).toBe(1);
  });

  it('keeps a tag within the 63 bytes PostgreSQL keeps of an application_name', () => {
    const tag = attemptTag('0195c0de-7a1b-7c3d-9e8f-0123456789ab-with-a-long-suffix', '1234567890');
    expect(Buffer.byteLength(tag)).toBeLessThanOrEqual(63);
    expect(tag.startsWith('cascade-step 0195c0de')).toBe(true);
  });
});
