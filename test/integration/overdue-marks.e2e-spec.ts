/**
 * The overdue marks set-based (issue 19), on the real Temporal dev server and PostgreSQL: the grassroots deadline's
 * step marks many hubs per statement and transaction, in the hubs' order, each under its hub's lock held alone. With
 * one hub's lock held by another session across the deadline, the hubs before it are marked (exactly their units
 * without an on-time report) while it is held, nothing at or after it; once released, every unit is marked exactly
 * when it has no on-time report, and no hub is.
 *
 * The tree, under the organisation's A (the issuer): A → D1, D2, D3 (each with grassroots G·1, G·2, G·3), A → G0, and
 * the organisation's own A1 (a grassroots unit under A).
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { grassrootsHubs } from '@cascade/persistence';
import { startApi, startWorker } from './support/apps';
import { newKey } from './support/ids';
import { addMember, auth, buildOrg, importUnitsUnderA, SIGNING_AUTHORITY, type Org } from './support/org';
import { waitFor } from './support/wait-for';

jest.setTimeout(240_000);

let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
let pg: PgClient;
let holder: PgClient;
const http = () => request(api.getHttpServer());
const post = (path: string, token: string, body: object) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);
const get = (path: string, token: string) => http().get(path).set(auth(token));

const form = {
  fields: [{ key: 'sessions', label: 'Số buổi', type: 'integer', required: true, min: 0, aggregate: 'sum' }],
};

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi(), startWorker()]);
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  holder = new PgClient({ connectionString: process.env.DATABASE_URL });
  await Promise.all([pg.connect(), holder.connect()]);
});

afterAll(async () => {
  await holder?.end();
  await pg?.end();
  await api?.close();
  await worker?.close();
});

/** The units marked overdue for cycle 0, and whether each grassroots unit has an on-time report. */
async function marks(directiveId: string) {
  const rows = await pg.query<{
    unit_id: string;
    hub: string;
    marked: boolean;
    on_time: boolean;
    is_hub: boolean;
  }>(
    `SELECT r.unit_id, COALESCE(r.parent_unit_id, d.issuer_id)::text AS hub, r.is_hub,
            EXISTS (SELECT 1 FROM escalation e WHERE e.directive_id = r.directive_id AND e.unit_id = r.unit_id
                       AND e.cycle = 0 AND e.level = 'overdue') AS marked,
            EXISTS (SELECT 1 FROM report p WHERE p.directive_id = r.directive_id AND p.unit_id = r.unit_id
                       AND p.cycle = 0 AND NOT p.late) AS on_time
       FROM routing_node r JOIN directive d ON d.id = r.directive_id WHERE r.directive_id = $1`,
    [directiveId],
  );
  return rows.rows;
}

it('marks the hubs before a busy one while it is held, then the rest: exactly the units without an on-time report', async () => {
  const ids = await importUnitsUnderA(api, org, [
    ['D1', 'federation', null],
    ['D2', 'federation', null],
    ['D3', 'federation', null],
    ['G0', 'grassroots_union', null],
    ...['D1', 'D2', 'D3'].flatMap((d) =>
      [1, 2, 3].map((n) => [`G${d.slice(1)}${n}`, 'grassroots_union', d] as [string, string, string]),
    ),
  ]);
  const clerk = (await addMember(api, org, org.ids.A, 'clerk')).token;
  const leader = await addMember(api, org, org.ids.A, 'leader', SIGNING_AUTHORITY);
  await http()
    .put(`/units/${org.ids.A}/review-chain`)
    .set(auth(org.admin))
    .send({ reviewerIds: [leader.id] })
    .expect(200);
  const created = await post('/directives', clerk, {
    issuerId: org.ids.A,
    type: 'CV',
    place: 'Tây Ninh',
    subject: `V/v thử đánh dấu quá hạn ${newKey().slice(0, 6)}`,
    tasks: ['Báo cáo kết quả.'],
    addressees: { mode: 'subtree', depth: 2 },
    reporting: {
      form,
      schedule: { kind: 'interval', everySeconds: 20, count: 1 },
      escalation: { parentAfter: 'PT1H' },
    },
  });
  expect([created.status, created.body]).toEqual([201, expect.anything()]);
  const id = created.body.id as string;
  await post(`/directives/${id}/submit`, clerk, { version: 1 }).expect(200);
  await post(`/directives/${id}/review`, leader.token, { version: 1, decision: 'approve' }).expect(200);
  await post(`/directives/${id}/sign`, leader.token, { version: 1 }).expect(200);
  await waitFor(
    'the directive to be dispatched',
    async () => (await get(`/directives/${id}`, clerk)).body.status === 'dispatched',
    { timeoutMs: 60_000 },
  );
  // on time: one unit under each district but D3's, and G0 under the issuer
  for (const label of ['G11', 'G21', 'G0']) {
    const reporter = (await addMember(api, org, ids[label], 'clerk')).token;
    const filed = await post(`/directives/${id}/reports`, reporter, {
      unitId: ids[label],
      cycle: 0,
      values: { sessions: 1 },
    }).expect(201);
    expect(filed.body.late).toBe(false);
  }
  // the hub held across the deadline: the second in the step's order, so that hubs come before it and after it
  const hubs = await grassrootsHubs(
    { query: async (sql: string, params: unknown[]) => (await pg.query(sql, params)).rows } as never,
    id,
  );
  expect([...hubs].sort()).toEqual([org.ids.A, ids.D1, ids.D2, ids.D3].sort());
  const busy = hubs[1];
  await holder.query('BEGIN');
  await holder.query(`SELECT pg_advisory_xact_lock(hashtext($1::text || '/' || $2::text), 0)`, [id, busy]);
  try {
    await waitFor(
      "the overdue step to wait for the busy hub's lock",
      async () =>
        (
          await pg.query(
            `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%pg_advisory_xact_lock%'
                AND pid <> pg_backend_pid()`,
          )
        ).rows.length > 0,
      { timeoutMs: 90_000, intervalMs: 100 },
    );
    const held = await marks(id);
    const before = new Set(hubs.slice(0, 1));
    for (const r of held.filter((x) => !x.is_hub))
      expect([r.unit_id, r.marked]).toEqual([r.unit_id, before.has(r.hub) && !r.on_time]);
    expect(held.some((r) => r.marked)).toBe(true);
  } finally {
    await holder.query('COMMIT');
  }
  await waitFor(
    'the marks after the busy hub',
    async () => (await marks(id)).filter((r) => r.marked).length === 8,
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  const result = await marks(id);
  // every grassroots unit (A1, G0 and the nine below the districts) marked exactly when it has no on-time report
  expect(result.filter((r) => !r.is_hub)).toHaveLength(11);
  for (const r of result) expect([r.unit_id, r.marked]).toEqual([r.unit_id, !r.is_hub && !r.on_time]);
  // set-based: the hubs after the busy one were marked together, in one transaction (their rows share its xmin)
  const after = await pg.query(
    `SELECT count(DISTINCT e.xmin::text)::int AS transactions, count(DISTINCT COALESCE(r.parent_unit_id, $2::uuid))::int AS hubs
       FROM escalation e JOIN routing_node r ON r.directive_id = e.directive_id AND r.unit_id = e.unit_id
      WHERE e.directive_id = $1 AND e.cycle = 0 AND e.level = 'overdue'
        AND COALESCE(r.parent_unit_id, $2::uuid) = ANY($3::uuid[])`,
    [id, org.ids.A, hubs.slice(2)],
  );
  expect(after.rows[0]).toEqual({ transactions: 1, hubs: 2 });
  const events = await pg.query(
    `SELECT count(*)::int AS n FROM directive_event WHERE directive_id = $1 AND action = 'report.overdue'`,
    [id],
  );
  expect(events.rows[0].n).toBe(8);
});
