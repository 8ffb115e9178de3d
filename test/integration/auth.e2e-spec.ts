/** Sign-in, refresh rotation and reuse detection, logout, token tampering, throttling, API keys and users. */
import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { startApi } from './support/apps';
import { newKey } from './support/ids';
import { auth, buildOrg, login, PASSWORD, type Org } from './support/org';

jest.setTimeout(120_000);

let api: INestApplication;
let org: Org;
const http = () => request(api.getHttpServer());

beforeAll(async () => {
  api = await startApi({ LOGIN_MAX_FAILURES: '3', ACCESS_TOKEN_TTL_SECONDS: '300' });
  org = await buildOrg(api);
});

afterAll(async () => {
  await api?.close();
});

async function newUser(role = 'clerk'): Promise<{ email: string; id: string }> {
  const email = `u-${randomUUID().slice(0, 8)}@test.cascade.vn`;
  const res = await http()
    .post('/users')
    .set(auth(org.admin))
    .set('Idempotency-Key', newKey())
    .send({ email, name: 'Người thử', password: PASSWORD, membership: { unitId: org.ids.A, role } })
    .expect(201);
  return { email, id: res.body.id };
}

describe('sign-in', () => {
  it('returns a token pair and never a password or its hash', async () => {
    const { email, id } = await newUser();
    const res = await http().post('/auth/login').send({ email: email.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 300,
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
    const me = await http().get('/auth/me').set(auth(res.body.accessToken)).expect(200);
    expect(me.body).toMatchObject({
      id,
      email,
      memberships: [expect.objectContaining({ unitId: org.ids.A, role: 'clerk' })],
    });
    const user = await http().get(`/users/${id}`).set(auth(org.admin)).expect(200);
    for (const body of [me.body, user.body]) expect(JSON.stringify(body)).not.toMatch(/password|scrypt/i);
  });

  it('answers a wrong password and an unknown e-mail alike', async () => {
    const { email } = await newUser();
    const wrong = await http().post('/auth/login').send({ email, password: 'Sai-mật-khẩu-1' });
    const unknown = await http()
      .post('/auth/login')
      .send({ email: `nobody-${randomUUID()}@x.vn`, password: PASSWORD });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('throttles repeated failures for an e-mail, even with the right password afterwards', async () => {
    const { email } = await newUser();
    for (let i = 0; i < 3; i++)
      await http().post('/auth/login').send({ email, password: 'Sai-mật-khẩu-1' }).expect(401);
    const blocked = await http().post('/auth/login').send({ email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('LOGIN_THROTTLED');
    expect(blocked.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    // Another account from the same address is not blocked by this one's failures.
    const other = await newUser();
    await http().post('/auth/login').send({ email: other.email, password: PASSWORD }).expect(200);
  });

  it('rejects malformed sign-in bodies naming the field', async () => {
    const res = await http().post('/auth/login').send({ email: 'not-an-email', password: '' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'email',
      'password',
    ]);
  });
});

describe('tokens', () => {
  it('rotates refresh tokens and revokes the whole session when one is replayed', async () => {
    const { email } = await newUser();
    const first = (await http().post('/auth/login').send({ email, password: PASSWORD }).expect(200)).body;
    const second = (await http().post('/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200))
      .body;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await http().get('/auth/me').set(auth(second.accessToken)).expect(200);

    const replay = await http().post('/auth/refresh').send({ refreshToken: first.refreshToken });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('REFRESH_TOKEN_REUSED');
    // The thief's replay ends the session for everyone holding it.
    const afterwards = await http().post('/auth/refresh').send({ refreshToken: second.refreshToken });
    expect(afterwards.body.error.code).toBe('TOKEN_REVOKED');
    const access = await http().get('/auth/me').set(auth(second.accessToken));
    expect(access.status).toBe(401);
    expect(access.body.error.code).toBe('TOKEN_REVOKED');
  });

  it('logout revokes the access and refresh tokens at once', async () => {
    const { email } = await newUser();
    const pair = (await http().post('/auth/login').send({ email, password: PASSWORD }).expect(200)).body;
    await http().post('/auth/logout').set(auth(pair.accessToken)).expect(204);
    expect((await http().get('/auth/me').set(auth(pair.accessToken))).body.error.code).toBe('TOKEN_REVOKED');
    expect((await http().post('/auth/refresh').send({ refreshToken: pair.refreshToken })).status).toBe(401);
  });

  it('refuses tampered, foreign, unsigned and expired tokens', async () => {
    const token = await login(api, `clerk-${org.prefix.toLowerCase()}@test.cascade.vn`);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: org.userIds.admin })).toString('base64url');
    const cases: [string, string][] = [
      ['tampered payload', `${header}.${forged}.${signature}`],
      [
        'other secret',
        jwt.sign(
          { sub: claims.sub, sid: claims.sid, typ: 'access' },
          'another-secret-of-sufficient-length!!',
          {
            issuer: 'cascade',
            expiresIn: 60,
          },
        ),
      ],
      ['alg none', `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`],
      ['garbage', 'not.a.token'],
    ];
    for (const [what, bad] of cases) {
      const res = await http().get('/auth/me').set(auth(bad));
      expect({ what, status: res.status, code: res.body.error.code }).toEqual({
        what,
        status: 401,
        code: 'TOKEN_INVALID',
      });
    }
    const expired = jwt.sign(
      { sub: org.userIds.clerk, sid: randomUUID(), typ: 'access' },
      process.env.JWT_SECRET!,
      {
        issuer: 'cascade',
        expiresIn: -10,
      },
    );
    expect((await http().get('/auth/me').set(auth(expired))).body.error.code).toBe('TOKEN_EXPIRED');
    expect((await http().get('/auth/me')).body.error.code).toBe('UNAUTHENTICATED');
  });
});

describe('API keys', () => {
  it('acts as its unit with its role, is shown once, and stops working when revoked', async () => {
    const key = newKey();
    const created = await http()
      .post(`/units/${org.ids.A}/api-keys`)
      .set(auth(org.tokens.admin))
      .set('Idempotency-Key', key)
      .send({ name: 'e-office', role: 'clerk' })
      .expect(201);
    expect(created.body.key).toMatch(/^ck_[0-9a-f]{12}_/);
    const secret = created.body.key as string;

    const replay = await http()
      .post(`/units/${org.ids.A}/api-keys`)
      .set(auth(org.tokens.admin))
      .set('Idempotency-Key', key)
      .send({ name: 'e-office', role: 'clerk' })
      .expect(201);
    expect(replay.body).toEqual({ ...created.body, key: null });

    const listed = await http().get(`/units/${org.ids.A}/api-keys`).set(auth(org.tokens.admin)).expect(200);
    expect(listed.body.items.map((k: { id: string }) => k.id)).toContain(created.body.id);
    expect(JSON.stringify(listed.body)).not.toContain(secret.split('_')[2]);

    await http().get(`/units/${org.ids.A1}`).set('X-API-Key', secret).expect(200);
    await http().get(`/units/${org.ids.B}`).set('X-API-Key', secret).expect(404);
    await http().patch(`/units/${org.ids.A}`).set('X-API-Key', secret).send({ name: 'x' }).expect(403);
    await http().get(`/units/${org.ids.A}`).set('Authorization', `ApiKey ${secret}`).expect(200);

    await http().delete(`/api-keys/${created.body.id}`).set(auth(org.tokens.admin)).expect(204);
    const revoked = await http().get(`/units/${org.ids.A}`).set('X-API-Key', secret);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('TOKEN_REVOKED');
    const wrong = await http()
      .get(`/units/${org.ids.A}`)
      .set('X-API-Key', `${secret.slice(0, -4)}AAAA`);
    expect(wrong.body.error.code).toBe('API_KEY_INVALID');
  });

  it('cannot be an administrator key', async () => {
    const res = await http()
      .post(`/units/${org.ids.A}/api-keys`)
      .set(auth(org.tokens.admin))
      .set('Idempotency-Key', newKey())
      .send({ name: 'x', role: 'admin' });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('role');
  });
});

describe('users', () => {
  const create = (token: string, body: object) =>
    http().post('/users').set(auth(token)).set('Idempotency-Key', newKey()).send(body);

  it('refuses weak passwords, bad e-mails and taken e-mails, naming the field', async () => {
    const base = { name: 'A', membership: { unitId: org.ids.A, role: 'clerk' } };
    const weak = await create(org.tokens.admin, {
      ...base,
      email: `w-${randomUUID().slice(0, 6)}@x.vn`,
      password: 'password1',
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error).toMatchObject({
      code: 'PASSWORD_TOO_WEAK',
      message: expect.stringMatching(/^password:/),
    });
    const badEmail = await create(org.tokens.admin, {
      ...base,
      email: 'khong-phai-email',
      password: PASSWORD,
    });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.details[0].field).toBe('email');
    const { email } = await newUser();
    const taken = await create(org.tokens.admin, { ...base, email: email.toUpperCase(), password: PASSWORD });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('USER_EMAIL_TAKEN');
  });

  it('stores names in NFC', async () => {
    const res = await create(org.tokens.admin, {
      email: `nfd-${randomUUID().slice(0, 6)}@x.vn`,
      name: 'Nguyễn\u00a0Thị  Hoa'.normalize('NFD'),
      password: PASSWORD,
      membership: { unitId: org.ids.A, role: 'specialist' },
    });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('Nguyễn Thị Hoa');
  });

  it('lets only administrators of the unit add people to it', async () => {
    const body = (unitId: string) => ({
      email: `p-${randomUUID().slice(0, 6)}@x.vn`,
      name: 'P',
      password: PASSWORD,
      membership: { unitId, role: 'clerk' },
    });
    expect((await create(org.tokens.admin, body(org.ids.A1))).status).toBe(201);
    expect((await create(org.tokens.clerk, body(org.ids.A))).status).toBe(403);
    expect((await create(org.tokens.admin, body(org.ids.B))).status).toBe(404);
    const noUnit = await create(org.tokens.admin, {
      email: `q-${randomUUID().slice(0, 6)}@x.vn`,
      name: 'Q',
      password: PASSWORD,
    });
    expect(noUnit.body.error.code).toBe('MEMBERSHIP_REQUIRED');
  });

  it('hides users of units the caller cannot see', async () => {
    const res = await http().get(`/users/${org.userIds.admin}`).set(auth(org.tokens.specialist));
    expect(res.status).toBe(200); // same unit
    const outsider = await http()
      .post('/users')
      .set(auth(org.admin))
      .set('Idempotency-Key', newKey())
      .send({
        email: `o-${randomUUID().slice(0, 6)}@x.vn`,
        name: 'O',
        password: PASSWORD,
        membership: { unitId: org.ids.B, role: 'clerk' },
      })
      .expect(201);
    expect((await http().get(`/users/${outsider.body.id}`).set(auth(org.tokens.admin))).status).toBe(404);
  });

  it('deactivating an account ends its sessions at once; only admins of all its units may', async () => {
    const { email, id } = await newUser('specialist');
    const pair = (await http().post('/auth/login').send({ email, password: PASSWORD }).expect(200)).body;
    const byClerk = await http()
      .post(`/users/${id}/deactivate`)
      .set(auth(org.tokens.clerk))
      .set('Idempotency-Key', newKey());
    expect(byClerk.status).toBe(403);
    const off = await http()
      .post(`/users/${id}/deactivate`)
      .set(auth(org.tokens.admin))
      .set('Idempotency-Key', newKey());
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await http().get('/auth/me').set(auth(pair.accessToken))).body.error.code).toBe('TOKEN_REVOKED');
    expect((await http().post('/auth/refresh').send({ refreshToken: pair.refreshToken })).status).toBe(401);
    expect((await http().post('/auth/login').send({ email, password: PASSWORD })).status).toBe(401);
    await http()
      .post(`/users/${id}/activate`)
      .set(auth(org.tokens.admin))
      .set('Idempotency-Key', newKey())
      .expect(200);
    await http().post('/auth/login').send({ email, password: PASSWORD }).expect(200);

    // A user who also belongs to a unit outside the admin's tree cannot be locked out by that admin.
    await http()
      .post(`/units/${org.ids.X}/memberships`)
      .set(auth(org.admin))
      .set('Idempotency-Key', newKey())
      .send({ userId: id, role: 'clerk' })
      .expect(201);
    const partial = await http()
      .post(`/users/${id}/deactivate`)
      .set(auth(org.tokens.admin))
      .set('Idempotency-Key', newKey());
    expect(partial.status).toBe(403);
  });

  it('changing the password ends the other sessions', async () => {
    const { email } = await newUser();
    const a = (await http().post('/auth/login').send({ email, password: PASSWORD }).expect(200)).body;
    const b = (await http().post('/auth/login').send({ email, password: PASSWORD }).expect(200)).body;
    await http()
      .post('/users/me/password')
      .set(auth(a.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: 'Mới-hơn-2025!' })
      .expect(204);
    expect((await http().get('/auth/me').set(auth(b.accessToken))).status).toBe(401);
    await http().get('/auth/me').set(auth(a.accessToken)).expect(200);
    await http().post('/auth/login').send({ email, password: 'Mới-hơn-2025!' }).expect(200);
  });
});
