/**
 * Overload sheds load (issue 20), against the real PostgreSQL: requests that wait on a lock held by another
 * connection answer 503 DATABASE_BUSY with Retry-After once `lock_timeout` passes, while the lock is still held, and
 * the API answers normally once it is released; with every connection of the pool held, sign-in answers 503
 * DATABASE_BUSY (not 500) and `/health` says busy (200, degraded), not down; both recover.
 */
import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { DataSource, type QueryRunner } from 'typeorm';
import { startApi } from './support/apps';
import { newKey } from './support/ids';
import { auth, buildOrg, PASSWORD, type Org } from './support/org';
import { waitFor } from './support/wait-for';

jest.setTimeout(120_000);

const POOL = 4;
let api: INestApplication;
let org: Org;
let locker: PgClient;

beforeAll(async () => {
  api = await startApi({
    DATABASE_POOL_SIZE: String(POOL),
    DATABASE_LOCK_TIMEOUT_MS: '300',
    DATABASE_STATEMENT_TIMEOUT_MS: '5000',
    DATABASE_ACQUIRE_TIMEOUT_MS: '500',
  });
  org = await buildOrg(api);
  locker = new PgClient({ connectionString: process.env.DATABASE_URL });
  await locker.connect();
});

afterAll(async () => {
  await locker?.query('ROLLBACK').catch(() => undefined);
  await locker?.end();
  await api?.close();
});

const http = () => request(api.getHttpServer());
const createKey = (key = newKey()) =>
  http()
    .post(`/units/${org.ids.A}/api-keys`)
    .set(auth(org.admin))
    .set('Idempotency-Key', key)
    .send({ name: `busy-${randomUUID().slice(0, 8)}`, role: 'clerk' });

it('requests waiting on a held lock answer 503 DATABASE_BUSY with Retry-After, and recover when it is released', async () => {
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE api_key IN EXCLUSIVE MODE');
  const keys = [newKey(), newKey(), newKey(), newKey(), newKey(), newKey()];
  // More requests than the pool has connections, all stuck on the same lock.
  const answers = await Promise.all(keys.map((key) => createKey(key)));
  for (const res of answers) {
    expect({ status: res.status, code: res.body.error?.code }).toEqual({
      status: 503,
      code: 'DATABASE_BUSY',
    });
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  }
  // They answered while the lock was still held: this connection's transaction still has it.
  const held = await locker.query(
    `SELECT count(*)::int AS n FROM pg_locks WHERE pid = pg_backend_pid() AND relation = 'api_key'::regclass AND granted`,
  );
  expect(held.rows[0].n).toBe(1);
  // Meanwhile the API serves what does not need the lock, and /health is not "down".
  await http().get(`/units/${org.ids.A}`).set(auth(org.admin)).expect(200);
  expect((await http().get('/health')).status).toBe(200);

  await locker.query('COMMIT');
  // A busy answer left nothing behind: the same key now succeeds.
  const retried = await createKey(keys[0]);
  expect(retried.status).toBe(201);
  expect(retried.headers['idempotent-replayed']).toBeUndefined();
});

it('with every pooled connection held, sign-in answers 503 DATABASE_BUSY and /health says busy, not down', async () => {
  const email = `busy-${randomUUID().slice(0, 8)}@test.cascade.vn`;
  await http()
    .post('/users')
    .set(auth(org.admin))
    .set('Idempotency-Key', newKey())
    .send({
      email,
      name: 'Người dùng bận',
      password: PASSWORD,
      membership: { unitId: org.ids.A, role: 'clerk' },
    })
    .expect(201);
  const dataSource = api.get(DataSource);
  const held: QueryRunner[] = [];
  try {
    for (let i = 0; i < POOL; i++) {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      held.push(runner);
    }
    const login = await http().post('/auth/login').send({ email, password: PASSWORD });
    expect({ status: login.status, code: login.body.error?.code }).toEqual({
      status: 503,
      code: 'DATABASE_BUSY',
    });
    expect(Number(login.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const health = await http().get('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.info.database).toMatchObject({ status: 'up', busy: true });
  } finally {
    await Promise.all(held.map((runner) => runner.release()));
  }
  const login = await http().post('/auth/login').send({ email, password: PASSWORD });
  expect(login.status).toBe(200);
  const health = await http().get('/health').expect(200);
  expect(health.body.status).toBe('ok');
  expect(health.body.info.database).toEqual({ status: 'up' });
});

it('a request whose connection the server ends answers 503 DATABASE_UNAVAILABLE with Retry-After, not 500', async () => {
  // An API that waits long on locks, so that the test can end the waiting connection from the server's side.
  const patient = await startApi({ DATABASE_LOCK_TIMEOUT_MS: '60000' });
  const observer = new PgClient({ connectionString: process.env.DATABASE_URL });
  await observer.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE api_key IN EXCLUSIVE MODE');
    const stuck = request(patient.getHttpServer())
      .post(`/units/${org.ids.A}/api-keys`)
      .set(auth(org.admin))
      .set('Idempotency-Key', newKey())
      .send({ name: `ended-${randomUUID().slice(0, 8)}`, role: 'clerk' })
      .then((res) => res);
    // (Seen from another connection: inside a transaction, pg_stat_activity is a snapshot.)
    const pid = await waitFor('the request to wait on the lock', async () => {
      const rows = await observer.query(
        `SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO api_key%'`,
      );
      return rows.rows[0]?.pid as number | undefined;
    });
    await locker.query('SELECT pg_terminate_backend($1)', [pid]);
    const res = await stuck;
    expect({ status: res.status, code: res.body.error?.code }).toEqual({
      status: 503,
      code: 'DATABASE_UNAVAILABLE',
    });
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await locker.query('COMMIT');
    // The pool replaces the ended connection: the next request succeeds.
    const next = await request(patient.getHttpServer())
      .post(`/units/${org.ids.A}/api-keys`)
      .set(auth(org.admin))
      .set('Idempotency-Key', newKey())
      .send({ name: `after-${randomUUID().slice(0, 8)}`, role: 'clerk' });
    expect(next.status).toBe(201);
  } finally {
    await locker.query('ROLLBACK').catch(() => undefined);
    await observer.end();
    await patient.close();
  }
});
