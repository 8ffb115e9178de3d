/** The unit hierarchy through the API: create, idempotency, tree and search, move, deactivate, report targets,
 * and bulk import/export with bad rows, cycles, malformed files and limits. */
import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { generateUnits } from '@cascade/domain';
import { startApi } from './support/apps';
import { newKey } from './support/ids';
import { auth, buildOrg, type Org } from './support/org';

jest.setTimeout(180_000);

let api: INestApplication;
let org: Org;
let pg: PgClient;
const http = () => request(api.getHttpServer());
const code = (label: string) => `${org.prefix}-${label}-${randomUUID().slice(0, 4)}`;

beforeAll(async () => {
  api = await startApi();
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
});

afterAll(async () => {
  await pg?.end();
  await api?.close();
});

const count = async (): Promise<number> => (await pg.query('SELECT count(*)::int AS n FROM unit')).rows[0].n;

async function create(token: string, body: object, key = newKey()) {
  return http().post('/units').set(auth(token)).set('Idempotency-Key', key).send(body);
}

describe('create', () => {
  it('creates a child, answers a retry with the same body, refuses a reused key and a taken code', async () => {
    const key = newKey();
    const body = {
      code: code('C'),
      name: 'Công đoàn cơ sở Trường Tiểu học',
      kind: 'grassroots_union',
      parentId: org.ids.A1,
    };
    const first = await create(org.tokens.admin, body, key);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      code: body.code,
      symbol: body.code,
      parentId: org.ids.A1,
      level: 4,
      active: true,
    });
    const before = await count();
    const retry = await create(org.tokens.admin, body, key);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await count()).toBe(before);

    const reused = await create(org.tokens.admin, { ...body, name: 'Khác' }, key);
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const taken = await create(org.tokens.admin, body);
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({
      code: 'UNIT_CODE_TAKEN',
      message: expect.stringMatching(/^code:/),
    });
  });

  it('validates every field, naming it', async () => {
    const badParent = await create(org.tokens.admin, {
      code: 'X1',
      name: 'X',
      kind: 'federation',
      parentId: 'x',
    });
    expect(badParent.status).toBe(400);
    expect(badParent.body.error.message).toBe('parentId: must be a UUID');
    const res = await create(org.tokens.admin, {
      code: 'có dấu cách',
      name: '',
      kind: 'tỉnh',
      parentId: org.ids.A,
      extra: 1,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'code',
      'extra',
      'kind',
      'name',
    ]);
  });

  it('lets only system administrators create roots', async () => {
    const body = { code: code('ROOT'), name: 'Tỉnh ủy mới', kind: 'party_committee' };
    expect((await create(org.tokens.admin, body)).status).toBe(403);
    expect((await create(org.admin, body)).status).toBe(201);
  });
});

describe('tree and search', () => {
  it('pages through a subtree depth-first, to the requested depth, without gaps or repeats', async () => {
    const parent = (
      await create(org.tokens.admin, {
        code: code('P'),
        name: 'Liên đoàn cấp huyện',
        kind: 'federation',
        parentId: org.ids.A,
      })
    ).body;
    const children: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await create(org.tokens.admin, {
        code: code(`K${i}`),
        name: `Công đoàn cơ sở ${i}`,
        kind: 'grassroots_union',
        parentId: parent.id,
      });
      children.push(c.body.id);
      await create(org.tokens.admin, {
        code: code(`G${i}`),
        name: `Tổ công đoàn ${i}`,
        kind: 'grassroots_union',
        parentId: c.body.id,
      });
    }
    const depth1 = await http()
      .get(`/units/${parent.id}/tree?depth=1`)
      .set(auth(org.tokens.clerk))
      .expect(200);
    expect(depth1.body.items.map((u: { id: string }) => u.id).sort()).toEqual([...children].sort());

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await http()
        .get(`/units/${parent.id}/tree?depth=2&limit=3${cursor ? `&cursor=${cursor}` : ''}`)
        .set(auth(org.tokens.clerk))
        .expect(200);
      seen.push(...res.body.items.map((u: { id: string }) => u.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);

    const bad = await http().get(`/units/${parent.id}/tree?depth=0&limit=5000`).set(auth(org.tokens.clerk));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['depth', 'limit']);
    // A cursor that is not a path of the API is a 400, not a database error.
    for (const cursor of ['..', 'u1..u2', '.u1', 'u1.']) {
      const res = await http().get(`/units/${parent.id}/tree`).query({ cursor }).set(auth(org.tokens.clerk));
      expect({ cursor, status: res.status, field: res.body.error?.details?.[0]?.field }).toEqual({
        cursor,
        status: 400,
        field: 'cursor',
      });
    }
  });

  it('searches names ignoring accents and case, within the caller scope', async () => {
    const name = `Công đoàn Bệnh viện Đa khoa ${org.prefix}`;
    await create(org.tokens.admin, {
      code: code('BV'),
      name,
      kind: 'grassroots_union',
      parentId: org.ids.A1,
    });
    for (const q of ['benh vien da khoa', 'ĐA KHOA BỆNH VIỆN', 'Bệnh viện'.normalize('NFD')]) {
      const res = await http()
        .get('/units')
        .query({ q: `${q} ${org.prefix}`.trim(), limit: 50 })
        .set(auth(org.tokens.leader))
        .expect(200);
      expect(res.body.items.map((u: { name: string }) => u.name)).toContain(name);
    }
    const sibling = await http()
      .get('/units')
      .query({ q: org.prefix, under: org.ids.B })
      .set(auth(org.tokens.leader));
    expect(sibling.status).toBe(404);
  });
});

describe('move and deactivate', () => {
  it('moves a subtree, records the move, keeps paths consistent, and refuses cycles', async () => {
    const a = (
      await create(org.admin, {
        code: code('MA'),
        name: 'Đơn vị chuyển',
        kind: 'federation',
        parentId: org.ids.A,
      })
    ).body;
    const child = (
      await create(org.admin, {
        code: code('MC'),
        name: 'Đơn vị con',
        kind: 'grassroots_union',
        parentId: a.id,
      })
    ).body;

    // An admin of A may not move it under B (it cannot even see B).
    const hidden = await http()
      .post(`/units/${a.id}/move`)
      .set(auth(org.tokens.admin))
      .set('Idempotency-Key', newKey())
      .send({ parentId: org.ids.B });
    expect(hidden.status).toBe(404);

    const moved = await http()
      .post(`/units/${a.id}/move`)
      .set(auth(org.admin))
      .set('Idempotency-Key', newKey())
      .send({ parentId: org.ids.B, reason: 'Sáp nhập' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ parentId: org.ids.B, level: 3 });
    const underB = await http().get(`/units/${org.ids.B}/tree?depth=5`).set(auth(org.admin)).expect(200);
    expect(underB.body.items.map((u: { id: string }) => u.id)).toEqual(
      expect.arrayContaining([a.id, child.id]),
    );
    const paths = await pg.query(`SELECT id, path::text AS path FROM unit WHERE id = ANY($1)`, [
      [a.id, child.id, org.ids.B],
    ]);
    const pathOf = Object.fromEntries(paths.rows.map((r) => [r.id, r.path]));
    expect(pathOf[child.id].startsWith(`${pathOf[a.id]}.`)).toBe(true);
    expect(pathOf[a.id].startsWith(`${pathOf[org.ids.B]}.`)).toBe(true);

    const history = await http().get(`/units/${a.id}/moves`).set(auth(org.admin)).expect(200);
    expect(history.body).toEqual([
      expect.objectContaining({ fromParentId: org.ids.A, toParentId: org.ids.B, reason: 'Sáp nhập' }),
    ]);

    const cycle = await http()
      .post(`/units/${a.id}/move`)
      .set(auth(org.admin))
      .set('Idempotency-Key', newKey())
      .send({ parentId: child.id });
    expect(cycle.status).toBe(409);
    expect(cycle.body.error.code).toBe('UNIT_MOVE_CYCLE');
  });

  it('deactivates (history kept, no new children) and reactivates', async () => {
    const unit = (
      await create(org.tokens.admin, {
        code: code('D'),
        name: 'Sắp giải thể',
        kind: 'federation',
        parentId: org.ids.A,
      })
    ).body;
    const off = await http()
      .post(`/units/${unit.id}/deactivate`)
      .set(auth(org.tokens.admin))
      .set('Idempotency-Key', newKey())
      .expect(200);
    expect(off.body.active).toBe(false);
    await http().get(`/units/${unit.id}`).set(auth(org.tokens.clerk)).expect(200);
    const child = await create(org.tokens.admin, {
      code: code('DC'),
      name: 'Con',
      kind: 'grassroots_union',
      parentId: unit.id,
    });
    expect(child.status).toBe(409);
    expect(child.body.error.code).toBe('UNIT_PARENT_INACTIVE');
    const active = await http()
      .get(`/units/${org.ids.A}/tree?depth=1&includeInactive=false`)
      .set(auth(org.tokens.clerk))
      .expect(200);
    expect(active.body.items.map((u: { id: string }) => u.id)).not.toContain(unit.id);
    await http()
      .post(`/units/${unit.id}/activate`)
      .set(auth(org.tokens.admin))
      .set('Idempotency-Key', newKey())
      .expect(200);
  });
});

describe('report targets', () => {
  it('adds a report target beyond the parent, through a department, and validates codes', async () => {
    const dept = (
      await create(org.admin, {
        code: code('BTG'),
        name: 'Ban Tuyên giáo',
        kind: 'department',
        parentId: org.ids.X,
      })
    ).body;
    const bad = await http()
      .put(`/units/${org.ids.A}/report-targets`)
      .set(auth(org.tokens.admin))
      .send({ targets: [{ targetCode: 'KHONG-CO' }] });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toMatch(/^targets\.0\.targetCode:/);
    // X is another tree: a link to it is made by someone who sees both (A's own admin may not see X).
    const wrongVia = await http()
      .put(`/units/${org.ids.A}/report-targets`)
      .set(auth(org.admin))
      .send({ targets: [{ targetCode: org.codes.X, viaCode: org.codes.B }] });
    expect(wrongVia.body.error.message).toMatch(/^targets\.0\.viaCode:/);

    const set = await http()
      .put(`/units/${org.ids.A}/report-targets`)
      .set(auth(org.admin))
      .send({ targets: [{ targetCode: org.codes.X, viaCode: dept.code, note: 'báo cáo Huyện ủy' }] })
      .expect(200);
    expect(set.body).toEqual([
      expect.objectContaining({ targetId: org.ids.X, viaId: dept.id, note: 'báo cáo Huyện ủy' }),
    ]);
    await http()
      .put(`/units/${org.ids.A}/report-targets`)
      .set(auth(org.tokens.admin))
      .send({ targets: [] })
      .expect(200);
  });
});

describe('import and export', () => {
  const importCsv = (token: string, csv: string, key = newKey()) =>
    http()
      .post('/units/import')
      .set(auth(token))
      .set('Idempotency-Key', key)
      .set('Content-Type', 'text/csv')
      .send(csv);

  it('imports good rows, rejects bad ones with reasons, and upserts by code on the next run', async () => {
    const p = `${org.prefix}-I${randomUUID().slice(0, 4)}`;
    const csv = [
      'code,name,kind,parentCode',
      `${p}-1,"Liên đoàn huyện, số 1",federation,${org.codes.A}`,
      `${p}-2,Công đoàn cơ sở 2,grassroots_union,${p}-1`,
      `${p}-3,Tên thứ ba,not-a-kind,${p}-1`,
      `${p}-4,Con của dòng hỏng,grassroots_union,${p}-3`,
      `${p}-5,Cha không có,federation,${p}-KHONG`,
      `${p}-6,Vòng A,federation,${p}-7`,
      `${p}-7,Vòng B,federation,${p}-6`,
      `${p}-1,Trùng mã,federation,${org.codes.A}`,
      `${p}-8,${'Công đoàn'.normalize('NFD')}\u00a0NFD,grassroots_union,${p}-1`,
      `${p}-9,Ngoài phạm vi,federation,${org.codes.B}`,
    ].join('\n');
    const res = await importCsv(org.tokens.admin, csv);
    expect(res.status).toBe(200);
    expect(res.body.created.map((c: { code: string }) => c.code).sort()).toEqual([
      `${p}-1`,
      `${p}-2`,
      `${p}-8`,
    ]);
    expect(res.body.rejected).toEqual([
      { line: 4, code: `${p}-3`, field: 'kind', reason: expect.stringContaining('must be one of') },
      { line: 5, code: `${p}-4`, field: 'parentCode', reason: `parent ${p}-3 (line 4) was rejected` },
      { line: 6, code: `${p}-5`, field: 'parentCode', reason: `unknown parent ${p}-KHONG` },
      { line: 7, code: `${p}-6`, field: 'parentCode', reason: expect.stringMatching(/^cycle/) },
      { line: 8, code: `${p}-7`, field: 'parentCode', reason: expect.stringMatching(/^cycle/) },
      { line: 9, code: `${p}-1`, field: 'code', reason: 'duplicate of line 2' },
      // B is not the importer's, nor even visible to it: answered as a parent that does not exist.
      { line: 11, code: `${p}-9`, field: 'parentCode', reason: `unknown parent ${org.codes.B}` },
    ]);
    const nfd = await pg.query('SELECT name FROM unit WHERE code = $1', [`${p}-8`]);
    expect(nfd.rows[0].name).toBe('Công đoàn NFD');

    const again = await importCsv(
      org.tokens.admin,
      [
        `code,name,kind,parentCode`,
        `${p}-1,Tên mới,federation,${org.codes.A}`,
        `${p}-2,Công đoàn cơ sở 2,grassroots_union,${p}-1`,
      ].join('\n'),
    );
    expect(again.body).toMatchObject({
      created: [],
      updated: [expect.objectContaining({ code: `${p}-1` })],
      unchanged: [expect.objectContaining({ code: `${p}-2` })],
    });

    const exported = await http()
      .get(
        `/units/export?format=csv&under=${res.body.created.find((c: { code: string }) => c.code === `${p}-1`).id}`,
      )
      .set(auth(org.tokens.clerk))
      .expect(200);
    expect(exported.headers['content-type']).toMatch(/text\/csv/);
    const lines = exported.text.trim().split('\n');
    expect(lines[0]).toBe('code,name,kind,parentCode,symbol,active,edxmlCode');
    expect(lines).toHaveLength(4);
    // The export is importable as it is: nothing changes.
    const roundTrip = await importCsv(org.tokens.admin, exported.text);
    expect(roundTrip.body.unchanged).toHaveLength(3);
    expect(roundTrip.body.rejected).toEqual([]);
  });

  it('leaves nothing half imported when the file is malformed, empty or of the wrong type', async () => {
    const before = await count();
    const malformed = await importCsv(
      org.tokens.admin,
      `code,name,kind,parentCode\n${org.prefix}-Q,"không đóng ngoặc,federation,`,
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('UNIT_IMPORT_MALFORMED');
    const noHeader = await importCsv(org.tokens.admin, 'a,b\n1,2');
    expect(noHeader.body.error.message).toMatch(/header/);
    const empty = await importCsv(org.tokens.admin, 'code,name,kind,parentCode\n');
    expect(empty.status).toBe(422);
    const notList = await http()
      .post('/units/import')
      .set(auth(org.tokens.admin))
      .set('Idempotency-Key', newKey())
      .send({ units: 'x' });
    expect(notList.body.error.message).toMatch(/^units:/);
    const html = await http()
      .post('/units/import')
      .set(auth(org.tokens.admin))
      .set('Idempotency-Key', newKey())
      .set('Content-Type', 'text/html')
      .send('<b>x</b>');
    expect(html.status).toBe(415);
    expect(await count()).toBe(before);
  });

  it('refuses an upload over the limit with 413', async () => {
    const small = await startApi({ IMPORT_BODY_LIMIT_BYTES: '2048' });
    try {
      const csv =
        'code,name,kind,parentCode\n' +
        Array.from({ length: 200 }, (_, i) => `${org.prefix}-L${i},Tên ${i},federation,${org.codes.A}`).join(
          '\n',
        );
      const res = await request(small.getHttpServer())
        .post('/units/import')
        .set(auth(org.tokens.admin))
        .set('Idempotency-Key', newKey())
        .set('Content-Type', 'text/csv')
        .send(csv);
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    } finally {
      await small.close();
    }
  });

  it('imports a generated hierarchy of 3,000 units in one request', async () => {
    const units = generateUnits({ count: 3000, depth: 4, fanout: 15, prefix: `${org.prefix}S` }).map((u) => ({
      ...u,
      parentCode: u.parentCode ?? org.codes.A,
    }));
    const res = await http()
      .post('/units/import')
      .set(auth(org.tokens.admin))
      .set('Idempotency-Key', newKey())
      .send(units);
    expect(res.status).toBe(200);
    expect(res.body.created).toHaveLength(3000);
    expect(res.body.rejected).toEqual([]);
    const deepest = await pg.query(`SELECT max(level) AS level FROM unit WHERE code LIKE $1`, [
      `${org.prefix}S-%`,
    ]);
    expect(deepest.rows[0].level).toBe(2 + 4); // under A (level 2), four levels deep
  });
});
