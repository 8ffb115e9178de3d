/**
 * Issue 17, the directive side, attacked through the API on the real PostgreSQL and Temporal:
 * - a report's Idempotency-Key belongs to its caller: another caller (an API key of the same unit, a specialist) with
 *   the same key files its own report, a retry by the same caller answers the same report (also once the
 *   interceptor's record is gone: the report remembers its request), and the same key with another body is 409;
 * - a directive of another tree, through every route that acts for a unit (`unitId`), answers exactly as a directive
 *   id that does not exist: same status, same code, same message but for the id.
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { startApi, startWorker } from './support/apps';
import { newKey } from './support/ids';
import { addMember, auth, buildOrg, SIGNING_AUTHORITY, type Org } from './support/org';
import { waitFor } from './support/wait-for';

jest.setTimeout(300_000);

let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
let pg: PgClient;
const http = () => request(api.getHttpServer());
const get = (path: string, token: string) => http().get(path).set(auth(token));
const post = (path: string, token: string, body: object, key = newKey()) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', key).send(body);

const form = {
  fields: [{ key: 'sessions', label: 'Số buổi', type: 'integer', required: true, min: 0, aggregate: 'sum' }],
};
/** Hourly cycles that began an hour and a half ago: cycles 0 and 1 are open now. */
const reporting = () => ({
  schedule: {
    kind: 'interval',
    start: new Date(Date.now() - 5_400_000).toISOString(),
    everySeconds: 3600,
    count: 5,
  },
  form,
});

/** Units under a parent (by code), with fresh codes: label → id. */
async function importUnits(parentCode: string, labels: string[]): Promise<Record<string, string>> {
  const prefix = `${org.prefix}-${randomUUID().slice(0, 4)}`;
  const imported = await http()
    .post('/units/import')
    .set(auth(org.admin))
    .set('Idempotency-Key', newKey())
    .send(
      labels.map((label) => ({
        code: `${prefix}-${label}`,
        name: `Công đoàn cơ sở ${label}`,
        kind: 'grassroots_union',
        parentCode,
      })),
    );
  if (imported.status !== 200 || imported.body.rejected.length)
    throw new Error(`units: ${imported.status} ${JSON.stringify(imported.body)}`);
  return Object.fromEntries(
    imported.body.created.map((c: { code: string; id: string }) => [c.code.slice(prefix.length + 1), c.id]),
  );
}

/** A unit that issues: a clerk who drafts and a leader who reviews and signs alone in its review chain. */
async function issuer(unitId: string): Promise<{ clerk: string; leader: string }> {
  const clerk = await addMember(api, org, unitId, 'clerk');
  const leader = await addMember(api, org, unitId, 'leader', SIGNING_AUTHORITY);
  await http()
    .put(`/units/${unitId}/review-chain`)
    .set(auth(org.admin))
    .send({ reviewerIds: [leader.id] })
    .expect(200);
  return { clerk: clerk.token, leader: leader.token };
}

/** A draft of the unit to the given units (with the report form), and, when `dispatch`, signed and dispatched. */
async function directive(
  unitId: string,
  people: { clerk: string; leader: string },
  unitIds: string[],
  dispatch: boolean,
): Promise<string> {
  const created = await post('/directives', people.clerk, {
    issuerId: unitId,
    type: 'CV',
    subject: `V/v báo cáo số buổi sinh hoạt ${newKey().slice(0, 6)}`,
    tasks: ['Báo cáo số buổi sinh hoạt theo từng kỳ.'],
    addressees: { mode: 'units', unitIds },
    reporting: reporting(),
  });
  if (created.status !== 201) throw new Error(`directive: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  if (!dispatch) return id;
  await post(`/directives/${id}/submit`, people.clerk, { version: 1 }).expect(200);
  await post(`/directives/${id}/review`, people.leader, { version: 1, decision: 'approve' }).expect(200);
  await post(`/directives/${id}/sign`, people.leader, { version: 1 }).expect(200);
  await waitFor(
    'the dispatch',
    async () => {
      if ((await get(`/directives/${id}`, people.clerk)).body.status !== 'dispatched') return false;
      const routed = await get(`/directives/${id}/routing`, people.clerk);
      return (
        routed.status === 200 &&
        routed.body.items.length === unitIds.length &&
        routed.body.items.every((n: { status: string }) => n.status === 'delivered')
      );
    },
    { timeoutMs: 60_000 },
  );
  return id;
}

/** A unit of A's tree that a directive of A was routed to, with people acting for it. */
let unit: { id: string; clerk: string; specialist: string; apiKey: string };
let ownDirective: string;
/** Directives of X's tree (another root): a draft, and one dispatched to X's own units. */
let otherDraft: string;
let otherDispatched: string;

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi(), startWorker()]);
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();

  const ours = await importUnits(org.codes.A, ['G1']);
  const theirs = await importUnits(org.codes.X, ['H1', 'H2']);
  const key = await http()
    .post(`/units/${ours.G1}/api-keys`)
    .set(auth(org.admin))
    .set('Idempotency-Key', newKey())
    .send({ name: 'phần mềm văn phòng', role: 'clerk' })
    .expect(201);
  unit = {
    id: ours.G1,
    clerk: (await addMember(api, org, ours.G1, 'clerk')).token,
    specialist: (await addMember(api, org, ours.G1, 'specialist')).token,
    apiKey: key.body.key as string,
  };
  const a = await issuer(org.ids.A);
  const x = await issuer(org.ids.X);
  [ownDirective, otherDispatched, otherDraft] = await Promise.all([
    directive(org.ids.A, a, [ours.G1], true),
    directive(org.ids.X, x, [theirs.H1, theirs.H2], true),
    directive(org.ids.X, x, [theirs.H1], false),
  ]);
});

afterAll(async () => {
  await pg?.end();
  await worker?.close();
  await api?.close();
});

describe("a report's Idempotency-Key", () => {
  const reportsOf = async (cycle: number) =>
    (
      await pg.query<{ revision: number; values: { sessions: number } }>(
        `SELECT revision, values FROM report WHERE directive_id = $1 AND unit_id = $2 AND cycle = $3 ORDER BY revision`,
        [ownDirective, unit.id, cycle],
      )
    ).rows;
  /** The interceptor's stored answers for the key: a shortcut, whose loss must not change the answers. */
  const forgetAnswers = (key: string) => pg.query(`DELETE FROM idempotency_record WHERE key = $1`, [key]);

  it('is the caller’s: others file their own reports, a retry answers the same, another body is 409', async () => {
    const K = newKey('report');
    const file = (token: string | { apiKey: string }, cycle: number, sessions: number) => {
      const req = http().post(`/directives/${ownDirective}/reports`).set('Idempotency-Key', K);
      return (typeof token === 'string' ? req.set(auth(token)) : req.set('X-API-Key', token.apiKey)).send({
        unitId: unit.id,
        cycle,
        values: { sessions },
      });
    };

    const byClerk = await file(unit.clerk, 0, 1);
    expect(byClerk.status).toBe(201);
    expect(byClerk.body).toMatchObject({ cycle: 0, revision: 1, values: { sessions: 1 } });

    // An API key of the same unit, same key, other values: its own report, stored as the next revision.
    const byApiKey = await file({ apiKey: unit.apiKey }, 0, 7);
    expect(byApiKey.status).toBe(201);
    expect(byApiKey.body).toMatchObject({ cycle: 0, revision: 2, values: { sessions: 7 } });
    // A specialist, same key, the next cycle: its own report of cycle 1, not cycle 0's.
    const bySpecialist = await file(unit.specialist, 1, 2);
    expect(bySpecialist.status).toBe(201);
    expect(bySpecialist.body).toMatchObject({ cycle: 1, revision: 1, values: { sessions: 2 } });
    expect((await reportsOf(0)).map((r) => r.values.sessions)).toEqual([1, 7]);
    expect((await reportsOf(1)).map((r) => r.values.sessions)).toEqual([2]);

    // The clerk's retry: the same report, nothing more stored, with and without the interceptor's record.
    const retried = await file(unit.clerk, 0, 1);
    expect(retried.status).toBe(201);
    expect(retried.body).toEqual(byClerk.body);
    await forgetAnswers(K);
    const retriedAgain = await file(unit.clerk, 0, 1);
    expect(retriedAgain.status).toBe(201);
    expect(retriedAgain.body).toMatchObject({ cycle: 0, revision: 1, values: { sessions: 1 } });
    expect((await reportsOf(0)).map((r) => r.values.sessions)).toEqual([1, 7]);

    // The same caller and key with another body (values, or cycle): 409, as every other route answers it, whether
    // the interceptor still holds the first answer or only the report remembers its request.
    for (const [cycle, sessions] of [
      [0, 9],
      [1, 1],
    ]) {
      for (const forget of [false, true]) {
        if (forget) await forgetAnswers(K);
        const reused = await file(unit.clerk, cycle, sessions);
        expect([reused.status, reused.body.error?.code, reused.body.error?.message]).toEqual([
          409,
          'IDEMPOTENCY_KEY_REUSED',
          'Idempotency-Key: already used for a different request',
        ]);
      }
    }
    expect((await reportsOf(0)).map((r) => r.values.sessions)).toEqual([1, 7]);
    expect((await reportsOf(1)).map((r) => r.values.sessions)).toEqual([2]);
  });
});

describe("another tree's directive", () => {
  /** Every route under /directives/:id that a unit's people call, for the unit `unitId`. */
  const routes: [string, (id: string, token: string, unitId: string) => request.Test][] = [
    ['GET received', (id, t, u) => get(`/directives/${id}/received?unitId=${u}`, t)],
    ['GET reports', (id, t, u) => get(`/directives/${id}/reports?unitId=${u}&cycle=0`, t)],
    ['GET aggregate', (id, t, u) => get(`/directives/${id}/aggregate?unitId=${u}&cycle=0`, t)],
    [
      'GET aggregate/revisions',
      (id, t, u) => get(`/directives/${id}/aggregate/revisions?unitId=${u}&cycle=0`, t),
    ],
    [
      'GET aggregate/export',
      (id, t, u) => get(`/directives/${id}/aggregate/export?unitId=${u}&cycle=0&format=csv`, t),
    ],
    [
      'POST reports',
      (id, t, u) => post(`/directives/${id}/reports`, t, { unitId: u, cycle: 0, values: { sessions: 1 } }),
    ],
    [
      'POST acknowledge',
      (id, t, u) => post(`/directives/${id}/acknowledge`, t, { unitId: u, decision: 'accept' }),
    ],
    [
      'POST recall-response',
      (id, t, u) => post(`/directives/${id}/recall-response`, t, { unitId: u, decision: 'accept' }),
    ],
    [
      'POST forward',
      (id, t, u) => post(`/directives/${id}/forward`, t, { unitId: u, addressees: { mode: 'children' } }),
    ],
    // Routes that find the unit through the directive's issuer.
    ['GET directive', (id, t) => get(`/directives/${id}`, t)],
    ['GET routing', (id, t) => get(`/directives/${id}/routing`, t)],
    ['GET tree', (id, t) => get(`/directives/${id}/tree`, t)],
    ['GET cycles', (id, t) => get(`/directives/${id}/cycles`, t)],
    ['GET escalations', (id, t) => get(`/directives/${id}/escalations`, t)],
  ];

  const answer = (res: request.Response, id: string) => ({
    status: res.status,
    code: res.body?.error?.code,
    message: String(res.body?.error?.message).replaceAll(id, '<id>'),
  });

  it.each(routes)('%s answers exactly as an unknown directive', async (_name, call) => {
    const unknown = randomUUID();
    const expected = answer(await call(unknown, unit.clerk, unit.id), unknown);
    expect(expected.status).toBe(404);
    for (const id of [otherDraft, otherDispatched]) {
      expect(answer(await call(id, unit.clerk, unit.id), id)).toEqual(expected);
    }
  });

  it('is still seen by the unit it was routed to', async () => {
    expect((await get(`/directives/${ownDirective}/received?unitId=${unit.id}`, unit.clerk)).status).toBe(
      200,
    );
    expect(
      (await get(`/directives/${ownDirective}/aggregate/revisions?unitId=${unit.id}&cycle=0`, unit.clerk))
        .status,
    ).toBe(200);
  });
});
