/** The worker purges what only grows: idempotency records after a day, sign-in attempts after a week. */
import { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { HousekeepingService } from '../../apps/worker/src/housekeeping.service';
import { startWorker } from './support/apps';

jest.setTimeout(120_000);

let worker: INestApplicationContext;
let pg: PgClient;

beforeAll(async () => {
  worker = await startWorker();
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
});

afterAll(async () => {
  await pg?.end();
  await worker?.close();
});

it('deletes old idempotency records and sign-in attempts and keeps the recent ones', async () => {
  const tag = randomUUID().slice(0, 8);
  const principal = `user:housekeeping-${tag}`;
  const insertRecord = (key: string, age: string) =>
    pg.query(
      `INSERT INTO idempotency_record (principal, key, method, path, request_hash, status, response, created_at)
       VALUES ($1, $2, 'POST', '/x', 'h', 201, '{}', now() - $3::interval)`,
      [principal, key, age],
    );
  for (let i = 0; i < 12; i++) await insertRecord(`old-${i}`, '2 days');
  await insertRecord('recent', '1 hour');
  const email = `housekeeping-${tag}@test.cascade.vn`;
  await pg.query(
    `INSERT INTO login_attempt (email, ip, success, at)
     SELECT $1, '127.0.0.1', false, now() - interval '8 days' FROM generate_series(1, 7)
     UNION ALL SELECT $1, '127.0.0.1', true, now() - interval '1 day'`,
    [email],
  );

  const purged = await worker.get(HousekeepingService).purge();
  expect(purged.idempotencyRecords).toBeGreaterThanOrEqual(12);
  expect(purged.loginAttempts).toBeGreaterThanOrEqual(7);
  const records = await pg.query(`SELECT key FROM idempotency_record WHERE principal = $1`, [principal]);
  expect(records.rows.map((r: { key: string }) => r.key)).toEqual(['recent']);
  const attempts = await pg.query(`SELECT success FROM login_attempt WHERE email = $1`, [email]);
  expect(attempts.rows).toEqual([{ success: true }]);
  // A second pass finds nothing of ours left to delete.
  await worker.get(HousekeepingService).purge();
  expect(
    (await pg.query(`SELECT count(*)::int AS n FROM idempotency_record WHERE principal = $1`, [principal]))
      .rows[0].n,
  ).toBe(1);
});
