/**
 * Connectors (#19), through the API on the real PostgreSQL and Temporal: a province's e-office system holds one
 * `connector` API key of the province, made with 999 others in one bulk request (a bad row, a row of a unit the
 * caller may not see, refused alone; a retry answers the same ids without the secrets, also once the stored answer
 * is gone). The key acknowledges, reads and reports for a grassroots union below the province, each event the unit's
 * with the connector named; for a unit of the sibling tree it gets 404 exactly like a unit that does not exist; it
 * cannot sign, draft or manage. Over 10,000 rows is 413.
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
const asKey = (key: string) => ({
  get: (path: string) => http().get(path).set('X-API-Key', key),
  post: (path: string, body: object, idem = newKey()) =>
    http().post(path).set('X-API-Key', key).set('Idempotency-Key', idem).send(body),
});

const form = {
  fields: [{ key: 'sessions', label: 'Số buổi', type: 'integer', required: true, min: 0, aggregate: 'sum' }],
};

/** Units under a parent (by code), with fresh codes: label → { id, code }. */
async function importUnits(
  parentCode: string,
  rows: [label: string, kind: string][],
): Promise<Record<string, { id: string; code: string }>> {
  const prefix = `${org.prefix}-${randomUUID().slice(0, 4)}`;
  const imported = await post(
    '/units/import',
    org.admin,
    rows.map(([label, kind]) => ({ code: `${prefix}-${label}`, name: `Đơn vị ${label}`, kind, parentCode })),
  );
  if (imported.status !== 200 || imported.body.rejected.length)
    throw new Error(`units: ${imported.status} ${JSON.stringify(imported.body)}`);
  return Object.fromEntries(
    imported.body.created.map((c: { code: string; id: string }) => [
      c.code.slice(prefix.length + 1),
      { id: c.id, code: c.code },
    ]),
  );
}

// R (national) → A (province) → D (district) → G1, G2 (grassroots); R → B (another province) → BG (grassroots).
let district: { id: string; code: string };
let g1: string;
let g2: string;
let bg: string;
/** The directive of R to G1, G2 and BG, dispatched; and a draft of A. */
let directiveId: string;
let draftOfA: string;
/** The province's connector key (row 1 of the bulk request) and its id. */
let connector: { key: string; id: string };
let bulk: request.Response;
let bulkKey: string;
let bulkRows: { unitCode: string; name: string; role: string }[];

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi(), startWorker()]);
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  district = (await importUnits(org.codes.A, [['D', 'federation']])).D;
  const grassroots = await importUnits(district.code, [
    ['G1', 'grassroots_union'],
    ['G2', 'grassroots_union'],
  ]);
  [g1, g2] = [grassroots.G1.id, grassroots.G2.id];
  bg = (await importUnits(org.codes.B, [['BG', 'grassroots_union']])).BG.id;

  // R issues: a clerk drafts, a leader alone in the review chain signs.
  const clerk = await addMember(api, org, org.ids.R, 'clerk');
  const leader = await addMember(api, org, org.ids.R, 'leader', SIGNING_AUTHORITY);
  await http()
    .put(`/units/${org.ids.R}/review-chain`)
    .set(auth(org.admin))
    .send({ reviewerIds: [leader.id] })
    .expect(200);
  const created = await post('/directives', clerk.token, {
    issuerId: org.ids.R,
    type: 'CV',
    subject: `V/v báo cáo số buổi sinh hoạt ${newKey().slice(0, 6)}`,
    tasks: ['Báo cáo số buổi sinh hoạt.'],
    addressees: { mode: 'units', unitIds: [g1, g2, bg] },
    reporting: {
      schedule: {
        kind: 'interval',
        start: new Date(Date.now() - 5_400_000).toISOString(),
        everySeconds: 3600,
        count: 3,
      },
      form,
    },
  }).expect(201);
  directiveId = created.body.id;
  await post(`/directives/${directiveId}/submit`, clerk.token, { version: 1 }).expect(200);
  await post(`/directives/${directiveId}/review`, leader.token, { version: 1, decision: 'approve' }).expect(
    200,
  );
  await post(`/directives/${directiveId}/sign`, leader.token, { version: 1 }).expect(200);
  await waitFor(
    'the dispatch',
    async () => {
      const routed = await get(`/directives/${directiveId}/routing`, org.admin);
      return (
        routed.status === 200 &&
        routed.body.items.length === 3 &&
        routed.body.items.every((n: { status: string }) => n.status === 'delivered')
      );
    },
    { timeoutMs: 60_000 },
  );
  draftOfA = (
    await post('/directives', org.admin, {
      issuerId: org.ids.A,
      type: 'KH',
      subject: 'Kế hoạch tuyên truyền',
      tasks: ['Triển khai.'],
      addressees: { mode: 'children' },
    }).expect(201)
  ).body.id;

  // 1,000 rows by A's admin: the province's connector first, then keys of the units below, and three bad rows.
  const codes = [org.codes.A, district.code, grassroots.G1.code, grassroots.G2.code];
  bulkRows = Array.from({ length: 1000 }, (_, i) => ({
    unitCode: codes[i % codes.length],
    name: `Phần mềm văn phòng ${i + 1}`,
    role: i === 0 ? 'connector' : i % 2 ? 'clerk' : 'specialist',
  }));
  bulkRows[499] = { unitCode: district.code, name: 'sai vai trò', role: 'admin' }; // row 500: 400 role
  bulkRows[699] = { unitCode: org.codes.X, name: 'cây khác', role: 'clerk' }; // row 700: another tree, 404
  bulkRows[899] = { unitCode: org.codes.R, name: 'cấp trên', role: 'clerk' }; // row 900: above, 404
  bulkKey = newKey('bulk');
  bulk = await post('/api-keys/bulk', org.tokens.admin, { keys: bulkRows }, bulkKey);
  if (bulk.status !== 200) throw new Error(`bulk: ${bulk.status} ${JSON.stringify(bulk.body)}`);
  connector = { key: bulk.body.results[0].key, id: bulk.body.results[0].id };
});

afterAll(async () => {
  await pg?.end();
  await Promise.all([api?.close(), worker?.close()]);
});

describe('POST /api-keys/bulk', () => {
  it('makes 997 keys of 1,000 rows in one request; each bad row fails alone, naming its row and field', async () => {
    expect(bulk.body).toMatchObject({ created: 997, failed: 3, secretsShown: true });
    const results = bulk.body.results as {
      row: number;
      status: number;
      id?: string;
      key?: string;
      role?: string;
      error?: { code: string; message: string; field: string };
    }[];
    expect(results.map((r) => r.row)).toEqual(bulkRows.map((_, i) => i + 1));
    expect(results[499]).toEqual({
      row: 500,
      status: 400,
      error: {
        code: 'VALIDATION_FAILED',
        field: 'role',
        message: 'rows[500].role: must be one of clerk, leader, specialist, auditor, connector',
      },
    });
    for (const i of [699, 899]) {
      expect(results[i]).toMatchObject({
        row: i + 1,
        status: 404,
        error: { code: 'UNIT_NOT_FOUND', field: 'unitCode' },
      });
      expect(results[i].error!.message).toBe(
        `rows[${i + 1}].unitCode: unit ${bulkRows[i].unitCode} not found`,
      );
    }
    const made = results.filter((r) => r.status === 201);
    expect(made).toHaveLength(997);
    expect(new Set(made.map((r) => r.key)).size).toBe(997);
    for (const r of made) expect(r.key).toMatch(/^ck_[0-9a-f]{12}_/);
    expect(results[0]).toMatchObject({ status: 201, role: 'connector', unitId: org.ids.A });
    const stored = await pg.query(`SELECT count(*)::int AS n FROM api_key WHERE batch_key LIKE $1`, [
      `%/${bulkKey}`,
    ]);
    expect(stored.rows[0].n).toBe(997);
    // Every key works: one of them (a clerk key of G2) reads its unit.
    const g2Key = made.find((r) => bulkRows[r.row - 1].unitCode === codesOf(g2))!.key!;
    await asKey(g2Key).get(`/units/${g2}`).expect(200);
  });

  it('answers a retry with the same ids and no secrets, also once the stored answer is gone', async () => {
    const ids = (bulk.body.results as { id?: string }[]).map((r) => r.id ?? null);
    const replay = await post('/api-keys/bulk', org.tokens.admin, { keys: bulkRows }, bulkKey).expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toMatchObject({ created: 997, failed: 3, secretsShown: false });
    expect(replay.body.results.map((r: { id?: string }) => r.id ?? null)).toEqual(ids);
    expect(replay.body.results.every((r: { key?: string | null }) => !r.key)).toBe(true);

    await pg.query(`DELETE FROM idempotency_record WHERE key = $1`, [bulkKey]);
    const again = await post('/api-keys/bulk', org.tokens.admin, { keys: bulkRows }, bulkKey).expect(200);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.body.results.map((r: { id?: string }) => r.id ?? null)).toEqual(ids);
    expect(again.body.results[0]).toMatchObject({ status: 200, alreadyCreated: true, key: null });
    const stored = await pg.query(`SELECT count(*)::int AS n FROM api_key WHERE batch_key LIKE $1`, [
      `%/${bulkKey}`,
    ]);
    expect(stored.rows[0].n).toBe(997);
  });

  it('takes CSV; a bad row fails alone', async () => {
    const csv = `unitCode,name,role\n${org.codes.A},e-office tỉnh,connector\n${org.codes.A},,clerk\n`;
    const res = await http()
      .post('/api-keys/bulk')
      .set(auth(org.tokens.admin))
      .set('Idempotency-Key', newKey())
      .set('Content-Type', 'text/csv')
      .send(csv)
      .expect(200);
    expect(res.body).toMatchObject({ created: 1, failed: 1 });
    expect(res.body.results[1]).toMatchObject({
      row: 2,
      status: 400,
      error: { field: 'name', message: 'rows[2].name: is required' },
    });
  });

  it('refuses more than 10,000 rows with 413 API_KEY_BULK_TOO_MANY_ROWS, and makes 10,000 in one request', async () => {
    const row = { unitCode: district.code, name: 'x', role: 'clerk' };
    const over = await post('/api-keys/bulk', org.tokens.admin, { keys: Array(10_001).fill(row) }).expect(
      413,
    );
    expect(over.body.error.code).toBe('API_KEY_BULK_TOO_MANY_ROWS');
    const started = Date.now();
    const full = await post('/api-keys/bulk', org.tokens.admin, { keys: Array(10_000).fill(row) }).expect(
      200,
    );
    expect(full.body.created).toBe(10_000);
    console.log(`10,000 API keys in one request: ${Date.now() - started} ms`);
  });

  it('is for administrators: a connector key may not provision keys', async () => {
    const res = await asKey(connector.key).post('/api-keys/bulk', { keys: bulkRows.slice(0, 2) });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });
});

describe('a province connector', () => {
  it('reads, acknowledges and reports for a grassroots union below it; the events are the unit’s, done by the connector', async () => {
    const k = asKey(connector.key);
    const received = await k.get(`/directives/${directiveId}/received?unitId=${g1}`).expect(200);
    expect(received.body.id).toBe(directiveId);
    await k.post(`/directives/${directiveId}/acknowledge`, { unitId: g1, decision: 'accept' }).expect(200);
    await k
      .post(`/directives/${directiveId}/reports`, { unitId: g1, cycle: 0, values: { sessions: 4 } })
      .expect(201);
    const events = await pg.query(
      `SELECT action, actor_user_id, actor_role, actor_unit_id, data FROM directive_event
        WHERE directive_id = $1 AND action IN ('acknowledged', 'report.submitted') ORDER BY id`,
      [directiveId],
    );
    const name = bulkRows[0].name;
    expect(events.rows).toEqual([
      {
        action: 'acknowledged',
        actor_user_id: null,
        actor_role: 'connector',
        actor_unit_id: g1,
        data: { unitId: g1, connector: { kind: 'apiKey', id: connector.id, name } },
      },
      {
        action: 'report.submitted',
        actor_user_id: null,
        actor_role: 'connector',
        actor_unit_id: g1,
        data: expect.objectContaining({ cycle: 0, connector: { kind: 'apiKey', id: connector.id, name } }),
      },
    ]);
    // The report itself is G1's.
    const report = await k.get(`/directives/${directiveId}/reports?unitId=${g1}&cycle=0`).expect(200);
    expect(JSON.stringify(report.body)).toContain('"sessions":4');
    // The chain still verifies with the new events.
    const verified = await get(`/directives/${directiveId}/audit/verify`, org.admin).expect(200);
    expect(verified.body.valid).toBe(true);
  });

  it('gets 404 for a unit of the sibling tree, exactly as for a unit that does not exist', async () => {
    const k = asKey(connector.key);
    const ghost = randomUUID();
    for (const [path, body] of [
      ['acknowledge', { decision: 'accept' }],
      ['reports', { cycle: 0, values: { sessions: 1 } }],
    ] as const) {
      const sibling = await k.post(`/directives/${directiveId}/${path}`, { unitId: bg, ...body });
      const none = await k.post(`/directives/${directiveId}/${path}`, { unitId: ghost, ...body });
      expect([sibling.status, none.status]).toEqual([404, 404]);
      expect(sibling.body.error.code).toBe(none.body.error.code);
      expect(sibling.body.error.message.replace(bg, '?')).toBe(none.body.error.message.replace(ghost, '?'));
    }
    const read = await k.get(`/directives/${directiveId}/received?unitId=${bg}`);
    expect(read.status).toBe(404);
  });

  it('cannot sign, draft or manage, even for its own unit', async () => {
    const k = asKey(connector.key);
    const sign = await k.post(`/directives/${draftOfA}/sign`, { version: 1 });
    expect([sign.status, sign.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const draft = await k.post('/directives', {
      issuerId: org.ids.A,
      type: 'KH',
      subject: 'Kế hoạch',
      tasks: ['Triển khai.'],
      addressees: { mode: 'children' },
    });
    expect([draft.status, draft.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const manage = await k.post(`/units/${g2}/api-keys`, { name: 'x', role: 'clerk' });
    expect([manage.status, manage.body.error.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('a refusal names the action: "acknowledge", not "report"', async () => {
    const res = await post(`/directives/${directiveId}/acknowledge`, org.tokens.leader, {
      unitId: org.ids.A,
      decision: 'accept',
    }).expect(403);
    expect(res.body.error.message).toBe('unitId: your roles do not permit "acknowledge" here');
  });

  it('a user with the connector role acts for the units below it too, named as the connector', async () => {
    const service = await addMember(api, org, district.id, 'connector');
    await post(`/directives/${directiveId}/acknowledge`, service.token, {
      unitId: g2,
      decision: 'accept',
    }).expect(200);
    const event = await pg.query(
      `SELECT actor_user_id, actor_role, actor_unit_id, data FROM directive_event
        WHERE directive_id = $1 AND action = 'acknowledged' AND actor_unit_id = $2`,
      [directiveId, g2],
    );
    expect(event.rows).toEqual([
      {
        actor_user_id: service.id,
        actor_role: 'connector',
        actor_unit_id: g2,
        data: { unitId: g2, connector: { kind: 'user', id: service.id, name: expect.any(String) } },
      },
    ]);
  });
});

/** The code of a unit imported here (for picking a row of the bulk request). */
function codesOf(unitId: string): string {
  const row = bulk.body.results.find((r: { unitId?: string }) => r.unitId === unitId);
  return row.unitCode;
}
