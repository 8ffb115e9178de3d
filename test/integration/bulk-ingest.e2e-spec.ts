/**
 * Ingest at scale, through the API: batches of 1,000 acknowledgements and reports with per-item results (accepted,
 * duplicate, each item's 4xx; an item for a unit the caller may not act for refused, the others applied), a retried
 * batch answered as duplicates, 1,001 items refused whole (413 BATCH_TOO_LARGE), the aggregates right; late reports
 * coalesce into few revisions whose `folds` sum to them; and the completeness check of a hub is an index lookup per
 * child on a directive of 20,000 reports.
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { ReportForm } from '@cascade/domain';
import { closeTier, createDataSource, explainHubCompleteness, routingTreeLevel } from '@cascade/persistence';
import { startApi, startWorker } from './support/apps';
import { newKey } from './support/ids';
import { addMember, auth, buildOrg, importUnitsUnderA, SIGNING_AUTHORITY, type Org } from './support/org';
import { explainLast } from './support/plans';
import { expectNoRollupDrift } from './support/rollup';
import { waitFor } from './support/wait-for';

jest.setTimeout(240_000);

let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
let pg: PgClient;
let ds: DataSource;
const http = () => request(api.getHttpServer());
const post = (path: string, token: string, body: object) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);

const N = 999; // grassroots units under D1
const form: ReportForm = {
  fields: [{ key: 'sessions', label: 'Số buổi', type: 'integer', required: true, min: 0, aggregate: 'sum' }],
};
const sessionsOf = (i: number) => i % 7;

let id: Record<string, string>;
let grassroots: string[];
let connector: string; // a user acting for the 999 units of D1 (and seeing D2's, without the right to report)
let directiveId: string;

beforeAll(async () => {
  process.env.LATE_REVISION_INTERVAL_MS = '1500';
  [api, worker] = await Promise.all([startApi({ LATE_REVISION_INTERVAL_MS: '1500' }), startWorker()]);
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  ds = createDataSource({ url: process.env.DATABASE_URL! });
  await ds.initialize();
  id = await importUnitsUnderA(api, org, [
    ['D1', 'federation', null],
    ['D2', 'federation', null],
    ['H2', 'grassroots_union', 'D2'],
    ...Array.from({ length: N }, (_, i) => [`G${i}`, 'grassroots_union', 'D1'] as [string, string, string]),
  ]);
  grassroots = Array.from({ length: N }, (_, i) => id[`G${i}`]);
  // Acting for many units: a grant in each (the `connector` role does it with one grant on a subtree).
  const user = await addMember(api, org, id.D2, 'leader');
  connector = user.token;
  await pg.query(
    `INSERT INTO membership (id, user_id, unit_id, role) SELECT gen_random_uuid(), $1, u, 'specialist' FROM unnest($2::uuid[]) u`,
    [user.id, grassroots],
  );
  const leader = await addMember(api, org, org.ids.A, 'leader', SIGNING_AUTHORITY);
  await http()
    .put(`/units/${org.ids.A}/review-chain`)
    .set(auth(org.admin))
    .send({ reviewerIds: [leader.id] })
    .expect(200);
  // Hourly cycles that began 90 minutes ago: cycle 1 is open for another 30 minutes.
  const start = new Date(Date.now() - 90 * 60_000).toISOString();
  const created = await post('/directives', org.tokens.clerk, {
    issuerId: org.ids.A,
    type: 'CV',
    place: 'Châu Thành',
    subject: 'V/v báo cáo kết quả tuyên truyền',
    tasks: ['Báo cáo kết quả hàng giờ.'],
    addressees: { mode: 'subtree', depth: 2 },
    copyRecipients: [{ name: 'VP', role: 'filed' }],
    reporting: { schedule: { kind: 'interval', start, everySeconds: 3600, count: 3 }, form },
  }).expect(201);
  directiveId = created.body.id;
  await post(`/directives/${directiveId}/submit`, org.tokens.clerk, { version: 1 }).expect(200);
  await post(`/directives/${directiveId}/review`, leader.token, { version: 1, decision: 'approve' }).expect(
    200,
  );
  await post(`/directives/${directiveId}/sign`, leader.token, { version: 1 }).expect(200);
  await waitFor(
    'the dispatch to finish',
    async () =>
      (await http().get(`/directives/${directiveId}`).set(auth(org.tokens.clerk))).body.status ===
      'dispatched',
    { timeoutMs: 120_000 },
  );
  await waitFor(
    'every unit delivered',
    async () =>
      (
        await pg.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM routing_node WHERE directive_id = $1 AND status = 'pending'`,
          [directiveId],
        )
      ).rows[0].n === 0,
    { timeoutMs: 120_000 },
  );
});

afterAll(async () => {
  await ds?.destroy();
  await pg?.end();
  await Promise.all([api?.close(), worker?.close()]);
});

type Item = { index: number; outcome: string; status: number; error?: { code: string; message: string } };

const batch = (route: 'acknowledgements' | 'reports', items: object[]) =>
  http().post(`/directives/${directiveId}/${route}/batch`).set(auth(connector)).send({ items });

describe('batched acknowledgements', () => {
  it('answers each item, refuses the units the caller may not act for, and answers a retry as duplicates', async () => {
    const runId = randomUUID().slice(0, 8);
    const items = [
      ...grassroots.map((u, i) => ({ key: `ack-${runId}-${i}`, unitId: u, decision: 'accept' })),
      { key: `ack-${runId}-h2`, unitId: id.H2, decision: 'accept' },
    ];
    const first = await batch('acknowledgements', items).expect(200);
    expect(first.body).toMatchObject({ accepted: N, duplicates: 0, rejected: 1 });
    expect(first.body.items[N]).toMatchObject({
      outcome: 'rejected',
      status: 403,
      error: { code: 'FORBIDDEN', message: expect.stringContaining(`items.${N}.unitId`) },
    });
    const nodes = await pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM routing_node WHERE directive_id = $1 AND status = 'accepted' AND status_code = '03'`,
      [directiveId],
    );
    expect(nodes.rows[0].n).toBe(N);
    const events = await pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM directive_event WHERE directive_id = $1 AND action = 'acknowledged'`,
      [directiveId],
    );
    expect(events.rows[0].n).toBe(N);

    const retry = await batch('acknowledgements', items).expect(200);
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: N, rejected: 1 });
    const events2 = await pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM directive_event WHERE directive_id = $1 AND action = 'acknowledged'`,
      [directiveId],
    );
    expect(events2.rows[0].n).toBe(N); // each acknowledgement once
  });
});

describe('batched reports', () => {
  const runId = randomUUID().slice(0, 8);
  const filedUnits = 994;
  const items = (): object[] => [
    ...grassroots.slice(0, filedUnits).map((u, i) => ({
      key: `rep-${runId}-${i}`,
      unitId: u,
      cycle: 1,
      values: { sessions: sessionsOf(i) },
    })),
    // The same items twice more: duplicates of the first.
    { key: `rep-${runId}-0`, unitId: grassroots[0], cycle: 1, values: { sessions: sessionsOf(0) } },
    { key: `rep-${runId}-1`, unitId: grassroots[1], cycle: 1, values: { sessions: sessionsOf(1) } },
    // Invalid values, another tree (visible, not reportable), a unit the caller cannot see, a bad key.
    { key: `rep-${runId}-bad`, unitId: grassroots[995], cycle: 1, values: { sessions: -1 } },
    { key: `rep-${runId}-h2`, unitId: id.H2, cycle: 1, values: { sessions: 1 } },
    { key: `rep-${runId}-d1`, unitId: id.D1, cycle: 1, values: { sessions: 1 } },
    { key: 'short', unitId: grassroots[996], cycle: 1, values: { sessions: 1 } },
  ];

  it('files 1,000 items set-based, with a result each, and the aggregates are right', async () => {
    const sent = items();
    expect(sent).toHaveLength(1000);
    const began = Date.now();
    const first = await batch('reports', sent).expect(200);
    const ms = Date.now() - began;
    if (process.env.BULK_MEASURE) process.stdout.write(`1,000-item report batch: ${ms} ms\n`);
    expect(first.body).toMatchObject({ accepted: filedUnits, duplicates: 2, rejected: 4 });
    const byIndex = (i: number) => first.body.items[i] as Item;
    expect(byIndex(0)).toMatchObject({
      outcome: 'accepted',
      status: 201,
      result: { revision: 1, late: false },
    });
    expect(byIndex(filedUnits)).toMatchObject({ outcome: 'duplicate', status: 200 });
    expect(byIndex(996)).toMatchObject({
      status: 400,
      error: { code: 'REPORT_INVALID', message: expect.stringContaining('items.996.values.sessions') },
    });
    expect(byIndex(997)).toMatchObject({ status: 403, error: { code: 'FORBIDDEN' } });
    expect(byIndex(998)).toMatchObject({ status: 404, error: { code: 'UNIT_NOT_FOUND' } });
    expect(byIndex(999)).toMatchObject({
      status: 400,
      error: { message: expect.stringContaining('items.999.key') },
    });

    const reports = await pg.query<{ n: number; s: number }>(
      `SELECT count(*)::int AS n, sum((values->>'sessions')::int)::int AS s FROM report WHERE directive_id = $1 AND cycle = 1`,
      [directiveId],
    );
    const expected = Array.from({ length: filedUnits }, (_, i) => sessionsOf(i)).reduce((a, b) => a + b, 0);
    expect(reports.rows[0]).toEqual({ n: filedUnits, s: expected });
    const preview = await http()
      .get(`/directives/${directiveId}/aggregate?unitId=${id.D1}&cycle=1`)
      .set(auth(org.tokens.clerk))
      .expect(200);
    expect(preview.body).toMatchObject({
      closed: false,
      values: { sessions: expected },
      coverage: { expected: N, onTime: filedUnits, missing: N - filedUnits },
    });

    // A retry of the whole batch: every filed item is a duplicate, the refused ones refused again.
    const retry = await batch('reports', items()).expect(200);
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: filedUnits + 2, rejected: 4 });
    const again = await pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM report WHERE directive_id = $1 AND cycle = 1`,
      [directiveId],
    );
    expect(again.rows[0].n).toBe(filedUnits);
  });

  it('refuses a batch over 1,000 items whole (413 BATCH_TOO_LARGE)', async () => {
    const over = Array.from({ length: 1001 }, (_, i) => ({
      key: `over-${runId}-${i}`,
      unitId: grassroots[0],
      cycle: 1,
      values: { sessions: 1 },
    }));
    const res = await batch('reports', over).expect(413);
    expect(res.body.error).toMatchObject({
      code: 'BATCH_TOO_LARGE',
      message: expect.stringContaining('items'),
    });
    await batch('acknowledgements', over).expect(413);
  });

  it('refuses a body that is not { items: [...] } with 400 VALIDATION_FAILED naming the field', async () => {
    for (const route of ['reports', 'acknowledgements']) {
      const path = `/directives/${directiveId}/${route}/batch`;
      const notList = await http().post(path).set(auth(connector)).send({ items: 'x' }).expect(400);
      expect(notList.body.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(/^items: /),
      });
      const extra = await http().post(path).set(auth(connector)).send({ items: [], more: 1 }).expect(400);
      expect(extra.body.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(/^more: /),
      });
      // keys an object has of its own (the validator once read "constructor" as the class: a 500)
      for (const key of ['constructor', '__proto__', 'hasOwnProperty'])
        for (const value of [null, {}, 1]) {
          const own = await http()
            .post(path)
            .set(auth(connector))
            .set('Content-Type', 'application/json')
            .send(`{"items": [], ${JSON.stringify(key)}: ${JSON.stringify(value)}}`);
          expect([own.status, own.body.error]).toMatchObject([
            400,
            { code: 'VALIDATION_FAILED', message: expect.stringContaining(`${key}: `) },
          ]);
        }
    }
  });

  it('coalesces late reports: few revisions, whose folds sum to the late reports', async () => {
    // The district and the issuer close at their deadline (as the worker's close step does).
    await closeTier(ds, directiveId, org.ids.A, 1, true, 1, form);
    const closed = await pg.query<{ unit_id: string }>(
      `SELECT unit_id FROM aggregate_report WHERE directive_id = $1 AND cycle = 1 AND revision = 1`,
      [directiveId],
    );
    expect(closed.rows.map((r) => r.unit_id)).toEqual(expect.arrayContaining([id.D1, org.ids.A]));
    // 30 late revisions one by one, side by side, and a batch of the 4 units that had not reported.
    const singles = await Promise.all(
      grassroots.slice(0, 30).map((u) =>
        post(`/directives/${directiveId}/reports`, connector, {
          unitId: u,
          cycle: 1,
          values: { sessions: 10 },
        }),
      ),
    );
    expect(singles.map((r) => [r.status, r.body.afterClose])).toEqual(singles.map(() => [201, true]));
    const late = await batch(
      'reports',
      grassroots
        .slice(995)
        .map((u, i) => ({ key: `late-${runId}-${i}`, unitId: u, cycle: 1, values: { sessions: 1 } })),
    ).expect(200);
    expect(late.body).toMatchObject({ accepted: 4, rejected: 0 });
    const folded = 30 + 4;
    const lateRevisions = async (unitId: string) =>
      (
        await pg.query<{ folds: number }>(
          `SELECT folds FROM aggregate_report WHERE directive_id = $1 AND unit_id = $2 AND cycle = 1 AND reason = 'late-report'`,
          [directiveId, unitId],
        )
      ).rows;
    await waitFor('the late reports folded in at the issuer', async () => {
      const rows = await lateRevisions(org.ids.A);
      return rows.reduce((a, r) => a + r.folds, 0) === folded;
    });
    const atDistrict = await lateRevisions(id.D1);
    expect(atDistrict.reduce((a, r) => a + r.folds, 0)).toBe(folded);
    expect(atDistrict.length).toBeLessThan(folded);
    const expected =
      Array.from({ length: 994 }, (_, i) => (i < 30 ? 10 : sessionsOf(i))).reduce((a, b) => a + b, 0) + 4;
    const aggregate = await http()
      .get(`/directives/${directiveId}/aggregate?unitId=${org.ids.A}&cycle=1`)
      .set(auth(org.tokens.clerk))
      .expect(200);
    expect(aggregate.body).toMatchObject({
      closed: true,
      reason: 'late-report',
      values: { sessions: expected },
    });
    const revisions = await http()
      .get(`/directives/${directiveId}/aggregate/revisions?unitId=${id.D1}&cycle=1`)
      .set(auth(org.tokens.clerk))
      .expect(200);
    expect(revisions.body.items[revisions.body.items.length - 1]).toMatchObject({
      reason: 'late-report',
      folds: expect.any(Number),
    });
    expect(
      await pg.query(`SELECT 1 FROM aggregate_pending WHERE directive_id = $1`, [directiveId]),
    ).toMatchObject({
      rowCount: 0,
    }); // 1,000-item batches, duplicates, late revisions: the tree's counters match the rows.
    await expectNoRollupDrift(directiveId);
  });
});

describe('the completeness check of a hub', () => {
  it('is an index lookup per child on a directive of 20,000 reports, even on stale statistics', async () => {
    const d = randomUUID();
    const hub = randomUUID();
    const big = randomUUID();
    const p = `x${randomUUID().slice(0, 6)}`;
    const label = (u: string) => 'u' + u.replace(/-/g, '');
    const rootPath = (await pg.query(`SELECT path::text FROM unit WHERE id = $1`, [org.ids.A])).rows[0].path;
    await pg.query('BEGIN');
    await pg.query(
      `INSERT INTO unit (id, code, symbol, name, name_folded, kind, parent_id, path) VALUES
         ($1, $3 || '-h', 'H', 'hub', 'hub', 'federation', $4, ($5 || '.' || $6)::ltree),
         ($2, $3 || '-b', 'B', 'big', 'big', 'federation', $4, ($5 || '.' || $7)::ltree)`,
      [hub, big, p, org.ids.A, rootPath, label(hub), label(big)],
    );
    await pg.query(
      `INSERT INTO unit (id, code, symbol, name, name_folded, kind, parent_id, path)
       SELECT g, $1 || '-' || i, 'G', 'g', 'g', 'grassroots_union', CASE WHEN i <= 3 THEN $2 ELSE $3 END::uuid,
              ($4 || '.' || CASE WHEN i <= 3 THEN $5 ELSE $6 END || '.u' || replace(g::text, '-', ''))::ltree
         FROM (SELECT i, gen_random_uuid() AS g FROM generate_series(1, 20003) i) s`,
      [p, hub, big, rootPath, label(hub), label(big)],
    );
    await pg.query(
      `INSERT INTO directive (id, issuer_id, doc_type, status, content, workflow_id) VALUES ($1, $2, 'KH', 'dispatched', '{}', $3)`,
      [d, org.ids.A, `explain-${d}`],
    );
    await pg.query(
      `INSERT INTO routing_node (directive_id, unit_id, parent_unit_id, depth, tier, is_hub, status)
       SELECT $1, id, parent_id, CASE WHEN kind = 'federation' THEN 1 ELSE 2 END, CASE WHEN kind = 'federation' THEN 1 ELSE 0 END,
              kind = 'federation', 'accepted'
         FROM unit WHERE code LIKE $2 || '-%'`,
      [d, p],
    );
    await pg.query('COMMIT');
    await pg.query('ANALYZE report');
    // 20,000 reports after the statistics were taken: the planner believes the directive has none.
    await pg.query(
      `INSERT INTO report (id, directive_id, unit_id, cycle, revision, values, late)
       SELECT gen_random_uuid(), $1, r.unit_id, 0, 1, '{}', false FROM routing_node r
        WHERE r.directive_id = $1 AND NOT r.is_hub AND r.parent_unit_id = $2`,
      [d, big],
    );
    const plan = await explainHubCompleteness(ds, d, hub, 0);
    expect(plan).not.toMatch(/Anti Join|Materialize|Hash|Seq Scan on report/);
    expect(plan).toMatch(/Index (Only )?Scan using routing_node_parent on routing_node/);
    expect(plan).toMatch(/(Index (Only )?Scan|Bitmap Index Scan) using report_\w+/);

    // The routing tree's first page at the issuer reads the hubs' counters, not the 20,003 leaves or their reports:
    // no node of its plan handles more than a page's rows (the walk of every node below did: 20,005).
    await expectNoRollupDrift(d);
    const level = (db: DataSource) =>
      routingTreeLevel(db, { directiveId: d, parentUnitId: org.ids.A, cursor: null, limit: 101, cycle: 0 });
    const top = await level(ds);
    expect(top.find((n) => n.unitId === big)).toMatchObject({
      nodes: 20_001,
      expected: 20_000,
      onTime: 20_000,
    });
    expect(top.find((n) => n.unitId === hub)).toMatchObject({ nodes: 4, expected: 3, onTime: 0, missing: 3 });
    await explainLast(pg, level, ['routing_node', 'report', 'routing_rollup', 'report_rollup'], 101);
  });
});
