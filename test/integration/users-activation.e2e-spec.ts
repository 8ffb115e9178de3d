/**
 * Re-issuing an activation token (#19), through the API on the real PostgreSQL: A's admin re-issues the token of a
 * user made in bulk who has not activated; the old token stops working, the new one (shown once) activates; a retry
 * with the same Idempotency-Key shows no token and makes none; an activated user is 409 USER_ALREADY_ACTIVATED, a
 * deactivated one 409 USER_DEACTIVATED; a user of another tree answers exactly like a missing one (404); a caller who
 * sees the user but administers nothing is 403.
 */
import { INestApplication } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { startApi } from './support/apps';
import { newKey } from './support/ids';
import { auth, buildOrg, PASSWORD, type Org } from './support/org';

jest.setTimeout(120_000);

let api: INestApplication;
let org: Org;
let pg: PgClient;
const http = () => request(api.getHttpServer());
const post = (path: string, token: string, body: object = {}, key = newKey()) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', key).send(body);
const reissue = (id: string, token: string, key = newKey()) =>
  post(`/users/${id}/activation`, token, {}, key);
const activate = (token: string) => http().post('/auth/activate').send({ token, password: PASSWORD });
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

interface Made {
  id: string;
  activationToken: string;
}
let made: Made[];

beforeAll(async () => {
  api = await startApi();
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  const tag = randomUUID().slice(0, 6);
  const users = [org.codes.A1, org.codes.A1, org.codes.X].map((unitCode, i) => ({
    email: `kich-hoat-${i}-${tag}@test.cascade.vn`,
    name: `Người ${i}`,
    unitCode,
    role: 'clerk',
  }));
  // The system administrator makes them: two in A1 (A's admin administers them), one in the other tree X.
  const bulk = await post('/users/bulk', org.admin, { users }).expect(200);
  expect(bulk.body.created).toBe(3);
  made = bulk.body.results;
});

afterAll(async () => {
  await pg?.end();
  await api?.close();
});

describe('POST /users/:id/activation', () => {
  it('replaces the token: the old one is refused, the new one (shown once) activates; a retry makes none', async () => {
    const user = made[0];
    const key = newKey('activation');
    const first = await reissue(user.id, org.tokens.admin, key).expect(200);
    expect(first.body).toMatchObject({ id: user.id, secretsShown: true });
    expect(first.body.activationToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.body.activationToken).not.toBe(user.activationToken);
    const hoursLeft = (Date.parse(first.body.activationExpiresAt) - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(71.9);
    const stored = await pg.query(`SELECT activation_hash FROM app_user WHERE id = $1`, [user.id]);
    expect(stored.rows[0].activation_hash).toBe(sha256(first.body.activationToken));

    const retry = await reissue(user.id, org.tokens.admin, key).expect(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toMatchObject({ id: user.id, activationToken: null, secretsShown: false });
    const after = await pg.query(`SELECT activation_hash FROM app_user WHERE id = $1`, [user.id]);
    expect(after.rows[0].activation_hash).toBe(sha256(first.body.activationToken));

    const old = await activate(user.activationToken).expect(401);
    expect(old.body.error.code).toBe('ACTIVATION_TOKEN_INVALID');
    const session = await activate(first.body.activationToken).expect(200);
    const me = await http().get('/auth/me').set(auth(session.body.accessToken)).expect(200);
    expect(me.body.id).toBe(user.id);
  });

  it('refuses an activated user with 409 USER_ALREADY_ACTIVATED, a deactivated one with 409 USER_DEACTIVATED', async () => {
    const activated = await reissue(made[0].id, org.tokens.admin).expect(409);
    expect(activated.body.error).toMatchObject({ code: 'USER_ALREADY_ACTIVATED', message: /^id: / });
    // An account made with a password (never a token) has activated too.
    const withPassword = await reissue(org.userIds.clerk, org.admin).expect(409);
    expect(withPassword.body.error.code).toBe('USER_ALREADY_ACTIVATED');

    await post(`/users/${made[1].id}/deactivate`, org.tokens.admin).expect(200);
    const deactivated = await reissue(made[1].id, org.tokens.admin).expect(409);
    expect(deactivated.body.error).toMatchObject({ code: 'USER_DEACTIVATED', message: /^id: / });
    // Its token is untouched, and works once the user is active again.
    await post(`/users/${made[1].id}/activate`, org.tokens.admin).expect(200);
    await activate(made[1].activationToken).expect(200);
  });

  it('answers a user of another tree exactly like a missing one (404), and 403 to one who only sees', async () => {
    const hidden = await reissue(made[2].id, org.tokens.admin).expect(404);
    const missing = randomUUID();
    const none = await reissue(missing, org.tokens.admin).expect(404);
    expect(hidden.body.error.code).toBe('USER_NOT_FOUND');
    expect(hidden.body.error).toEqual({
      ...none.body.error,
      message: none.body.error.message.replace(missing, made[2].id),
    });
    const stored = await pg.query(`SELECT activation_hash FROM app_user WHERE id = $1`, [made[2].id]);
    expect(stored.rows[0].activation_hash).toBe(sha256(made[2].activationToken));

    const clerk = await reissue(made[2].id, org.tokens.clerk).expect(404);
    expect(clerk.body.error.code).toBe('USER_NOT_FOUND');
    // A 36-character id that is not a UUID is a missing user too, not a database error (500).
    const malformed = await reissue('-'.repeat(36), org.tokens.admin).expect(404);
    expect(malformed.body.error.code).toBe('USER_NOT_FOUND');
    const seen = await reissue(org.userIds.specialist, org.tokens.clerk).expect(403);
    expect(seen.body.error.code).toBe('FORBIDDEN');
  });
});
