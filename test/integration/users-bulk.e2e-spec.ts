/**
 * Users in bulk (#19), through the API on the real PostgreSQL: A's admin makes 1,000 users in one request (bad rows
 * refused alone: a bad role or e-mail, a unit of another tree or above, an e-mail twice in the batch or already taken,
 * a signing authority for A's own leader), each with its membership and no password but a one-time activation token
 * shown once and stored hashed. A user cannot sign in before activating; activating sets the password (the policy
 * applies) and answers a session; the token then, an expired one and an unknown one get the same answer. A retry with
 * the same Idempotency-Key shows no token again, also once the stored answer is gone. Over 10,000 rows is 413.
 */
import { INestApplication } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { startApi } from './support/apps';
import { newKey } from './support/ids';
import { auth, buildOrg, PASSWORD, type Org } from './support/org';

jest.setTimeout(300_000);

let api: INestApplication;
let org: Org;
let pg: PgClient;
const http = () => request(api.getHttpServer());
const post = (path: string, token: string, body: object, key = newKey()) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', key).send(body);
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

interface Row {
  email: string;
  name: string;
  unitCode: string;
  role: string;
  authority?: string;
  position?: string;
}
interface Result {
  row: number;
  status: number;
  id?: string;
  email?: string;
  unitId?: string;
  role?: string;
  activationToken?: string | null;
  activationExpiresAt?: string | null;
  alreadyCreated?: boolean;
  error?: { code: string; message: string; field: string };
}

let rows: Row[];
let bulkKey: string;
let bulk: request.Response;
const results = () => bulk.body.results as Result[];
const ROLES_CYCLE = ['specialist', 'clerk', 'auditor', 'connector', 'leader'];

beforeAll(async () => {
  api = await startApi();
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  const tag = randomUUID().slice(0, 6);
  rows = Array.from({ length: 1000 }, (_, i) => ({
    email: `Nguoi.${i + 1}-${tag}@Test.Cascade.vn`,
    name: `Người dùng ${i + 1}`,
    unitCode: i % 2 ? org.codes.A : org.codes.A1,
    role: ROLES_CYCLE[i % ROLES_CYCLE.length],
  }));
  rows[99].role = 'boss'; // row 100: 400 role
  rows[199].email = 'khong-phai-thu'; // row 200: 400 email
  rows[299].unitCode = org.codes.X; // row 300: another tree, 404
  rows[399].unitCode = org.codes.R; // row 400: above A, 404
  rows[449].unitCode = `${org.prefix}-KHONG-CO`; // row 450: no such unit, 404
  rows[499].email = rows[1].email.toUpperCase(); // row 500: the e-mail of row 2 again, 409
  rows[599].email = `clerk-${org.prefix.toLowerCase()}@test.cascade.vn`; // row 600: already has an account, 409
  rows[699] = { ...rows[699], unitCode: org.codes.A, role: 'leader', authority: 'T/M BAN THƯỜNG VỤ' }; // 403
  // Row 701: a leader of A1 with its authority, granted by A's admin (a unit above): made, the authority canonical.
  rows[700] = {
    ...rows[700],
    unitCode: org.codes.A1,
    role: 'leader',
    authority: 'K/T CHỦ TỊCH',
    position: 'PHÓ',
  };
  bulkKey = newKey('users');
  bulk = await post('/users/bulk', org.tokens.admin, { users: rows }, bulkKey);
  if (bulk.status !== 200) throw new Error(`bulk: ${bulk.status} ${JSON.stringify(bulk.body)}`);
});

afterAll(async () => {
  await pg?.end();
  await api?.close();
});

describe('POST /users/bulk', () => {
  it('makes 992 users of 1,000 rows in one request; each bad row fails alone, naming its row and field', async () => {
    expect(bulk.body).toMatchObject({ created: 992, failed: 8, secretsShown: true });
    const r = results();
    expect(r.map((x) => x.row)).toEqual(rows.map((_, i) => i + 1));
    const refused = (i: number) => ({ status: r[i].status, ...r[i].error });
    expect(refused(99)).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'role',
      message: 'rows[100].role: must be one of clerk, leader, specialist, auditor, admin, connector',
    });
    expect(refused(199)).toMatchObject({
      status: 400,
      field: 'email',
      message: 'rows[200].email: must be an e-mail address',
    });
    // Another tree's unit, the unit above and a unit that does not exist: the same answer but for the code.
    for (const i of [299, 399, 449]) {
      expect(refused(i)).toEqual({
        status: 404,
        code: 'UNIT_NOT_FOUND',
        field: 'unitCode',
        message: `rows[${i + 1}].unitCode: unit ${rows[i].unitCode} not found`,
      });
    }
    expect(refused(499)).toEqual({
      status: 409,
      code: 'USER_EMAIL_TAKEN',
      field: 'email',
      message: `rows[500].email: ${rows[1].email.toLowerCase()} is also row 2`,
    });
    expect(refused(599)).toMatchObject({ status: 409, code: 'USER_EMAIL_TAKEN', field: 'email' });
    expect(refused(599).message).toBe(`rows[600].email: ${rows[599].email} already has an account`);
    expect(refused(699)).toMatchObject({ status: 403, code: 'SIGNING_GRANT_FORBIDDEN', field: 'authority' });

    const made = r.filter((x) => x.status === 201);
    expect(made).toHaveLength(992);
    expect(made[0]).toMatchObject({ row: 1, email: rows[0].email.toLowerCase(), unitId: org.ids.A1 });
    // Tokens: distinct, 256 random bits, each stored only as its SHA-256, expiring in 72 hours by default.
    expect(new Set(made.map((x) => x.activationToken)).size).toBe(992);
    for (const x of made) expect(x.activationToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const hoursLeft = (Date.parse(made[0].activationExpiresAt!) - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(71.9);
    expect(hoursLeft).toBeLessThanOrEqual(72);
    const stored = await pg.query(
      `SELECT id, password_hash, activation_hash FROM app_user WHERE batch_key LIKE $1 ORDER BY batch_row`,
      [`%/${bulkKey}`],
    );
    expect(stored.rows).toHaveLength(992);
    expect(stored.rows.every((u) => u.password_hash === null)).toBe(true);
    expect(stored.rows.map((u) => u.activation_hash)).toEqual(made.map((x) => sha256(x.activationToken!)));
    // Each with its membership: row 701's authority canonical; row 4 a connector (a service account).
    const memberships = await pg.query(
      `SELECT u.id, m.role, m.authority, m.position, m.unit_id FROM membership m JOIN app_user u ON u.id = m.user_id
        WHERE u.batch_key LIKE $1`,
      [`%/${bulkKey}`],
    );
    expect(memberships.rows).toHaveLength(992);
    const of = (i: number) => memberships.rows.find((m) => m.id === r[i].id);
    expect(of(700)).toMatchObject({
      role: 'leader',
      authority: 'KT. CHỦ TỊCH',
      position: 'PHÓ',
      unit_id: org.ids.A1,
    });
    expect(of(3)).toMatchObject({ role: 'connector', unit_id: org.ids.A });
  });

  it('answers a retry with the same ids and no tokens, also once the stored answer is gone', async () => {
    const ids = results().map((x) => x.id ?? null);
    const replay = await post('/users/bulk', org.tokens.admin, { users: rows }, bulkKey).expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toMatchObject({ created: 992, failed: 8, secretsShown: false });
    expect(replay.body.results.map((x: Result) => x.id ?? null)).toEqual(ids);
    expect(replay.body.results.every((x: Result) => !x.activationToken)).toBe(true);

    await pg.query(`DELETE FROM idempotency_record WHERE key = $1`, [bulkKey]);
    const again = await post('/users/bulk', org.tokens.admin, { users: rows }, bulkKey).expect(200);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.body.results.map((x: Result) => x.id ?? null)).toEqual(ids);
    expect(again.body.results.every((x: Result) => !x.activationToken)).toBe(true);
    expect(again.body.results[0]).toMatchObject({ status: 200, alreadyCreated: true, activationToken: null });
    const count = await pg.query(`SELECT count(*)::int AS n FROM app_user WHERE batch_key LIKE $1`, [
      `%/${bulkKey}`,
    ]);
    expect(count.rows[0].n).toBe(992);
  });

  it('takes CSV with empty optional cells; a bad row fails alone', async () => {
    const tag = randomUUID().slice(0, 6);
    const csv =
      'email,name,unitCode,role,authority,position\n' +
      `csv-1-${tag}@test.cascade.vn,Trần Văn Bình,${org.codes.A1},clerk,,\n` +
      `csv-2-${tag}@test.cascade.vn,,${org.codes.A1},clerk,,\n`;
    const res = await http()
      .post('/users/bulk')
      .set(auth(org.tokens.admin))
      .set('Idempotency-Key', newKey())
      .set('Content-Type', 'text/csv')
      .send(csv)
      .expect(200);
    expect(res.body).toMatchObject({ created: 1, failed: 1 });
    expect(res.body.results[1]).toEqual({
      row: 2,
      status: 400,
      error: { code: 'VALIDATION_FAILED', field: 'name', message: 'rows[2].name: is required' },
    });
  });

  it('refuses every row of a caller who administers nothing: 403 where it sees the unit, 404 where it does not', async () => {
    const res = await post('/users/bulk', org.tokens.clerk, {
      users: [
        {
          email: `x-${randomUUID().slice(0, 6)}@test.cascade.vn`,
          name: 'X',
          unitCode: org.codes.A,
          role: 'clerk',
        },
        {
          email: `y-${randomUUID().slice(0, 6)}@test.cascade.vn`,
          name: 'Y',
          unitCode: org.codes.B,
          role: 'clerk',
        },
      ],
    }).expect(200);
    expect(res.body.created).toBe(0);
    expect(res.body.results.map((x: Result) => [x.status, x.error!.code])).toEqual([
      [403, 'FORBIDDEN'],
      [404, 'UNIT_NOT_FOUND'],
    ]);
  });

  it('refuses more than 10,000 rows with 413 USER_BULK_TOO_MANY_ROWS, and makes 10,000 in one request', async () => {
    const row = { email: 'a@test.cascade.vn', name: 'x', unitCode: org.codes.A1, role: 'clerk' };
    const over = await post('/users/bulk', org.admin, { users: Array(10_001).fill(row) }).expect(413);
    expect(over.body.error.code).toBe('USER_BULK_TOO_MANY_ROWS');
    const tag = randomUUID().slice(0, 6);
    const many = Array.from({ length: 10_000 }, (_, i) => ({
      email: `many-${i}-${tag}@test.cascade.vn`,
      name: `Đoàn viên ${i}`,
      unitCode: i % 2 ? org.codes.A : org.codes.A1,
      role: i % 100 ? 'specialist' : 'connector',
    }));
    const started = Date.now();
    const full = await post('/users/bulk', org.admin, { users: many }).expect(200);
    const ms = Date.now() - started;
    expect(full.body).toMatchObject({ created: 10_000, failed: 0 });
    console.log(`10,000 users in one request: ${ms} ms`);
    expect(ms).toBeLessThan(30_000);
  });
});

describe('POST /auth/activate', () => {
  const token = (i: number) => results()[i].activationToken!;
  const email = (i: number) => rows[i].email.toLowerCase();
  const activate = (body: object) => http().post('/auth/activate').send(body);

  it('a user made in bulk cannot sign in before activating: the answer of wrong credentials', async () => {
    const res = await http()
      .post('/auth/login')
      .send({ email: email(0), password: PASSWORD })
      .expect(401);
    const wrong = await http()
      .post('/auth/login')
      .send({ email: `khong-co-${randomUUID().slice(0, 6)}@test.cascade.vn`, password: PASSWORD })
      .expect(401);
    expect(res.body.error).toEqual(wrong.body.error);
  });

  it('checks the password policy (400 naming password) without consuming the token', async () => {
    const res = await activate({ token: token(0), password: 'ngan' }).expect(400);
    expect(res.body.error.code).toBe('PASSWORD_TOO_WEAK');
    expect(res.body.error.message).toMatch(/^password: /);
    const stored = await pg.query(`SELECT activation_hash FROM app_user WHERE id = $1`, [results()[0].id]);
    expect(stored.rows[0].activation_hash).toBe(sha256(token(0)));
  });

  it('sets the password and answers a session; the user then signs in; the token works once', async () => {
    const res = await activate({ token: token(0), password: PASSWORD }).expect(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer' });
    const me = await http().get('/auth/me').set(auth(res.body.accessToken)).expect(200);
    expect(me.body).toMatchObject({ id: results()[0].id, email: email(0) });
    expect(me.body.memberships).toEqual([
      expect.objectContaining({ unitId: org.ids.A1, role: 'specialist' }),
    ]);
    await http()
      .post('/auth/login')
      .send({ email: email(0), password: PASSWORD })
      .expect(200);
    const stored = await pg.query(`SELECT activation_hash FROM app_user WHERE id = $1`, [results()[0].id]);
    expect(stored.rows[0].activation_hash).toBeNull();

    // Used, expired, unknown: one answer, whichever it was.
    const used = await activate({ token: token(0), password: PASSWORD });
    await pg.query(`UPDATE app_user SET activation_expires_at = now() - interval '1 second' WHERE id = $1`, [
      results()[2].id,
    ]);
    const expired = await activate({ token: token(2), password: PASSWORD });
    const unknown = await activate({ token: 'x'.repeat(43), password: PASSWORD });
    for (const res of [used, expired, unknown]) {
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({
        code: 'ACTIVATION_TOKEN_INVALID',
        message: 'token: not recognised, used or expired',
      });
    }
    // The expired user still cannot sign in.
    await http()
      .post('/auth/login')
      .send({ email: email(2), password: PASSWORD })
      .expect(401);
  });

  it('a connector made in bulk activates and acts as a service account of its unit', async () => {
    const res = await activate({ token: token(3), password: PASSWORD }).expect(200);
    const me = await http().get('/auth/me').set(auth(res.body.accessToken)).expect(200);
    expect(me.body.memberships).toEqual([expect.objectContaining({ unitId: org.ids.A, role: 'connector' })]);
    // It sees its unit and below, and manages nothing.
    await http().get(`/units/${org.ids.A1}`).set(auth(res.body.accessToken)).expect(200);
    await http().get(`/units/${org.ids.R}`).set(auth(res.body.accessToken)).expect(404);
  });
});
