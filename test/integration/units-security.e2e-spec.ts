/**
 * The unit hierarchy against the tenant next door (issue 17): an admin of A cannot move or create a unit inside a
 * tree it does not administer through an import, cannot tell a unit it may not see from one that does not exist
 * (import parents, report targets), and a refused import writes nothing.
 */
import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { startApi } from './support/apps';
import { newKey } from './support/ids';
import { auth, buildOrg, type Org } from './support/org';

jest.setTimeout(180_000);

let api: INestApplication;
let org: Org;
let pg: PgClient;
const http = () => request(api.getHttpServer());

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

const importCsv = (token: string, lines: string[]) =>
  http()
    .post('/units/import')
    .set(auth(token))
    .set('Idempotency-Key', newKey())
    .set('Content-Type', 'text/csv')
    .send(['code,name,kind,parentCode', ...lines].join('\n'));

/** Every unit as it stands (id, code, parent, path, version): what a refused import must leave untouched. */
const snapshot = async () =>
  (
    await pg.query(
      `SELECT id, code, parent_id, path::text AS path, version FROM unit WHERE code LIKE $1 ORDER BY code`,
      [`${org.prefix}-%`],
    )
  ).rows;
const moveCount = async () =>
  (await pg.query(`SELECT count(*)::int AS n FROM unit_move`)).rows[0].n as number;

describe('unit import across trees', () => {
  it('does not move a child of A under a unit of another tree by planning that unit under A', async () => {
    const before = await snapshot();
    const moves = await moveCount();
    // X is another root: the file plans X under A, and A1 under X. The X row is refused (not the importer's), so the
    // A1 row must be checked against where X really is, not where the file meant to put it.
    const res = await importCsv(org.tokens.admin, [
      `${org.codes.A1},Công đoàn A1,grassroots_union,${org.codes.X}`,
      `${org.codes.X},Bất kỳ,party_committee,${org.codes.A}`,
    ]);
    expect(res.status).toBe(200);
    expect(res.body.updated).toEqual([]);
    expect(res.body.created).toEqual([]);
    expect(res.body.rejected.map((r: { code: string }) => r.code).sort()).toEqual(
      [org.codes.A1, org.codes.X].sort(),
    );
    expect(await snapshot()).toEqual(before);
    expect(await moveCount()).toBe(moves);
    const a1 = await pg.query(`SELECT parent_id FROM unit WHERE id = $1`, [org.ids.A1]);
    expect(a1.rows[0].parent_id).toBe(org.ids.A);
  });

  it('does not create a unit inside another tree by the same trick', async () => {
    const before = await snapshot();
    const fresh = `${org.prefix}-N${randomUUID().slice(0, 4)}`;
    const res = await importCsv(org.tokens.admin, [
      `${fresh},Đơn vị mới,grassroots_union,${org.codes.X}`,
      `${org.codes.X},Bất kỳ,party_committee,${org.codes.A}`,
    ]);
    expect(res.status).toBe(200);
    expect(res.body.created).toEqual([]);
    expect(res.body.rejected.map((r: { code: string }) => r.code).sort()).toEqual(
      [fresh, org.codes.X].sort(),
    );
    expect(await snapshot()).toEqual(before);
    expect((await pg.query(`SELECT 1 FROM unit WHERE code = $1`, [fresh])).rowCount).toBe(0);
  });

  it('answers a parent the importer may not see exactly like a parent that does not exist', async () => {
    const before = await snapshot();
    const hidden = `${org.prefix}-H${randomUUID().slice(0, 4)}`;
    const missing = `${org.prefix}-M${randomUUID().slice(0, 4)}`;
    const unknown = `${org.prefix}-KHONG-CO-${randomUUID().slice(0, 4)}`;
    // B (a sibling) and X (another tree) exist, R is A's own parent: none of them is visible to A's admin.
    const answers = [];
    for (const parent of [org.codes.B, org.codes.X, org.codes.R, unknown]) {
      const res = await importCsv(org.tokens.admin, [`${hidden},Đơn vị,grassroots_union,${parent}`]);
      expect(res.status).toBe(200);
      answers.push(res.body.rejected.map((r: object) => ({ ...r, reason: '…' })));
      expect(res.body.rejected).toEqual([
        { line: 2, code: hidden, field: 'parentCode', reason: `unknown parent ${parent}` },
      ]);
    }
    // A nested row under the hidden parent is answered the same way too.
    const nested = await importCsv(org.tokens.admin, [
      `${hidden},Đơn vị,federation,${org.codes.B}`,
      `${missing},Đơn vị con,grassroots_union,${hidden}`,
    ]);
    expect(nested.body.rejected).toEqual([
      { line: 2, code: hidden, field: 'parentCode', reason: `unknown parent ${org.codes.B}` },
      { line: 3, code: missing, field: 'parentCode', reason: `parent ${hidden} (line 2) was rejected` },
    ]);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(await snapshot()).toEqual(before);
  });
});

describe('report targets across trees', () => {
  const put = (token: string, targets: object[]) =>
    http().put(`/units/${org.ids.A}/report-targets`).set(auth(token)).send({ targets });

  it('answers a target the admin may not see exactly like one that does not exist, and links nothing', async () => {
    const unknown = `${org.prefix}-KHONG-CO-${randomUUID().slice(0, 4)}`;
    const shape = (res: request.Response, code: string) => ({
      status: res.status,
      code: res.body.error?.code,
      message: String(res.body.error?.message).replace(code, 'CODE'),
    });
    const expected = {
      status: 422,
      code: 'UNIT_REPORT_TARGET_INVALID',
      message: 'targets.0.targetCode: no unit CODE',
    };
    // B is a sibling and X another tree: A's admin sees neither.
    for (const target of [org.codes.B, org.codes.X, unknown]) {
      const res = await put(org.tokens.admin, [{ targetCode: target }]);
      expect(shape(res, target)).toEqual(expected);
    }
    // A department of a hidden unit, through a visible target, is no unit either.
    const dept = await http()
      .post('/units')
      .set(auth(org.admin))
      .set('Idempotency-Key', newKey())
      .send({
        code: `${org.prefix}-D${randomUUID().slice(0, 4)}`,
        name: 'Ban',
        kind: 'department',
        parentId: org.ids.B,
      })
      .expect(201);
    const viaHidden = await put(org.tokens.admin, [{ targetCode: org.codes.A1, viaCode: dept.body.code }]);
    const viaUnknown = await put(org.tokens.admin, [{ targetCode: org.codes.A1, viaCode: unknown }]);
    expect(viaHidden.status).toBe(422);
    expect(viaHidden.body.error.message.replace(dept.body.code, 'CODE')).toBe(
      viaUnknown.body.error.message.replace(unknown, 'CODE'),
    );
    expect(viaHidden.body.error.code).toBe(viaUnknown.body.error.code);
    // A deactivated hidden unit is no unit too (not "deactivated").
    await http()
      .post(`/units/${dept.body.id}/deactivate`)
      .set(auth(org.admin))
      .set('Idempotency-Key', newKey())
      .expect(200);
    expect(shape(await put(org.tokens.admin, [{ targetCode: dept.body.code }]), dept.body.code)).toEqual(
      expected,
    );
    const links = await pg.query(`SELECT 1 FROM unit_report_target WHERE unit_id = $1`, [org.ids.A]);
    expect(links.rowCount).toBe(0);
  });

  it('keeps what may be seen: the unit’s own ancestors, and links a system administrator made', async () => {
    // R is A's parent: A reports up its own line.
    await put(org.tokens.admin, [{ targetCode: org.codes.R }]).expect(200);
    // A system administrator links A to X (another tree); A's admin may then keep that link while editing the list.
    await put(org.admin, [{ targetCode: org.codes.X, note: 'báo cáo Đảng ủy' }]).expect(200);
    const kept = await put(org.tokens.admin, [
      { targetCode: org.codes.X, note: 'báo cáo Đảng ủy' },
      { targetCode: org.codes.R },
    ]).expect(200);
    expect(kept.body.map((t: { targetId: string }) => t.targetId).sort()).toEqual(
      [org.ids.X, org.ids.R].sort(),
    );
    await put(org.admin, []).expect(200);
  });
});
