/**
 * Sign-in throttling counts by the client's address: the socket's, unless TRUST_PROXY_HOPS says how many proxies in
 * front of the API set X-Forwarded-For. Without it, a client naming any address in that header changes nothing.
 */
import { INestApplication } from '@nestjs/common';
import { randomInt, randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import request from 'supertest';
import { startApi } from './support/apps';

jest.setTimeout(120_000);

let direct: INestApplication;
let behindProxy: INestApplication;
let pg: PgClient;

beforeAll(async () => {
  [direct, behindProxy] = await Promise.all([startApi(), startApi({ TRUST_PROXY_HOPS: '1' })]);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
});

afterAll(async () => {
  await pg?.end();
  await direct?.close();
  await behindProxy?.close();
});

/** A wrong sign-in for a new e-mail, claiming to come from `claimed`: the address the attempt was counted under. */
async function countedAddress(api: INestApplication, claimed: string): Promise<string> {
  const email = `proxy-${randomUUID().slice(0, 8)}@test.cascade.vn`;
  await request(api.getHttpServer())
    .post('/auth/login')
    .set('X-Forwarded-For', claimed)
    .send({ email, password: 'Sai-mật-khẩu-9' })
    .expect(401);
  const rows = await pg.query<{ ip: string }>(`SELECT ip FROM login_attempt WHERE lower(email) = $1`, [
    email,
  ]);
  expect(rows.rows).toHaveLength(1);
  return rows.rows[0].ip;
}

it('ignores X-Forwarded-For by default, and takes the address the trusted proxy gives when configured', async () => {
  const claimed = `203.0.113.${randomInt(1, 255)}`;
  const byDefault = await countedAddress(direct, claimed);
  expect(byDefault).not.toBe(claimed);
  expect(byDefault).toMatch(/127\.0\.0\.1|::1/);
  expect(await countedAddress(behindProxy, claimed)).toBe(claimed);
  // One hop trusted: of "client, proxy-added", the address the one proxy saw connect is the one counted.
  expect(await countedAddress(behindProxy, `198.51.100.7, ${claimed}`)).toBe(claimed);
});
