/**
 * Issue 17, the attacks on people and access, performed through the API on the real PostgreSQL and Temporal: one
 * person drafting, approving and signing alone (a self-granted authority, a chain of only oneself, the role the trail
 * records), the race of sign-in throttling, and the smaller ones (a session's absolute lifetime, bootstrap-admin's
 * reset, the common-password list, an API key closing or recalling, a removed leader left in a review chain).
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { randomInt, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { DataSource } from 'typeorm';
import { admitLoginAttempt, bootstrapAdmin, markLoginFailed } from '@cascade/persistence';
import { startApi, startWorker } from './support/apps';
import { newKey } from './support/ids';
import {
  addMember,
  auth,
  buildOrg,
  importUnitsUnderA,
  login,
  PASSWORD,
  SIGNING_AUTHORITY,
  systemAdmin,
  type Org,
} from './support/org';
import { waitFor } from './support/wait-for';

jest.setTimeout(180_000);

const MAX_FAILURES = 5;

let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
let pg: PgClient;
const http = () => request(api.getHttpServer());

beforeAll(async () => {
  [api, worker] = await Promise.all([
    startApi({
      LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      LOGIN_MAX_FAILURES_PER_ADDRESS: String(4 * MAX_FAILURES),
      LOGIN_MAX_DELAY_SECONDS: '60',
      // The test of many people behind one address names a fresh address of its own (other spec files' failures
      // from 127.0.0.1 count against that one).
      TRUST_PROXY_HOPS: '1',
    }),
    startWorker(),
  ]);
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
});

afterAll(async () => {
  await pg?.end();
  await api?.close();
  await worker?.close();
});

const post = (path: string, token: string, body: object) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);

/** A fresh unit under A with a child (so that a directive of it has somewhere to go): its id. */
async function freshUnit(): Promise<string> {
  const ids = await importUnitsUnderA(api, org, [
    ['U', 'federation', null],
    ['U1', 'grassroots_union', 'U'],
  ]);
  return ids.U;
}

/** Gives an existing user one more role in a unit, as the org's system administrator. */
async function grant(unitId: string, userId: string, role: string, extra: object = {}) {
  await post(`/units/${unitId}/memberships`, org.admin, { userId, role, ...extra }).expect(201);
}

const draft = (issuerId: string) => ({
  issuerId,
  type: 'CV',
  place: 'Tây Ninh',
  subject: 'V/v kiểm tra an ninh',
  tasks: ['Thực hiện kiểm tra.'],
  addressees: { mode: 'children' },
});

interface TrailEvent {
  action: string;
  actorUserId: string | null;
  actorRole: string | null;
}

const events = async (id: string, token: string): Promise<TrailEvent[]> =>
  (await http().get(`/directives/${id}/events`).set(auth(token)).expect(200)).body.items as TrailEvent[];

describe('nobody drafts, approves and signs alone (item 5)', () => {
  it('refuses a signing authority granted by an admin of the unit itself, to itself or to another', async () => {
    const unit = await freshUnit();
    const admin = await addMember(api, org, unit, 'admin');
    const self = await post(`/units/${unit}/memberships`, admin.token, {
      userId: admin.id,
      role: 'leader',
      ...SIGNING_AUTHORITY,
    });
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('SIGNING_GRANT_FORBIDDEN');
    expect(self.body.error.message).toMatch(/^authority: /);
    // A sock puppet it creates (and whose password it knows) is no way round it.
    const puppet = await post('/users', admin.token, {
      email: `puppet-${randomUUID().slice(0, 8)}@test.cascade.vn`,
      name: 'Bù nhìn',
      password: PASSWORD,
      membership: { unitId: unit, role: 'leader', ...SIGNING_AUTHORITY },
    });
    expect(puppet.status).toBe(403);
    expect(puppet.body.error.code).toBe('SIGNING_GRANT_FORBIDDEN');
    // A leader without authority may still be granted there (it reviews, never signs).
    await post(`/units/${unit}/memberships`, admin.token, { userId: admin.id, role: 'leader' }).expect(201);
    // An admin of a unit above grants the authority.
    const above = await addMember(api, org, org.ids.A, 'admin');
    const other = await addMember(api, org, unit, 'clerk');
    await post(`/units/${unit}/memberships`, above.token, {
      userId: other.id,
      role: 'leader',
      ...SIGNING_AUTHORITY,
    }).expect(201);
    // an authority as documents print it ("T/M", as Thanh Hóa signs) is stored, and signs, in its canonical form
    const printed = await addMember(api, org, unit, 'clerk');
    const granted = await post(`/units/${unit}/memberships`, above.token, {
      userId: printed.id,
      role: 'leader',
      authority: 'T/M BAN THƯỜNG VỤ',
      position: 'PHÓ CHỦ TỊCH',
    }).expect(201);
    expect(granted.body.authority).toBe('TM. BAN THƯỜNG VỤ');
  });

  it('refuses a review chain of only the caller', async () => {
    const unit = await freshUnit();
    const admin = await addMember(api, org, unit, 'admin');
    await post(`/units/${unit}/memberships`, admin.token, { userId: admin.id, role: 'leader' }).expect(201);
    const alone = await http()
      .put(`/units/${unit}/review-chain`)
      .set(auth(admin.token))
      .send({ reviewerIds: [admin.id] });
    expect(alone.status).toBe(422);
    expect(alone.body.error.code).toBe('REVIEW_CHAIN_SELF_ONLY');
    expect(alone.body.error.message).toMatch(/^reviewerIds: /);
    expect((await http().get(`/units/${unit}/review-chain`).set(auth(admin.token))).body).toEqual([]);
  });

  it('refuses to submit a draft whose whole review chain is its submitter', async () => {
    const unit = await freshUnit();
    const drafter = await addMember(api, org, unit, 'clerk');
    await grant(unit, drafter.id, 'leader', SIGNING_AUTHORITY);
    await http()
      .put(`/units/${unit}/review-chain`)
      .set(auth(org.admin))
      .send({ reviewerIds: [drafter.id] })
      .expect(200);
    const created = await post('/directives', drafter.token, draft(unit)).expect(201);
    const submitted = await post(`/directives/${created.body.id}/submit`, drafter.token, { version: 1 });
    expect(submitted.status).toBe(409);
    expect(submitted.body.error.code).toBe('REVIEW_CHAIN_ONLY_SUBMITTER');
    expect(submitted.body.error.message).toMatch(/^reviewers: /);
    const directive = await http().get(`/directives/${created.body.id}`).set(auth(drafter.token)).expect(200);
    expect(directive.body.status).toBe('draft');
  });

  it('records the role actually used: clerk to submit, leader to review and sign', async () => {
    const unit = await freshUnit();
    // 'admin' < 'clerk' < 'leader': the alphabetically first role is never the one used here.
    const drafter = await addMember(api, org, unit, 'admin');
    await grant(unit, drafter.id, 'clerk');
    const leader = await addMember(api, org, unit, 'clerk');
    await grant(unit, leader.id, 'leader', SIGNING_AUTHORITY);
    await http()
      .put(`/units/${unit}/review-chain`)
      .set(auth(org.admin))
      .send({ reviewerIds: [leader.id] })
      .expect(200);
    const id = (await post('/directives', drafter.token, draft(unit)).expect(201)).body.id as string;
    await post(`/directives/${id}/submit`, drafter.token, { version: 1 }).expect(200);
    await post(`/directives/${id}/review`, leader.token, { version: 1, decision: 'approve' }).expect(200);
    await post(`/directives/${id}/sign`, leader.token, { version: 1 }).expect(200);
    const trail = await waitFor('the signature in the trail', async () => {
      const all = await events(id, org.admin);
      return all.some((event) => event.action === 'signed') && all;
    });
    const roleOf = (action: string) => trail.find((event) => event.action === action);
    expect(roleOf('review.submitted')).toMatchObject({ actorUserId: drafter.id, actorRole: 'clerk' });
    expect(roleOf('review.approved')).toMatchObject({ actorUserId: leader.id, actorRole: 'leader' });
    expect(roleOf('signed')).toMatchObject({ actorUserId: leader.id, actorRole: 'leader' });
  });
});

describe('sign-in throttling (item 7)', () => {
  it('checks at most the limit of 20 parallel wrong passwords; a right one works after the delay', async () => {
    const user = await addMember(api, org, org.ids.A, 'specialist');
    // From an address of its own, so that other spec files' failures from 127.0.0.1 do not count here.
    const from = `203.0.113.${randomInt(1, 255)}`;
    const signIn = (password: string) =>
      http().post('/auth/login').set('X-Forwarded-For', from).send({ email: user.email, password });
    const answers = await Promise.all(Array.from({ length: 20 }, () => signIn('Sai-mật-khẩu-9')));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(MAX_FAILURES);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20 - MAX_FAILURES);
    for (const answer of answers.filter((a) => a.status === 429)) {
      expect(answer.body.error.code).toBe('LOGIN_THROTTLED');
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(answer.headers['retry-after'])).toBe(answer.body.error.details.retryAfterSeconds);
    }
    // A growing delay, not a lock: once it has passed, the right password signs in (no fixed sleep: polled).
    const early = await signIn(PASSWORD);
    expect(early.status).toBe(429);
    expect(Number(early.headers['retry-after'])).toBeLessThanOrEqual(60);
    await waitFor('the delay to pass', async () => (await signIn(PASSWORD)).status === 200, {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
  });
  it('holds the delay while an attempt is still being checked, however long its check takes (a busy host)', async () => {
    const db = api.get(DataSource);
    const email = `slow-${randomUUID()}@test.cascade.vn`;
    const from = `192.0.2.${randomInt(1, 255)}`;
    const throttle = { maxFailures: 2, maxFailuresPerAddress: 100, windowSeconds: 900, maxDelaySeconds: 60 };
    const admit = () => admitLoginAttempt(db, { email, ip: from }, throttle);
    const first = await admit();
    const second = await admit();
    expect(first.attemptId && second.attemptId).toBeTruthy();
    // Both checks began 10 s ago and are still running: past the 2 s delay by their start, not by their outcome.
    await pg.query(`UPDATE login_attempt SET at = at - interval '10 seconds' WHERE email = $1`, [email]);
    const whileChecking = await admit();
    expect(whileChecking.attemptId).toBeNull();
    expect(whileChecking.retryAfterSeconds).toBeLessThanOrEqual(2);
    // Once they are known to have failed, the delay runs from then (not from when the checks began).
    await markLoginFailed(db, first.attemptId!);
    await markLoginFailed(db, second.attemptId!);
    const afterwards = await admit();
    expect(afterwards.attemptId).toBeNull();
  });
});

describe('many people signing in from one address', () => {
  it('admits more simultaneous right sign-ins than the address failure limit (an office behind NAT)', async () => {
    // The address's limit is 4 × LOGIN_MAX_FAILURES failures; attempts still being checked are not failures.
    const people = [];
    for (let i = 0; i < 4 * MAX_FAILURES + 6; i++)
      people.push(await addMember(api, org, org.ids.A, 'specialist'));
    const office = `198.51.100.${randomInt(1, 255)}`;
    const answers = await Promise.all(
      people.map((person) =>
        http()
          .post('/auth/login')
          .set('X-Forwarded-For', office)
          .send({ email: person.email, password: PASSWORD }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(people.map(() => 200));
  });
});

describe('the smaller ones (item 12)', () => {
  it('ends a session at its absolute lifetime, however often it is rotated', async () => {
    const user = await addMember(api, org, org.ids.A, 'auditor');
    const first = await http()
      .post('/auth/login')
      .send({ email: user.email, password: PASSWORD })
      .expect(200);
    const rotated = await http()
      .post('/auth/refresh')
      .send({ refreshToken: first.body.refreshToken })
      .expect(200);
    const { sid } = jwt.decode(rotated.body.accessToken) as { sid: string };
    // The sign-in happened 31 days ago (the default lifetime is 30).
    await pg.query(`UPDATE session_family SET created_at = now() - interval '31 days' WHERE id = $1`, [sid]);
    const refreshed = await http().post('/auth/refresh').send({ refreshToken: rotated.body.refreshToken });
    expect(refreshed.status).toBe(401);
    expect(refreshed.body.error.code).toBe('REFRESH_TOKEN_INVALID');
    await http().get('/auth/me').set(auth(rotated.body.accessToken)).expect(401);
  });

  it('bootstrap-admin resetting the password ends the sessions signed in with the old one', async () => {
    const root = await systemAdmin(api);
    const pair = await http().post('/auth/login').send({ email: root.email, password: PASSWORD }).expect(200);
    await http().get('/auth/me').set(auth(root.token)).expect(200);
    const fresh = `Mới-${randomUUID().slice(0, 8)}-Aa1!`;
    await bootstrapAdmin(process.env.DATABASE_URL!, root.email, fresh, 'Quản trị hệ thống');
    await http().get('/auth/me').set(auth(root.token)).expect(401);
    await http().get('/auth/me').set(auth(pair.body.accessToken)).expect(401);
    await http().post('/auth/refresh').send({ refreshToken: pair.body.refreshToken }).expect(401);
    await http()
      .get('/auth/me')
      .set(auth(await login(api, root.email, fresh)))
      .expect(200);
  });

  it.each(['Sunshine2024!', 'Qwertyuiop1!', 'Football#2024', 'Iloveyou1234'])(
    'refuses the common password %s',
    async (password) => {
      const created = await post('/users', org.admin, {
        email: `weak-${randomUUID().slice(0, 8)}@test.cascade.vn`,
        name: 'Người dùng yếu',
        password,
        membership: { unitId: org.ids.A, role: 'clerk' },
      });
      expect(created.status).toBe(400);
      expect(created.body.error.code).toBe('PASSWORD_TOO_WEAK');
      expect(created.body.error.message).toMatch(/^password: .*too common/);
    },
  );

  it('an API key with the leader role neither closes nor recalls a dispatched directive', async () => {
    const unit = await freshUnit();
    const clerk = await addMember(api, org, unit, 'clerk');
    const leader = await addMember(api, org, unit, 'leader', SIGNING_AUTHORITY);
    await http()
      .put(`/units/${unit}/review-chain`)
      .set(auth(org.admin))
      .send({ reviewerIds: [leader.id] })
      .expect(200);
    const id = (await post('/directives', clerk.token, draft(unit)).expect(201)).body.id as string;
    await post(`/directives/${id}/submit`, clerk.token, { version: 1 }).expect(200);
    await post(`/directives/${id}/review`, leader.token, { version: 1, decision: 'approve' }).expect(200);
    await post(`/directives/${id}/sign`, leader.token, { version: 1 }).expect(200);
    await waitFor(
      'the dispatch',
      async () => (await http().get(`/directives/${id}`).set(auth(clerk.token))).body.status === 'dispatched',
    );
    const key = (
      await post(`/units/${unit}/api-keys`, org.admin, { name: 'connector', role: 'leader' }).expect(201)
    ).body.key as string;
    for (const [action, body] of [
      ['recall', { reason: 'Thu hồi trái phép' }],
      ['close', { reason: 'Đóng trái phép' }],
    ] as const) {
      const answer = await http()
        .post(`/directives/${id}/${action}`)
        .set('X-API-Key', key)
        .set('Idempotency-Key', newKey())
        .send(body);
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('SIGNER_NO_AUTHORITY');
    }
    expect((await http().get(`/directives/${id}`).set(auth(clerk.token))).body.status).toBe('dispatched');
    // The leader holding the authority still closes it.
    await post(`/directives/${id}/close`, leader.token, { reason: 'Hoàn thành' }).expect(200);
  });

  it('a leader removed from a unit leaves its review chain', async () => {
    const unit = await freshUnit();
    const first = await addMember(api, org, unit, 'leader');
    const second = await addMember(api, org, unit, 'leader');
    await http()
      .put(`/units/${unit}/review-chain`)
      .set(auth(org.admin))
      .send({ reviewerIds: [first.id, second.id] })
      .expect(200);
    const members = (await http().get(`/units/${unit}/members`).set(auth(org.admin)).expect(200)).body
      .items as {
      id: string;
      userId: string;
      role: string;
    }[];
    const membership = members.find((m) => m.userId === first.id && m.role === 'leader')!;
    await http().delete(`/memberships/${membership.id}`).set(auth(org.admin)).expect(204);
    const chain = await http().get(`/units/${unit}/review-chain`).set(auth(org.admin)).expect(200);
    expect(chain.body.map((reviewer: { reviewerId: string }) => reviewer.reviewerId)).toEqual([second.id]);
  });
});
