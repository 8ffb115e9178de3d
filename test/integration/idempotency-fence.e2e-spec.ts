/**
 * Fenced idempotency takeovers (issue 20): a request that runs past its claim's lease (here: stuck behind a table
 * lock held by another connection) is taken over by its retry, and then cannot commit: it answers 409
 * IDEMPOTENCY_CLAIM_LOST and its transaction rolls back, so the API key is created once. A retry within the lease
 * answers 409 IDEMPOTENCY_REQUEST_IN_PROGRESS with Retry-After; a key whose first request committed is never taken
 * over.
 */
import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { startApi } from './support/apps';
import { newKey } from './support/ids';
import { auth, buildOrg, type Org } from './support/org';
import { waitFor } from './support/wait-for';

jest.setTimeout(120_000);

const LEASE_SECONDS = 4;
let api: INestApplication;
let org: Org;
let pg: PgClient;
let locker: PgClient;

beforeAll(async () => {
  api = await startApi({ IDEMPOTENCY_LEASE_SECONDS: String(LEASE_SECONDS) });
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  locker = new PgClient({ connectionString: process.env.DATABASE_URL });
  await Promise.all([pg.connect(), locker.connect()]);
});

afterAll(async () => {
  await locker?.query('ROLLBACK').catch(() => undefined);
  await Promise.all([pg?.end(), locker?.end()]);
  await api?.close();
});

const blockedInserts = async () =>
  (
    await pg.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO api_key%'`,
    )
  ).rows[0].n as number;

it('a request that lost its claim to a retry cannot commit: the key is created once', async () => {
  const key = newKey();
  const name = `fence-${randomUUID().slice(0, 8)}`;
  const create = () =>
    request(api.getHttpServer())
      .post(`/units/${org.ids.A}/api-keys`)
      .set(auth(org.admin))
      .set('Idempotency-Key', key)
      .send({ name, role: 'clerk' })
      .then((res) => res);

  await locker.query('BEGIN');
  await locker.query('LOCK TABLE api_key IN EXCLUSIVE MODE');
  const first = create();
  await waitFor('the first request to wait on the lock', async () => (await blockedInserts()) === 1);

  // Within the lease, a retry is told to come back.
  const early = await create();
  expect({ status: early.status, code: early.body.error?.code }).toEqual({
    status: 409,
    code: 'IDEMPOTENCY_REQUEST_IN_PROGRESS',
  });
  expect(Number(early.headers['retry-after'])).toBeGreaterThanOrEqual(1);

  // Past the lease, a retry takes the key over (the first request still runs, blocked).
  await waitFor(
    'the lease to run out',
    async () =>
      (
        await pg.query(
          `SELECT created_at < now() - make_interval(secs => $2) AS past FROM idempotency_record WHERE key = $1`,
          [key, LEASE_SECONDS],
        )
      ).rows[0]?.past === true,
    { timeoutMs: 30_000 },
  );
  const takeover = create();
  await waitFor('the takeover to wait on the lock too', async () => (await blockedInserts()) === 2);
  await locker.query('COMMIT');

  const [lost, won] = await Promise.all([first, takeover]);
  expect({ status: lost.status, code: lost.body.error?.code }).toEqual({
    status: 409,
    code: 'IDEMPOTENCY_CLAIM_LOST',
  });
  expect(won.status).toBe(201);
  const keys = await pg.query(`SELECT id::text FROM api_key WHERE name = $1`, [name]);
  expect(keys.rows).toEqual([{ id: won.body.id }]);
  // The key's answer is the takeover's (its secret not stored).
  const replay = await create();
  expect(replay.status).toBe(201);
  expect(replay.headers['idempotent-replayed']).toBe('true');
  expect(replay.body).toMatchObject({ id: won.body.id, key: null });
});

it('a key whose first request committed is never taken over, even with no answer stored', async () => {
  const key = newKey();
  const name = `answered-${randomUUID().slice(0, 8)}`;
  const create = () =>
    request(api.getHttpServer())
      .post(`/units/${org.ids.A}/api-keys`)
      .set(auth(org.admin))
      .set('Idempotency-Key', key)
      .send({ name, role: 'clerk' });
  await create().expect(201);
  // As if the API process died between the commit and storing the answer, long ago.
  await pg.query(
    `UPDATE idempotency_record SET status = NULL, response = NULL, created_at = now() - interval '1 hour' WHERE key = $1`,
    [key],
  );
  const retry = await create();
  expect({ status: retry.status, code: retry.body.error?.code }).toEqual({
    status: 409,
    code: 'IDEMPOTENCY_ANSWER_LOST',
  });
  const keys = await pg.query(`SELECT count(*)::int AS n FROM api_key WHERE name = $1`, [name]);
  expect(keys.rows[0].n).toBe(1);
});

it('a request the guard refuses leaves its key unclaimed (the claim is made with the authentication)', async () => {
  const key = newKey();
  const create = (unitId: string) =>
    request(api.getHttpServer())
      .post(`/units/${unitId}/api-keys`)
      .set(auth(org.tokens.specialist))
      .set('Idempotency-Key', key)
      .send({ name: `refused-${randomUUID().slice(0, 8)}`, role: 'clerk' });
  // A unit the caller may not see is answered as one that does not exist, and a retry is answered the same (not
  // IDEMPOTENCY_REQUEST_IN_PROGRESS): the refused request's claim was let go.
  for (let i = 0; i < 2; i++) {
    const refused = await create(org.ids.X);
    expect({ status: refused.status, code: refused.body.error?.code }).toEqual({
      status: 404,
      code: 'UNIT_NOT_FOUND',
    });
  }
  const records = await pg.query(`SELECT count(*)::int AS n FROM idempotency_record WHERE key = $1`, [key]);
  expect(records.rows[0].n).toBe(0);
});
