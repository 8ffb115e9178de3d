/**
 * Issue 19, paging of the lists that grow with the units, on the real stack:
 * - `/escalations`, `/reports`, `/events`, `/audit/timeline` answer { items, nextCursor }: walked page by page they give
 *   the whole list once, in order; a bad cursor (or another list's) is 400 naming `cursor`, a limit out of 1–1000 is
 *   400 naming `limit`;
 * - a `collect` field of `/aggregate` is { count, items (the first 100), nextCursor }, and `/aggregate/answers` pages
 *   the rest, of the revision the cursor names (a snapshot), or of the live preview before the aggregation closes;
 * - at scale (50,000 rows of each list in the test database, inserted set-based), each page's plan reads only its
 *   page: no Seq Scan, no Sort fed by more than the page (EXPLAIN ANALYZE of the statements the persistence layer runs).
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import type { DataSource } from 'typeorm';
import {
  currentReportsBelow,
  escalationsOf,
  eventsOf,
  familyTimelinePage,
  reportStreamBelow,
} from '@cascade/persistence';
import { startApi, startWorker } from './support/apps';
import { newKey } from './support/ids';
import { addMember, auth, buildOrg, SIGNING_AUTHORITY, type Org } from './support/org';
import { explainLast as explainPlan, rawDb } from './support/plans';
import { waitFor } from './support/wait-for';

jest.setTimeout(300_000);

let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
let pg: PgClient;
const http = () => request(api.getHttpServer());
const post = (path: string, token: string, body: object) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);
const get = (path: string, token: string) => http().get(path).set(auth(token));

const tag = randomUUID().slice(0, 6).toUpperCase();
type Label = 'P' | 'G1' | 'G2' | 'G3';
let id: Record<Label, string>;
let clerkP: string;
let leaderP: { token: string; id: string };
let auditor: string;
let directiveId: string;

const form = {
  fields: [
    { key: 'sessions', label: 'Số buổi', type: 'integer', required: true, min: 0, aggregate: 'sum' },
    { key: 'note', label: 'Ghi chú', type: 'text', required: false, aggregate: 'collect' },
  ],
};

/** Every item of a list, walked page by page with `limit`; checks that each page but the last is full. */
async function walk(path: string, token: string, limit: number): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 10_000; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await get(
      `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      token,
    ).expect(200);
    const page = res.body as { items: Record<string, unknown>[]; nextCursor: string | null };
    items.push(...page.items);
    if (!page.nextCursor) return items;
    expect(page.items).toHaveLength(limit);
    cursor = page.nextCursor;
  }
  throw new Error(`${path}: no last page`);
}

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi(), startWorker()]);
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  const p = `${org.prefix}-${randomUUID().slice(0, 4)}`;
  const rows: [Label, string, string, Label | null][] = [
    ['P', `Liên đoàn Lao động huyện Trang ${tag}`, 'federation', null],
    ['G1', `Công đoàn cơ sở Trường Tiểu học Trang 1 ${tag}`, 'grassroots_union', 'P'],
    ['G2', `Công đoàn cơ sở Trường Tiểu học Trang 2 ${tag}`, 'grassroots_union', 'P'],
    ['G3', `Công đoàn cơ sở Trường Tiểu học Trang 3 ${tag}`, 'grassroots_union', 'P'],
  ];
  const imported = await post('/units/import', org.admin, {
    units: rows.map(([label, name, kind, parent]) => ({
      code: `${p}-${label}`,
      name,
      kind,
      parentCode: parent ? `${p}-${parent}` : org.codes.A,
    })),
  }).expect(200);
  id = Object.fromEntries(
    imported.body.created.map((c: { code: string; id: string }) => [c.code.slice(p.length + 1), c.id]),
  ) as typeof id;
  clerkP = (await addMember(api, org, id.P, 'clerk')).token;
  leaderP = await addMember(api, org, id.P, 'leader', SIGNING_AUTHORITY);
  auditor = (await addMember(api, org, id.P, 'auditor')).token;
  await http()
    .put(`/units/${id.P}/review-chain`)
    .set(auth(org.admin))
    .send({ reviewerIds: [leaderP.id] })
    .expect(200);
  const created = await post('/directives', clerkP, {
    issuerId: id.P,
    type: 'CV',
    subject: `V/v thử phân trang ${tag}`,
    tasks: ['Triển khai.'],
    addressees: { mode: 'children' },
    reporting: { schedule: { kind: 'interval', everySeconds: 600, count: 1 }, form },
  }).expect(201);
  directiveId = created.body.id as string;
  await post(`/directives/${directiveId}/submit`, clerkP, { version: 1 }).expect(200);
  await post(`/directives/${directiveId}/review`, leaderP.token, { version: 1, decision: 'approve' }).expect(
    200,
  );
  await post(`/directives/${directiveId}/sign`, leaderP.token, { version: 1 }).expect(200);
  await waitFor(
    'the dispatch',
    async () => (await get(`/directives/${directiveId}`, clerkP)).body.status === 'dispatched',
  );
});

afterAll(async () => {
  await pg?.end();
  await worker?.close();
  await api?.close();
});

const report = async (unit: Label, values: object) =>
  post(`/directives/${directiveId}/reports`, (await addMember(api, org, id[unit], 'clerk')).token, {
    unitId: id[unit],
    cycle: 0,
    values,
  }).expect(201);

describe('the lists page', () => {
  it('walks the events, the timeline, the reports and the escalations page by page, each item once, in order', async () => {
    await report('G1', { sessions: 1, note: 'Tọa đàm 8/3' });
    await report('G2', { sessions: 2, note: 'Hội thi cắm hoa' });

    const events = await walk(`/directives/${directiveId}/events`, clerkP, 2);
    const whole = (await get(`/directives/${directiveId}/events?limit=1000`, clerkP).expect(200)).body;
    expect(whole.nextCursor).toBeNull();
    expect(events.map((e) => e.id)).toEqual(whole.items.map((e: { id: string }) => e.id));
    expect(events.length).toBeGreaterThan(5);
    const ids = events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    const timeline = await walk(`/directives/${directiveId}/audit/timeline`, auditor, 3);
    expect(timeline.map((e) => e.id)).toEqual(events.map((e) => e.id));
    const reviews = await walk(`/directives/${directiveId}/audit/timeline?action=review`, auditor, 1);
    expect(reviews.map((e) => e.action)).toEqual(['review.submitted', 'review.approved']);

    const reports = await walk(`/directives/${directiveId}/reports?unitId=${id.P}&cycle=0`, clerkP, 1);
    expect(reports.map((r) => r.unitId)).toEqual([id.G1, id.G2].sort());
    const below = await walk(`/directives/${directiveId}/reports?unitId=${id.G2}&cycle=0`, clerkP, 1);
    expect(below.map((r) => r.unitId)).toEqual([id.G2]);

    // Steps of the ladder, two at one instant (one statement marks many units at once).
    await pg.query(
      `INSERT INTO escalation (directive_id, cycle, unit_id, level, at)
       SELECT $1, 0, u, l, t FROM (VALUES ($2::uuid, 'reminded', now() - interval '3 min'),
         ($3::uuid, 'reminded', now() - interval '3 min'), ($2::uuid, 'overdue', now() - interval '2 min'),
         ($4::uuid, 'overdue', now() - interval '2 min'), ($4::uuid, 'parent', now() - interval '1 min')) v(u, l, t)`,
      [directiveId, id.G1, id.G2, id.G3],
    );
    const steps = await walk(`/directives/${directiveId}/escalations?cycle=0`, clerkP, 2);
    const all = (await get(`/directives/${directiveId}/escalations`, clerkP).expect(200)).body.items;
    expect(steps).toEqual(all);
    expect(steps).toHaveLength(5);
    const order = steps.map((s) => `${String(s.at)}|${String(s.unitId)}|${String(s.level)}`);
    expect(order).toEqual([...order].sort());
    expect(steps.find((s) => s.unitId === id.G1)).toMatchObject({ reportedSince: true });
  });

  it('answers a bad cursor or limit with 400 naming it', async () => {
    const bad = async (path: string, field: string) => {
      const res = await get(path, clerkP).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.message).toMatch(new RegExp(`^${field}:`));
    };
    const base = `/directives/${directiveId}`;
    await bad(`${base}/events?cursor=not-a-cursor`, 'cursor');
    await bad(`${base}/escalations?cursor=${Buffer.from('[1,2]').toString('base64url')}`, 'cursor');
    await bad(`${base}/reports?unitId=${id.P}&cycle=0&cursor=%7B%7D`, 'cursor');
    // another list's cursor is not this one's
    const eventsCursor = (await get(`${base}/events?limit=1`, clerkP).expect(200)).body.nextCursor;
    await bad(`${base}/escalations?cursor=${eventsCursor}`, 'cursor');
    await bad(`${base}/events?limit=0`, 'limit');
    await bad(`${base}/events?limit=1001`, 'limit');
    await bad(`${base}/escalations?limit=abc`, 'limit');
    expect(
      (await get(`${base}/audit/timeline?cursor=${eventsCursor}`, auditor).expect(400)).body.error.message,
    ).toMatch(/^cursor:/);
    await bad(`${base}/aggregate/answers?unitId=${id.P}&cycle=0&field=sessions`, 'field');
  });

  it('gives an aggregate’s collected answers as a count and a first page, and the rest by page', async () => {
    const base = `/directives/${directiveId}`;
    // Two of three reported: the live preview.
    const preview = (await get(`${base}/aggregate?unitId=${id.P}&cycle=0`, clerkP).expect(200)).body;
    expect(preview.closed).toBe(false);
    expect(preview.values.sessions).toBe(3);
    expect(preview.values.note).toEqual({ count: 2, items: expect.any(Array), nextCursor: null });
    const previewAnswers = await walk(
      `${base}/aggregate/answers?unitId=${id.P}&cycle=0&field=note`,
      clerkP,
      1,
    );
    expect(previewAnswers).toEqual(preview.values.note.items);

    // The third closes the aggregation (complete): the stored revision.
    await report('G3', { sessions: 4, note: 'Giao lưu văn nghệ' });
    const closed = await waitFor('the aggregate to close', async () => {
      const res = (await get(`${base}/aggregate?unitId=${id.P}&cycle=0`, clerkP).expect(200)).body;
      return res.closed && res;
    });
    expect(closed.values.note).toMatchObject({ count: 3, nextCursor: null });
    expect(closed.values.note.items.map((i: { value: string }) => i.value).sort()).toEqual(
      ['Giao lưu văn nghệ', 'Hội thi cắm hoa', 'Tọa đàm 8/3'].sort(),
    );

    // A revision with 250 answers (as a national root's would have 10^5): 100 in the aggregate, the rest by page.
    const many = Array.from({ length: 250 }, (_, i) => ({ unitId: id.G1, value: `Ý kiến số ${i + 1}` }));
    const revise = async (revision: number, notes: unknown[]) =>
      pg.query(
        `INSERT INTO aggregate_report (directive_id, unit_id, cycle, revision, aggregate, values, coverage, reason)
         SELECT directive_id, unit_id, cycle, $4, aggregate, jsonb_set(values, '{note}', $5::jsonb), coverage, 'late-report'
           FROM aggregate_report WHERE directive_id = $1 AND unit_id = $2 AND cycle = $3 AND revision = 1`,
        [directiveId, id.P, 0, revision, JSON.stringify(notes)],
      );
    await revise(2, many);
    const big = (await get(`${base}/aggregate?unitId=${id.P}&cycle=0`, clerkP).expect(200)).body;
    expect(big.revision).toBe(2);
    expect(big.values.note.count).toBe(250);
    expect(big.values.note.items).toEqual(many.slice(0, 100));
    expect(big.values.note.nextCursor).toEqual(expect.any(String));
    const rest = await get(
      `${base}/aggregate/answers?unitId=${id.P}&cycle=0&field=note&cursor=${big.values.note.nextCursor}`,
      clerkP,
    ).expect(200);
    expect(rest.body).toMatchObject({ revision: 2, count: 250, items: many.slice(100, 200) });
    // A later revision does not move the pages of the one being read.
    await revise(3, many.slice(0, 10));
    const last = await get(
      `${base}/aggregate/answers?unitId=${id.P}&cycle=0&field=note&cursor=${rest.body.nextCursor}`,
      clerkP,
    ).expect(200);
    expect(last.body).toMatchObject({ revision: 2, items: many.slice(200), nextCursor: null });
    const latest = await walk(`${base}/aggregate/answers?unitId=${id.P}&cycle=0&field=note`, clerkP, 4);
    expect(latest).toEqual(many.slice(0, 10));
  });
});

/** The tables that grow with the units (a lookup of a few rows, such as app_user, may be read whole). */
const GROWING = ['directive_event', 'escalation', 'report', 'routing_node', 'unit', 'aggregate_report'];

const raw = () => rawDb(pg);
const explainLast = (run: (db: DataSource) => Promise<unknown>, bound: number) =>
  explainPlan(pg, run, GROWING, bound);

describe('each page at scale', () => {
  const N = 50_000;
  const UNITS = 25_000;
  let big: string;
  let hub: string;

  beforeAll(async () => {
    // A directive of P's with 25,000 routed units, 50,000 reports, escalation steps and events.
    big = (
      await post('/directives', clerkP, {
        issuerId: id.P,
        type: 'CV',
        subject: `V/v thử phân trang ở quy mô lớn ${tag}`,
        tasks: ['Triển khai.'],
        addressees: { mode: 'children' },
      }).expect(201)
    ).body.id;
    await pg.query(
      `INSERT INTO unit (id, code, symbol, name, name_folded, kind, parent_id, path)
       SELECT gen_random_uuid(), $2 || '-S' || i, 'S' || i, 'Công đoàn cơ sở số ' || i, 'cong doan co so so ' || i,
              'grassroots_union', $1, p.path || ('s' || i)::ltree
         FROM generate_series(1, $3::int) i, (SELECT path FROM unit WHERE id = $1) p`,
      [id.P, `${tag}`, UNITS],
    );
    const units = (
      await pg.query<{ id: string }>(`SELECT id FROM unit WHERE code LIKE $1 ORDER BY code`, [`${tag}-S%`])
    ).rows.map((r) => r.id);
    expect(units).toHaveLength(UNITS);
    hub = units[0];
    // As a nation's tree is: 250 hubs under the issuer, 99 units under each (a flat tree of 25,000 children of one
    // parent would tell the planner that a parent has thousands of children).
    await pg.query(
      `INSERT INTO routing_node (directive_id, unit_id, parent_unit_id, depth, tier, is_hub, status)
       SELECT $1, u, CASE WHEN n <= 250 THEN $2::uuid ELSE ($3::uuid[])[(n - 251) % 250 + 1] END,
              CASE WHEN n <= 250 THEN 1 ELSE 2 END, 0, n <= 250, 'delivered'
         FROM unnest($3::uuid[]) WITH ORDINALITY AS t(u, n)`,
      [big, id.P, units],
    );
    // Every unit's report of cycle 0, half revised, and a second cycle for the other half: 50,000 rows.
    await pg.query(
      `INSERT INTO report (id, directive_id, unit_id, cycle, revision, values, late, submitted_at)
       SELECT gen_random_uuid(), $1, u, c, r, '{"sessions": 1}', false, now() - (n || ' s')::interval
         FROM unnest($2::uuid[]) WITH ORDINALITY AS t(u, n),
              LATERAL (VALUES (0, 1), (0, 2), (1, 1)) v(c, r)
        WHERE r = 1 AND c = 0 OR (n % 2 = 0 AND c = 0) OR (n % 2 = 1 AND c = 1)`,
      [big, units],
    );
    await pg.query(
      `INSERT INTO escalation (directive_id, cycle, unit_id, level, at)
       SELECT $1, 0, u, l, now() - (n % 500 || ' s')::interval
         FROM unnest($2::uuid[]) WITH ORDINALITY AS t(u, n), unnest(ARRAY['reminded', 'overdue']) l`,
      [big, units],
    );
    await pg.query(
      `INSERT INTO directive_event (directive_id, action, actor_unit_id, data)
       SELECT $1, 'acknowledged', u, jsonb_build_object('unitId', u)
         FROM unnest($2::uuid[]) u, generate_series(1, 2)`,
      [big, units],
    );
    await pg.query(`ANALYZE unit, routing_node, report, escalation, directive_event`);
    const counts = await pg.query(
      `SELECT (SELECT count(*) FROM report WHERE directive_id = $1)::int AS reports,
              (SELECT count(*) FROM escalation WHERE directive_id = $1)::int AS steps,
              (SELECT count(*) FROM directive_event WHERE directive_id = $1)::int AS events`,
      [big],
    );
    expect(counts.rows[0]).toMatchObject({ reports: N, steps: N });
    expect(counts.rows[0].events).toBeGreaterThanOrEqual(N);
  });

  const limit = 100;

  it('reads a page of escalations in the middle by the index', async () => {
    const middle = await escalationsOf(raw(), big, 0, { after: null, limit: N / 2 });
    const nodes = await explainLast(
      (db) => escalationsOf(db, big, 0, { after: middle.next, limit }),
      3 * (limit + 1),
    );
    expect(nodes.some((n) => n['Index Name'] === 'escalation_page')).toBe(true);
    await explainLast((db) => escalationsOf(db, big, null, { after: middle.next, limit }), 3 * (limit + 1));
  });

  it('reads a page of events and of the timeline in the middle by the index', async () => {
    const middle = await eventsOf(raw(), big, { after: null, limit: N / 2 });
    await explainLast((db) => eventsOf(db, big, { after: middle.next, limit }), 3 * (limit + 1));
    const firstPage = await familyTimelinePage(raw(), [big], {}, { after: null, limit: N / 2 });
    expect(firstPage.items).toHaveLength(N / 2);
    const nodes = await explainLast(
      (db) => familyTimelinePage(db, [big], {}, { after: firstPage.next, limit }),
      3 * (limit + 1),
    );
    expect(nodes.some((n) => n['Index Name'] === 'directive_event_time')).toBe(true);
  });

  it('reads a page of reports in the middle by the index, and a hub’s by its subtree', async () => {
    const middle = await currentReportsBelow(raw(), big, null, 0, { after: null, limit: UNITS / 2 });
    expect(middle.items).toHaveLength(UNITS / 2);
    // a unit's current report is its highest revision: the index gives at most two rows per unit
    await explainLast(
      (db) => currentReportsBelow(db, big, null, 0, { after: middle.next, limit }),
      3 * (limit + 1),
    );
    // below a hub: its 100 units walked by the index, sorted, each one's report found by the index
    const below = await currentReportsBelow(raw(), big, hub, 0, { after: null, limit: 1000 });
    expect(below.items).toHaveLength(100);
    await explainLast((db) => currentReportsBelow(db, big, hub, 0, { after: null, limit }), 3 * (limit + 1));
    const stream = await reportStreamBelow(raw(), big, null, 0, { after: null, limit: N / 2 });
    await explainLast(
      (db) => reportStreamBelow(db, big, null, 0, { after: stream.next, limit }),
      3 * (limit + 1),
    );
  });
});
