/**
 * Issue 19, paging of the remaining lists that grow with the units, on the real stack: a node's aggregate revisions,
 * the roll-ups from implementing directives, the case file's timeline, the register of reports received, a unit's
 * members and API keys, the users and the overdue list. For each list:
 * - walked page by page with a small limit, every item comes once, in a stable order (ties of time broken by the key);
 * - a malformed cursor, or another list's, is 400 naming `cursor`; a limit over 1,000 is 400 naming `limit`;
 * - a caller who may not see the unit (or directive) gets the answer a missing one gets;
 * - at a few thousand rows, a page in the middle is a range of the list's index (EXPLAIN ANALYZE: no Seq Scan of the
 *   growing table, no node fed more than a few pages of rows).
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import type { DataSource } from 'typeorm';
import { apiKeysOfUnit, membersOfUnit, overdueUnits, rollupsTo, usersPage } from '@cascade/persistence';
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
let clerkG1: string;
let adminP: string;
let auditor: string;
/** A clerk and an auditor of X, another root: P's tree is hidden from them. */
let clerkX: string;
let auditorX: string;
let directiveId: string;
let fromDirective: string;
let implementers: string[];

type Item = Record<string, unknown>;
type Page = { items: Item[]; nextCursor: string | null };

/** The page of a list at `path`: the case file's is its `timeline`, the links' their `implementedBy`. */
const pageOf = (body: Item, path: string): Page =>
  (path.includes('/case-file') ? body.timeline : path.includes('/links') ? body.implementedBy : body) as Page;

/** Every item of a list, walked page by page with `limit`; each page but the last is full. */
async function walk(path: string, token: string, limit: number): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1_000; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await get(
      `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      token,
    ).expect(200);
    const page = pageOf(res.body as Item, path);
    items.push(...page.items);
    if (!page.nextCursor) return items;
    expect(page.items).toHaveLength(limit);
    cursor = page.nextCursor;
  }
  throw new Error(`${path}: no last page`);
}

/**
 * Walks the list twice with `limit` and once whole: the same items in the same order each time, each key once.
 * Returns the keys in order.
 */
async function walkOnce(path: string, token: string, limit: number, key: (i: Item) => string) {
  const first = (await walk(path, token, limit)).map(key);
  expect((await walk(path, token, limit)).map(key)).toEqual(first);
  const sep = path.includes('?') ? '&' : '?';
  const whole = pageOf((await get(`${path}${sep}limit=1000`, token).expect(200)).body as Item, path);
  expect(whole.nextCursor).toBeNull();
  expect(whole.items.map(key)).toEqual(first);
  expect(new Set(first).size).toBe(first.length);
  return first;
}

/** A first page's cursor (the list must have more than one item). */
async function cursorOf(path: string, token: string): Promise<string> {
  const sep = path.includes('?') ? '&' : '?';
  const page = pageOf((await get(`${path}${sep}limit=1`, token).expect(200)).body as Item, path);
  expect(page.nextCursor).toEqual(expect.any(String));
  return page.nextCursor!;
}

/** A bad cursor (malformed, or `foreign`: another list's) and a limit out of range: 400 naming the field. */
async function refusesBadPages(path: string, token: string, foreign: string) {
  const sep = path.includes('?') ? '&' : '?';
  const bad = async (query: string, field: string) => {
    const res = await get(`${path}${sep}${query}`, token).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toMatch(new RegExp(`^${field}:`));
  };
  await bad('cursor=not-a-cursor', 'cursor');
  await bad(`cursor=${Buffer.from('["x",[1]]').toString('base64url')}`, 'cursor');
  await bad(`cursor=${encodeURIComponent(foreign)}`, 'cursor');
  await bad('limit=1001', 'limit');
  await bad('limit=0', 'limit');
}

/** What a caller gets for a hidden unit (or directive) is what anyone gets for a missing one, ids aside. */
async function hiddenAsMissing(
  hidden: string,
  missing: string,
  token: string,
  hiddenId: string,
  missingId: string,
) {
  const a = await get(hidden, token);
  const b = await get(missing, token);
  expect(a.status).toBe(404);
  expect(a.status).toBe(b.status);
  expect(a.body.error.code).toBe(b.body.error.code);
  expect(String(a.body.error.message).replaceAll(hiddenId, 'ID')).toBe(
    String(b.body.error.message).replaceAll(missingId, 'ID'),
  );
}

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi(), startWorker()]);
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  const p = `${org.prefix}-${randomUUID().slice(0, 4)}`;
  const rows: [Label, string, string, Label | null][] = [
    ['P', `Liên đoàn Lao động huyện Mường ${tag}`, 'federation', null],
    ['G1', `Công đoàn cơ sở Trường Mường 1 ${tag}`, 'grassroots_union', 'P'],
    ['G2', `Công đoàn cơ sở Trường Mường 2 ${tag}`, 'grassroots_union', 'P'],
    ['G3', `Công đoàn cơ sở Trường Mường 3 ${tag}`, 'grassroots_union', 'P'],
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
  clerkG1 = (await addMember(api, org, id.G1, 'clerk')).token;
  adminP = (await addMember(api, org, id.P, 'admin')).token;
  const leaderP = await addMember(api, org, id.P, 'leader', SIGNING_AUTHORITY);
  auditor = (await addMember(api, org, id.P, 'auditor')).token;
  clerkX = (await addMember(api, org, org.ids.X, 'clerk')).token;
  auditorX = (await addMember(api, org, org.ids.X, 'auditor')).token;
  await http()
    .put(`/units/${id.P}/review-chain`)
    .set(auth(org.admin))
    .send({ reviewerIds: [leaderP.id] })
    .expect(200);
  const form = {
    fields: [
      { key: 'sessions', label: 'Số buổi', type: 'integer', required: true, min: 0, aggregate: 'sum' },
    ],
  };
  directiveId = (
    await post('/directives', clerkP, {
      issuerId: id.P,
      type: 'CV',
      subject: `V/v thử phân trang các danh sách còn lại ${tag}`,
      tasks: ['Triển khai.'],
      addressees: { mode: 'children' },
      // one cycle an hour away: nothing the workflow does meanwhile touches what the test seeds
      reporting: { schedule: { kind: 'interval', everySeconds: 3600, count: 1 }, form },
    }).expect(201)
  ).body.id as string;
  await post(`/directives/${directiveId}/submit`, clerkP, { version: 1 }).expect(200);
  await post(`/directives/${directiveId}/review`, leaderP.token, { version: 1, decision: 'approve' }).expect(
    200,
  );
  await post(`/directives/${directiveId}/sign`, leaderP.token, { version: 1 }).expect(200);
  await waitFor(
    'the dispatch',
    async () => (await get(`/directives/${directiveId}`, clerkP)).body.status === 'dispatched',
  );
  // drafts of G1's, G2's and G3's implementing it; G1's is the one the roll-ups come from
  const implementing: string[] = [];
  for (const unit of ['G1', 'G2', 'G3'] as const) {
    const clerk = unit === 'G1' ? clerkG1 : (await addMember(api, org, id[unit], 'clerk')).token;
    const draft = await post('/directives', clerk, {
      issuerId: id[unit],
      type: 'KH',
      subject: `Kế hoạch triển khai ${unit} ${tag}`,
      tasks: ['Triển khai.'],
      addressees: { mode: 'children' },
      implements: [{ directiveId }],
    }).expect(201);
    implementing.push(draft.body.id as string);
  }
  [fromDirective] = implementing;
  implementers = implementing;

  // Seeded lists, each with ties of time (one statement writes many rows at one instant).
  await pg.query(
    `INSERT INTO aggregate_report (directive_id, unit_id, cycle, revision, aggregate, values, coverage, reason)
     SELECT $1, $2, 0, r, '{}', jsonb_build_object('sessions', r), '{}', 'late-report' FROM generate_series(1, 5) r`,
    [directiveId, id.P],
  );
  await pg.query(
    `INSERT INTO rollup_report (from_directive_id, cycle, revision, to_directive_id, unit_id, values, created_at)
     SELECT $1, c, 1, $2, CASE WHEN c % 2 = 0 THEN $3::uuid ELSE $4::uuid END, jsonb_build_object('sessions', c),
            now() - (c / 2 || ' min')::interval
       FROM generate_series(0, 6) c`,
    [fromDirective, directiveId, id.G1, id.G2],
  );
  await pg.query(
    `INSERT INTO escalation (directive_id, cycle, unit_id, level, at)
     SELECT $1, c, u, 'overdue', t FROM (VALUES
       (0, $2::uuid, now() - interval '3 min'), (0, $3::uuid, now() - interval '3 min'),
       (0, $4::uuid, now() - interval '2 min'), (1, $4::uuid, now() - interval '2 min'),
       (1, $2::uuid, now() - interval '1 min')) v(c, u, t)`,
    [directiveId, id.G1, id.G2, id.G3],
  );
  await pg.query(
    `INSERT INTO report_delivery (directive_id, hub_unit_id, target_unit_id)
     SELECT $1, h, $2 FROM unnest($3::uuid[]) h`,
    [directiveId, id.P, [id.G1, id.G2, id.G3]],
  );
  await pg.query(
    `INSERT INTO aggregate_report (directive_id, unit_id, cycle, revision, aggregate, values, coverage, reason, created_at)
     SELECT $1, u, c, r, '{}', '{"sessions": 1}', '{}', 'complete', t FROM (VALUES
       ($2::uuid, 0, 1, now() - interval '5 min'), ($2::uuid, 0, 2, now() - interval '4 min'),
       ($2::uuid, 1, 1, now() - interval '2 min'), ($3::uuid, 0, 1, now() - interval '2 min')) v(u, c, r, t)`,
    [directiveId, id.G1, id.G2],
  );
  for (const name of ['e-office', 'cổng thông tin', 'kho dữ liệu'])
    await post(`/units/${id.P}/api-keys`, org.admin, { name: `${name} ${tag}`, role: 'clerk' }).expect(201);
});

afterAll(async () => {
  await pg?.end();
  await worker?.close();
  await api?.close();
});

describe('the remaining lists page', () => {
  it('pages a node’s aggregate revisions, oldest first', async () => {
    const path = `/directives/${directiveId}/aggregate/revisions?unitId=${id.P}&cycle=0`;
    const revisions = await walkOnce(path, clerkP, 2, (r) => String(r.revision));
    expect(revisions).toEqual(['1', '2', '3', '4', '5']);
    const foreign = await cursorOf(`/directives/${directiveId}/rollups?unitId=${id.P}`, clerkP);
    await refusesBadPages(path, clerkP, foreign);
    const missing = randomUUID();
    await hiddenAsMissing(
      path,
      `/directives/${directiveId}/aggregate/revisions?unitId=${missing}&cycle=0`,
      clerkX,
      id.P,
      missing,
    );
  });

  it('pages the roll-ups newest first, all of them for the issuer and its own for a unit', async () => {
    const key = (r: Item) => `${String(r.fromDirectiveId)}/${String(r.fromCycle)}/${String(r.revision)}`;
    const path = `/directives/${directiveId}/rollups?unitId=${id.P}`;
    const all = await walkOnce(path, clerkP, 2, key);
    // newest first; at one instant, the later cycle first (the key, descending)
    expect(all).toEqual([1, 0, 3, 2, 5, 4, 6].map((c) => `${fromDirective}/${c}/1`));
    const own = await walkOnce(`/directives/${directiveId}/rollups?unitId=${id.G1}`, clerkG1, 1, key);
    expect(own).toEqual([0, 2, 4, 6].map((c) => `${fromDirective}/${c}/1`));
    const foreign = await cursorOf(
      `/directives/${directiveId}/aggregate/revisions?unitId=${id.P}&cycle=0`,
      clerkP,
    );
    await refusesBadPages(path, clerkP, foreign);
    const missing = randomUUID();
    await hiddenAsMissing(
      path,
      `/directives/${directiveId}/rollups?unitId=${missing}`,
      clerkX,
      id.P,
      missing,
    );
  });

  it('pages the case file’s timeline and keeps the rest of the file on every page', async () => {
    const path = `/directives/${directiveId}/audit/case-file`;
    const timeline = (await get(`/directives/${directiveId}/audit/timeline?limit=1000`, auditor).expect(200))
      .body.items as Item[];
    expect(timeline.length).toBeGreaterThan(4);
    const events = await walkOnce(path, auditor, 2, (e) => String(e.id));
    expect(events).toEqual(timeline.map((e) => String(e.id)));
    const page = (await get(`${path}?limit=2`, auditor).expect(200)).body;
    expect(page).toMatchObject({
      directive: { id: directiveId },
      verification: { valid: true },
      implementing: expect.any(Array),
      timeline: { items: expect.any(Array), nextCursor: expect.any(String) },
    });
    const html = await get(`${path}?format=html&limit=2`, auditor).expect(200);
    expect(html.text).toContain('case-file?format=html&amp;limit=2&amp;cursor=');
    // the timeline endpoint's cursor is not the case file's
    const foreign = await cursorOf(`/directives/${directiveId}/audit/timeline`, auditor);
    await refusesBadPages(path, auditor, foreign);
    const missing = randomUUID();
    await hiddenAsMissing(path, `/directives/${missing}/audit/case-file`, auditorX, directiveId, missing);
  });

  it('pages the register of reports received, newest first, then by directive, hub and cycle', async () => {
    const key = (r: Item) =>
      `${String(r.hubUnitId)}/${r.cycleKey === undefined ? '-' : (r.cycleKey as number).toString()}`;
    const path = `/registers/reports-received?unitId=${id.P}`;
    const entries = await walkOnce(path, clerkP, 1, key);
    // G1's cycle 1 and G2's cycle 0 at one instant: by hub id; G3 has not reported (last)
    const tied = [id.G1, id.G2].sort();
    expect(entries).toEqual([
      ...tied.map((h) => (h === id.G1 ? `${id.G1}/1` : `${id.G2}/0`)),
      `${id.G1}/0`,
      `${id.G3}/-`,
    ]);
    const latest = (await get(`${path}&limit=1000`, clerkP).expect(200)).body.items.find(
      (r: Item) => r.hubUnitId === id.G1 && r.cycleKey === 0,
    );
    expect(latest.revision).toBe(2);
    await get(`${path}&offset=10`, clerkP).expect(400);
    const foreign = await cursorOf(`/overdue?unitId=${id.P}`, clerkP);
    await refusesBadPages(path, clerkP, foreign);
    const missing = randomUUID();
    await hiddenAsMissing(path, `/registers/reports-received?unitId=${missing}`, clerkX, id.P, missing);
  });

  it('pages the overdue list, most late first, ties by unit, directive and cycle', async () => {
    const key = (o: Item) => `${String(o.unitId)}/${String(o.cycle)}`;
    const path = `/overdue?unitId=${id.P}`;
    const entries = await walkOnce(path, clerkP, 2, key);
    expect(entries).toEqual([
      ...[id.G1, id.G2].sort().map((u) => `${u}/0`),
      `${id.G3}/0`,
      `${id.G3}/1`,
      `${id.G1}/1`,
    ]);
    await get(`${path}&offset=2`, clerkP).expect(400);
    const foreign = await cursorOf(`/registers/reports-received?unitId=${id.P}`, clerkP);
    await refusesBadPages(path, clerkP, foreign);
    const missing = randomUUID();
    await hiddenAsMissing(path, `/overdue?unitId=${missing}`, clerkX, id.P, missing);
  });

  it('pages the directives implementing one, in the order linked, and keeps the other links whole', async () => {
    const path = `/directives/${directiveId}/links`;
    const by = await walkOnce(path, clerkP, 1, (d) => String(d.id));
    expect(by).toEqual(implementers);
    const page = (await get(`${path}?limit=1`, clerkP).expect(200)).body;
    expect(page).toMatchObject({ implements: [], supersedes: [], supersededBy: [] });
    const foreign = await cursorOf(`/directives/${directiveId}/events`, clerkP);
    await refusesBadPages(path, clerkP, foreign);
    const missing = randomUUID();
    await hiddenAsMissing(path, `/directives/${missing}/links`, clerkX, directiveId, missing);
  });

  it('pages a unit’s members and API keys in the order they were made', async () => {
    const members = await walkOnce(`/units/${id.P}/members`, adminP, 2, (m) => String(m.id));
    const stored = await pg.query<{ id: string }>(
      `SELECT id::text FROM membership WHERE unit_id = $1 ORDER BY created_at, id`,
      [id.P],
    );
    expect(members).toEqual(stored.rows.map((r) => r.id));
    expect(members.length).toBeGreaterThanOrEqual(4);
    const keys = await walkOnce(`/units/${id.P}/api-keys`, org.admin, 2, (k) => String(k.id));
    const made = await pg.query<{ id: string }>(
      `SELECT id::text FROM api_key WHERE unit_id = $1 ORDER BY created_at, id`,
      [id.P],
    );
    expect(keys).toEqual(made.rows.map((r) => r.id));
    expect(keys).toHaveLength(3);
    const keysCursor = await cursorOf(`/units/${id.P}/api-keys`, org.admin);
    const membersCursor = await cursorOf(`/units/${id.P}/members`, org.admin);
    // the same key's shape (time, id), another list: refused
    await refusesBadPages(`/units/${id.P}/members`, org.admin, keysCursor);
    await refusesBadPages(`/units/${id.P}/api-keys`, org.admin, membersCursor);
    const missing = randomUUID();
    await hiddenAsMissing(`/units/${id.P}/members`, `/units/${missing}/members`, clerkX, id.P, missing);
    await hiddenAsMissing(`/units/${id.P}/api-keys`, `/units/${missing}/api-keys`, clerkX, id.P, missing);
  });

  it('pages the users by name: every one for a system administrator, those of its units for a unit admin', async () => {
    const all = await walkOnce('/users', org.admin, 3, (u) => String(u.id));
    const stored = await pg.query<{ id: string }>(`SELECT id::text FROM app_user ORDER BY name, id`);
    expect(all).toEqual(stored.rows.map((r) => r.id));
    const scoped = await walkOnce('/users', adminP, 2, (u) => String(u.id));
    const ofP = await pg.query<{ id: string }>(
      `SELECT DISTINCT m.user_id::text AS id FROM membership m JOIN unit u ON u.id = m.unit_id
        WHERE u.path <@ (SELECT path FROM unit WHERE id = $1)`,
      [id.P],
    );
    expect(scoped).toEqual(expect.arrayContaining(ofP.rows.map((r) => r.id)));
    const ofX = await pg.query<{ id: string }>(
      `SELECT user_id::text AS id FROM membership WHERE unit_id = $1`,
      [org.ids.X],
    );
    for (const user of ofX.rows) expect(scoped).not.toContain(user.id);
    expect(scoped.filter((u) => all.includes(u))).toEqual(scoped); // the same order as the whole list's
    expect(all.filter((u) => scoped.includes(u))).toEqual(scoped);
    const foreign = await cursorOf(`/units/${id.P}/members`, org.admin);
    await refusesBadPages('/users', org.admin, foreign);
    const nul = Buffer.from(JSON.stringify(['users', ['a\u0000b', randomUUID()]])).toString('base64url');
    expect((await get(`/users?cursor=${nul}`, org.admin).expect(400)).body.error.message).toMatch(/^cursor:/);
  });
});

const raw = () => rawDb(pg);
const explainLast = (run: (db: DataSource) => Promise<unknown>, table: string, bound: number) =>
  explainPlan(pg, run, [table], bound);

describe('a page in the middle walks the index', () => {
  const N = 5_000;
  const limit = 50;
  const bound = 3 * (limit + 1);

  beforeAll(async () => {
    // N users with memberships and API keys at G2, N roll-ups, 10 N overdue marks on G3 (in pairs at one instant).
    await pg.query(
      `INSERT INTO app_user (id, email, name, password_hash)
       SELECT gen_random_uuid(), 'many-' || i || '-' || $2 || '@test.cascade.vn', 'Người dùng ' || lpad(i::text, 5, '0'), 'x'
         FROM generate_series(1, $1::int) i`,
      [N, tag.toLowerCase()],
    );
    await pg.query(
      `INSERT INTO membership (id, user_id, unit_id, role, created_at)
       SELECT gen_random_uuid(), a.id, $1, 'specialist', now() - (row_number() OVER (ORDER BY a.id) / 2 || ' s')::interval
         FROM app_user a WHERE a.email LIKE 'many-%-' || $2 || '@test.cascade.vn'`,
      [id.G2, tag.toLowerCase()],
    );
    await pg.query(
      `INSERT INTO api_key (id, unit_id, name, role, prefix, key_hash, created_at)
       SELECT gen_random_uuid(), $1, 'khóa ' || i, 'clerk', 'p' || $3 || i, 'h' || i, now() - (i / 2 || ' s')::interval
         FROM generate_series(1, $2::int) i`,
      [id.G2, N, tag.toLowerCase()],
    );
    await pg.query(
      `INSERT INTO rollup_report (from_directive_id, cycle, revision, to_directive_id, unit_id, values, created_at)
       SELECT $1, 100 + i, 1, $2, $3, '{}', now() - (i / 2 || ' s')::interval FROM generate_series(1, $4::int) i`,
      [fromDirective, directiveId, id.G1, N],
    );
    await pg.query(
      `INSERT INTO escalation (directive_id, cycle, unit_id, level, at)
       SELECT $1, 100 + i, $2, 'overdue', now() - (i / 2 || ' s')::interval FROM generate_series(1, $3::int) i`,
      [directiveId, id.G3, 10 * N],
    );
    await pg.query(`ANALYZE app_user, membership, api_key, rollup_report, escalation`);
  });

  it('for the members, the API keys, the roll-ups, the users and the overdue list', async () => {
    const members = await membersOfUnit(raw(), id.G2, { after: null, limit: N / 2 });
    const m = await explainLast(
      (db) => membersOfUnit(db, id.G2, { after: members.next, limit }),
      'membership',
      bound,
    );
    expect(m.some((n) => n['Index Name'] === 'membership_unit_page')).toBe(true);
    const keys = await apiKeysOfUnit(raw(), id.G2, { after: null, limit: N / 2 });
    const k = await explainLast(
      (db) => apiKeysOfUnit(db, id.G2, { after: keys.next, limit }),
      'api_key',
      bound,
    );
    expect(k.some((n) => n['Index Name'] === 'api_key_unit_page')).toBe(true);
    const rollups = await rollupsTo(raw(), directiveId, null, { after: null, limit: N / 2 });
    const r = await explainLast(
      (db) => rollupsTo(db, directiveId, null, { after: rollups.next, limit }),
      'rollup_report',
      bound,
    );
    expect(r.some((n) => n['Index Name'] === 'rollup_report_page')).toBe(true);
    await explainLast(
      (db) => rollupsTo(db, directiveId, id.G1, { after: rollups.next, limit }),
      'rollup_report',
      bound,
    );
    const users = await usersPage(raw(), null, { after: null, limit: N / 2 });
    const u = await explainLast((db) => usersPage(db, null, { after: users.next, limit }), 'app_user', bound);
    expect(u.some((n) => n['Index Name'] === 'app_user_name')).toBe(true);
    // a unit admin's: the walk by name checks each user's memberships as it reaches them
    const path = (await pg.query<{ path: string }>(`SELECT path::text FROM unit WHERE id = $1`, [id.G2]))
      .rows[0].path;
    const scope = { subtreePaths: [path], unitIds: [] };
    const scoped = await usersPage(raw(), scope, { after: null, limit: N / 2 });
    const us = await explainLast(
      (db) => usersPage(db, scope, { after: scoped.next, limit }),
      'app_user',
      bound,
    );
    expect(us.some((n) => n['Index Name'] === 'app_user_name')).toBe(true);
    const levels = ['reminded', 'overdue', 'parent', 'issuer', 'above'];
    const overdue = await overdueUnits(raw(), { unitId: id.P, levels }, { after: null, limit: N / 2 });
    const o = await explainLast(
      (db) => overdueUnits(db, { unitId: id.P, levels }, { after: overdue.next, limit }),
      'escalation',
      bound,
    );
    expect(o.some((n) => n['Index Name'] === 'escalation_overdue_page')).toBe(true);
  });
});
