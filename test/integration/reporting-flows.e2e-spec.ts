/**
 * Every seed's reporting flow, end to end through the HTTP API on the real Temporal dev server and PostgreSQL, with
 * schedules seconds apart (issue #18):
 * - 000: a province's 812/LĐLĐ registered as received by the district under its own number; the district's letter
 *   implements it (resolved from the text), goes to every grassroots union, reports aggregate at the district, and
 *   the district's aggregate is its report on 812;
 * - 001: a plan with no number or date of its own implements 37-KH/BTCTU registered as received; tasks to all
 *   union levels; no reporting;
 * - 002: reports through the bloc's Ban Tuyên giáo, which aggregates and reports to the bloc's standing committee
 *   and to the provincial Ban Tuyên giáo; both read what they received;
 * - 003: ad hoc reports at any moment, aggregated at the district and forwarded to the city union and the district
 *   Party committee, each seeing the totals;
 * - 004: four phases (the last open-ended, closed by the issuer) beside a periodic report to the provincial union's
 *   department.
 * And the bad input each of these can meet, each a 4xx naming the field.
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { Client, Connection } from '@temporalio/client';
import { directiveWorkflowId, reportingWorkflowId } from '@cascade/contracts';
import { saveHistory } from '../replay/histories';
import { startApi, startWorker } from './support/apps';
import { newKey } from './support/ids';
import { addMember, auth, buildOrg, importUnitsUnderA, type Org } from './support/org';
import { waitFor } from './support/wait-for';
import { desk as deskOf, issue as issueDirective, type Desk } from './support/desk';

jest.setTimeout(240_000);

let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
let pg: PgClient;
const http = () => request(api.getHttpServer());
const post = (path: string, token: string, body: object) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);
const get = (path: string, token: string) => http().get(path).set(auth(token));
const clerkOf = async (unitId: string) => (await addMember(api, org, unitId, 'clerk')).token;

const desk = (unitId: string) => deskOf(api, org, unitId);
const issue = (d: Desk, body: object) => issueDirective(api, d, body);

/**
 * Closes a directive (its reporting workflows stop) and waits for its workflows to complete; with
 * CAPTURE_HISTORIES=1, writes their histories for the replay tests.
 */
async function closeAndCapture(d: Desk, id: string, name: string, schedules: number[]) {
  await post(`/directives/${id}/close`, d.leader.token, { reason: 'Hoàn thành' }).expect(200);
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
  try {
    const client = new Client({ connection });
    const ids = [directiveWorkflowId(id), ...schedules.map((n) => reportingWorkflowId(id, n))];
    for (const workflowId of ids)
      await waitFor(`${workflowId} to complete`, async () => {
        const status = (await client.workflow.getHandle(workflowId).describe()).status.name;
        return status === 'COMPLETED';
      });
    if (!process.env.CAPTURE_HISTORIES) return;
    await saveHistory(client, directiveWorkflowId(id), name);
    for (const n of schedules) await saveHistory(client, reportingWorkflowId(id, n), `${name}-schedule-${n}`);
  } finally {
    await connection.close();
  }
}

const codeOf = async (unitId: string): Promise<string> =>
  (await pg.query(`SELECT code FROM unit WHERE id = $1`, [unitId])).rows[0].code as string;

const form = {
  fields: [
    { key: 'activities', label: 'Số hoạt động', type: 'integer', required: true, min: 0, aggregate: 'sum' },
    { key: 'note', label: 'Ghi chú', type: 'text', required: false, aggregate: 'collect' },
  ],
};
const tasks = ['Tổ chức quán triệt, triển khai thực hiện.', 'Báo cáo kết quả theo quy định.'];

/** Today and days around it, in Việt Nam (yyyy-mm-dd). */
const vnDay = (offsetDays: number) =>
  new Date(Date.now() + 7 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi(), startWorker()]);
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
});

afterAll(async () => {
  await pg?.end();
  await worker?.close();
  await api?.close();
});

describe('000: a province directive received from outside, implemented by the district, rolled up', () => {
  it("registers 812/LĐLĐ, implements it from the letter's text, and the district's aggregate is its report on it", async () => {
    const id = await importUnitsUnderA(api, org, [
      ['D', 'federation', null],
      ['VP', 'department', 'D'],
      ['G1', 'grassroots_union', 'D'],
      ['G2', 'grassroots_union', 'D'],
    ]);
    const district = await desk(id.D);
    const received = await post('/registers/incoming/received', district.clerk.token, {
      unitId: id.D,
      symbol: '812/LĐLĐ',
      date: '2020-04-23',
      issuerName: 'Ban Thường vụ LĐLĐ tỉnh',
      type: 'CV',
      subject: 'V/v hưởng ứng Giải Búa liềm vàng lần thứ V - năm 2020',
      receivedAt: new Date(Date.now() - 3600_000).toISOString(),
    }).expect(201);
    const cv812 = received.body.id as string;

    const letter = `LIÊN ĐOÀN LAO ĐỘNG TỈNH TÂY NINH
LIÊN ĐOÀN LAO ĐỘNG HUYỆN
Số: 72/LĐLĐ\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
V/v triển khai thực hiện và hưởng ứng Giải Búa liềm vàng lần thứ V - năm 2020
Châu Thành, ngày 5 tháng 5 năm 2020

Kính gửi: Các công đoàn cơ sở trực thuộc.

Thực hiện Công văn số 812/LĐLĐ, ngày 23/4/2020 của Ban Thường vụ LĐLĐ tỉnh về việc triển khai thực hiện và hưởng ứng Giải Búa liềm vàng lần thứ V - năm 2020, Ban Thường vụ Liên đoàn Lao động huyện đề nghị:
1. Quán triệt, triển khai thực hiện Kế hoạch.
2. Định kỳ ngày 08 hàng tháng, báo cáo kết quả về LĐLĐ huyện để tổng hợp báo cáo LĐLĐ tỉnh.
Nơi nhận:
- Như trên;
- Lưu: VP.
TM. BAN THƯỜNG VỤ
PHÓ CHỦ TỊCH
Thái Thị Bích Thủy`;
    const imported = await http()
      .post(`/directives/import?issuerId=${id.D}`)
      .set(auth(district.clerk.token))
      .set('Content-Type', 'text/plain; charset=utf-8')
      .send(letter)
      .expect(200);
    expect(imported.body.draft.implements).toEqual([{ directiveId: cv812 }]);
    expect(imported.body.draft.addressees.mode).toBe('children');
    // The text's monthly schedule, seconds apart for the test: one cycle of 6 s.
    const directiveId = await issue(district, {
      ...imported.body.draft,
      reporting: { schedule: { kind: 'interval', everySeconds: 6, count: 1 }, stagger: [0, 2], form },
    });
    const routing = await get(`/directives/${directiveId}/routing`, district.clerk.token).expect(200);
    // Every grassroots union, and not the district's department (addressing by kind).
    expect(routing.body.items.map((n: { unitId: string }) => n.unitId).sort()).toEqual([id.G1, id.G2].sort());
    const links = await get(`/directives/${cv812}/links`, district.clerk.token).expect(200);
    expect(links.body.implementedBy.items).toEqual([expect.objectContaining({ id: directiveId })]);

    for (const [unit, n] of [
      [id.G1, 3],
      [id.G2, 4],
    ] as const) {
      const token = await clerkOf(unit);
      await post(`/directives/${directiveId}/reports`, token, {
        unitId: unit,
        cycle: 0,
        values: { activities: n },
      }).expect(201);
    }
    const rolled = await waitFor('the district aggregate to roll up onto 812', async () => {
      const res = await get(`/directives/${cv812}/rollups?unitId=${id.D}`, district.clerk.token).expect(200);
      return res.body.items.length > 0 && res.body.items;
    });
    expect(rolled[0]).toMatchObject({
      fromDirectiveId: directiveId,
      unitId: id.D,
      revision: 1,
      values: { activities: 7 },
      filedRevision: null,
    });
  });
});

describe('001: a plan without a number of its own implements a received plan; no reporting', () => {
  it('implements 37-KH/BTCTU registered as received, and reaches every union level', async () => {
    const id = await importUnitsUnderA(api, org, [
      ['P', 'federation', null],
      ['D1', 'federation', 'P'],
      ['G1', 'grassroots_union', 'D1'],
      ['D2', 'federation', 'P'],
      ['G2', 'grassroots_union', 'D2'],
    ]);
    const province = await desk(id.P);
    const kh37 = (
      await post('/registers/incoming/received', province.clerk.token, {
        unitId: id.P,
        symbol: '37-KH/BTCTU',
        date: '2020-03-02',
        issuerName: 'Ban Tổ chức Tỉnh ủy',
        type: 'KH',
        subject: 'Kế hoạch tuyên truyền Giải Búa liềm vàng',
        receivedAt: new Date(Date.now() - 7200_000).toISOString(),
      }).expect(201)
    ).body.id as string;
    const plan = `LIÊN ĐOÀN LAO ĐỘNG TỈNH BÌNH ĐỊNH\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
KẾ HOẠCH
Tuyên truyền, hưởng ứng Giải Búa liềm vàng
Thực hiện Kế hoạch số 37-KH/BTCTU, ngày 02/3/2020 của Ban Tổ chức Tỉnh ủy, Ban Thường vụ Liên đoàn Lao động tỉnh xây dựng kế hoạch như sau:
1. Các cấp công đoàn tổ chức tuyên truyền.
2. Vận động đoàn viên tham gia.`;
    const imported = await http()
      .post(`/directives/import?issuerId=${id.P}`)
      .set(auth(province.clerk.token))
      .set('Content-Type', 'text/plain; charset=utf-8')
      .send(plan)
      .expect(200);
    // No number or date of its own in the text: none is invented.
    expect(imported.body.parsed?.number ?? null).toBeNull();
    expect(imported.body.draft.implements).toEqual([{ directiveId: kh37 }]);
    const directiveId = await issue(province, {
      ...imported.body.draft,
      type: 'KH',
      tasks: imported.body.draft.tasks?.length ? imported.body.draft.tasks : tasks,
      addressees: { mode: 'subtree', depth: 2 },
    });
    const routing = await get(`/directives/${directiveId}/routing`, province.clerk.token).expect(200);
    expect(routing.body.items.map((n: { unitId: string }) => n.unitId).sort()).toEqual(
      [id.D1, id.G1, id.D2, id.G2].sort(),
    );
    expect(
      (await get(`/directives/${directiveId}/cycles`, province.clerk.token).expect(200)).body.cycles,
    ).toEqual([]);
    const noReports = await get(
      `/directives/${directiveId}/reports?unitId=${id.P}&cycle=0`,
      province.clerk.token,
    );
    expect(noReports.status).toBe(200);
    expect(noReports.body.items).toEqual([]);
    const links = await get(`/directives/${directiveId}/links`, province.clerk.token).expect(200);
    expect(links.body.implements).toEqual([expect.objectContaining({ id: kh37, status: 'received' })]);
  });
});

describe('002: reports through the bloc Ban Tuyên giáo, to the bloc and to the provincial Ban Tuyên giáo', () => {
  it('the department collects and aggregates, both bodies read what they received', async () => {
    const id = await importUnitsUnderA(api, org, [
      ['TU', 'party_committee', null],
      ['BTGTU', 'department', 'TU'],
      ['DUK', 'party_committee', 'TU'],
      ['BTG', 'department', 'DUK'],
      ['VP', 'department', 'DUK'],
      ['C1', 'party_committee', 'DUK'],
      ['C2', 'party_cell', 'DUK'],
    ]);
    const bloc = await desk(id.DUK);
    const body = {
      type: 'CV',
      issuerId: id.DUK,
      subject: 'V/v tuyên truyền kỷ niệm 90 năm Ngày thành lập Đảng',
      tasks,
      addressees: { mode: 'children' },
      reporting: {
        schedule: { kind: 'interval', everySeconds: 6, count: 1 },
        stagger: [0, 2],
        form,
        routes: [{ viaUnitId: id.BTG, to: [{ unitId: id.DUK }, { unitId: id.TU, viaUnitId: id.BTGTU }] }],
      },
    };
    // A department of another body is refused, naming the field; one the drafter cannot see answers as a unit
    // that does not exist.
    const wrongDept = await post('/directives', bloc.clerk.token, {
      ...body,
      reporting: { ...body.reporting, routes: [{ to: [{ unitId: id.TU, viaUnitId: id.VP }] }] },
    });
    expect(wrongDept.status).toBe(422);
    expect(wrongDept.body.error.message).toBe(
      'reporting.routes.0.to.0.viaUnitId: not a department of the body it collects for',
    );
    const invisible = await post('/directives', bloc.clerk.token, {
      ...body,
      reporting: { ...body.reporting, routes: [{ viaUnitId: id.BTGTU }] },
    });
    const missing = await post('/directives', bloc.clerk.token, {
      ...body,
      reporting: { ...body.reporting, routes: [{ viaUnitId: randomUUID() }] },
    });
    expect(invisible.status).toBe(422);
    expect(invisible.body.error).toEqual(missing.body.error);
    const directiveId = await issue(bloc, body);
    const routed = await get(`/directives/${directiveId}/routing`, bloc.clerk.token).expect(200);
    // The departments collect, they are not asked to report.
    expect(routed.body.items.map((n: { unitId: string }) => n.unitId).sort()).toEqual([id.C1, id.C2].sort());

    const btgTu = await clerkOf(id.BTGTU);
    await post(`/directives/${directiveId}/reports`, await clerkOf(id.C1), {
      unitId: id.C1,
      cycle: 0,
      values: { activities: 2, note: 'Treo băng rôn' },
    }).expect(201);
    const btg = await clerkOf(id.BTG);
    // Before the last report, the collecting department sees the bloc's aggregate live.
    const live = await get(
      `/directives/${directiveId}/reports-received?unitId=${id.BTG}&cycle=0`,
      btg,
    ).expect(200);
    expect(live.body.senders).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          role: 'collector',
          hubUnitId: id.DUK,
          reported: false,
          values: expect.any(Object),
        }),
      ]),
    );
    await post(`/directives/${directiveId}/reports`, await clerkOf(id.C2), {
      unitId: id.C2,
      cycle: 0,
      values: { activities: 5 },
    }).expect(201);

    const received = async (unitId: string, token: string) =>
      waitFor(`what ${unitId} received`, async () => {
        const res = await get(
          `/directives/${directiveId}/reports-received?unitId=${unitId}&cycle=0`,
          token,
        ).expect(200);
        return res.body.totals && res.body;
      });
    const atBloc = await received(id.DUK, bloc.clerk.token);
    expect(atBloc.totals.values.activities).toBe(7);
    expect(atBloc.senderCoverage).toEqual({ expected: 1, reported: 1, missing: 0 });
    const atProvince = await received(id.BTGTU, btgTu);
    expect(atProvince.senders).toEqual([
      expect.objectContaining({ hubUnitId: id.DUK, role: 'via', targetUnitId: id.TU, viaUnitId: id.BTGTU }),
    ]);
    expect(atProvince.totals.coverage).toMatchObject({ expected: 2, onTime: 2, missing: 0 });
    // The register of reports received, and the e-mail naming its real recipient.
    const register = await get(`/registers/reports-received?unitId=${id.BTGTU}`, btgTu).expect(200);
    expect(register.body.items).toEqual([
      expect.objectContaining({ directiveId, hubUnitId: id.DUK, role: 'via', revision: 1 }),
    ]);
    const mails = await pg.query(
      `SELECT o.body FROM notification_outbox o JOIN membership m ON m.user_id = o.recipient_user_id
        WHERE o.directive_id = $1 AND o.kind = 'aggregate.reported' AND m.unit_id = $2`,
      [directiveId, id.BTGTU],
    );
    expect(mails.rows.map((r) => r.body as string)).toEqual([
      expect.stringContaining('Kính gửi: Đơn vị TU (qua Đơn vị BTGTU)'),
    ]);
    // The seed's own text: "(qua Ban Tuyên giáo)" and "Giao Ban Tuyên giáo … tổng hợp" name the bloc's department.
    const dukCode = await codeOf(id.DUK);
    const named = await http()
      .post('/units/import')
      .set(auth(org.admin))
      .set('Idempotency-Key', newKey())
      .send([
        {
          code: `${dukCode}-BTGDUK`,
          name: 'Ban Tuyên giáo Đảng ủy Khối',
          kind: 'department',
          parentCode: dukCode,
        },
      ])
      .expect(200);
    const btgNamed = named.body.created[0].id as string;
    const seedText = readFileSync(
      join(__dirname, '..', 'fixtures', 'directives', 'thanh-hoa-party-bloc-1023-CV-DUK.txt'),
      'utf8',
    );
    const fromText = await http()
      .post(`/directives/import?issuerId=${id.DUK}`)
      .set(auth(bloc.clerk.token))
      .set('Content-Type', 'text/plain; charset=utf-8')
      .send(seedText)
      .expect(200);
    expect(fromText.body.draft.reporting?.routes).toEqual([expect.objectContaining({ viaUnitId: btgNamed })]);

    // The route in words needs its units' names, whatever tree they are in.
    const names = await get(
      `/directives/${directiveId}/route-names?unitId=${id.DUK}`,
      bloc.clerk.token,
    ).expect(200);
    expect(names.body.names).toMatchObject({
      [id.TU]: 'Đơn vị TU',
      [id.BTGTU]: 'Đơn vị BTGTU',
      [id.BTG]: 'Đơn vị BTG',
    });
    // A unit that receives nothing answers as a directive that does not exist.
    const foreign = await get(
      `/directives/${directiveId}/reports-received?unitId=${org.ids.X}&cycle=0`,
      org.admin,
    );
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('DIRECTIVE_NOT_FOUND');
  });
});

describe('003: ad hoc reports, forwarded to the city union and the district Party committee', () => {
  it('files reports at any moment; the district aggregate updates; both superiors see the totals', async () => {
    const id = await importUnitsUnderA(api, org, [
      ['TP', 'federation', null],
      ['H', 'federation', 'TP'],
      ['G1', 'grassroots_union', 'H'],
      ['G2', 'grassroots_union', 'H'],
      ['HU', 'party_committee', null],
      ['OTHER', 'party_committee', null],
    ]);
    // The organisation links the district union to the district Party committee (another tree).
    await http()
      .put(`/units/${id.H}/report-targets`)
      .set(auth(org.admin))
      .send({ targets: [{ targetCode: await codeOf(id.HU) }] })
      .expect(200);
    const district = await desk(id.H);
    const body = {
      type: 'CV',
      issuerId: id.H,
      subject: 'V/v kịp thời báo cáo tình hình tranh chấp lao động',
      tasks: ['Kịp thời báo cáo về LĐLĐ Huyện để tổng hợp báo cáo LĐLĐ Thành phố và Huyện ủy.'],
      addressees: { mode: 'children' },
      reporting: {
        schedule: { kind: 'adhoc' },
        form,
        // Ids as a client may write them (upper case): stored as PostgreSQL writes them.
        routes: [{ to: [{ unitId: id.TP.toUpperCase() }, { unitId: id.HU }] }],
      },
    };
    // A route to a unit the drafter cannot see (and is not linked to) is refused as one that does not exist.
    const hidden = await post('/directives', district.clerk.token, {
      ...body,
      reporting: { ...body.reporting, routes: [{ to: [{ unitId: id.OTHER }] }] },
    });
    expect(hidden.status).toBe(422);
    expect(hidden.body.error.message).toBe(
      'reporting.routes.0.to.0.unitId: not a unit this directive can report to',
    );
    const directiveId = await issue(district, body);
    const g1 = await clerkOf(id.G1);
    const g2 = await clerkOf(id.G2);
    const file = (token: string, unitId: string, activities: number) =>
      post(`/directives/${directiveId}/reports`, token, { unitId, cycle: 0, values: { activities } }).expect(
        201,
      );
    expect((await file(g1, id.G1, 1)).body).toMatchObject({ revision: 1, late: false, label: 'Kịp thời' });
    expect((await file(g1, id.G1, 2)).body).toMatchObject({ revision: 2, late: false });
    const third = (await file(g2, id.G2, 4)).body;
    expect(third.aggregates).toEqual([{ unitId: id.H, revision: 3, reason: 'adhoc' }]);

    // The issuer sees the stream (each report numbered, with its time) and the totals.
    const stream = await get(
      `/directives/${directiveId}/reports?unitId=${id.H}&cycle=0`,
      district.clerk.token,
    ).expect(200);
    expect(
      stream.body.items.map((r: { unitId: string; number: number }) => `${r.unitId}#${r.number}`).sort(),
    ).toEqual([`${id.G1}#1`, `${id.G1}#2`, `${id.G2}#1`].sort());
    const totals = await get(
      `/directives/${directiveId}/aggregate?unitId=${id.H}&cycle=0`,
      district.clerk.token,
    ).expect(200);
    expect(totals.body).toMatchObject({ values: { activities: 7 }, coverage: { expected: 2, onTime: 2 } });
    for (const unit of [id.TP, id.HU]) {
      const token = await clerkOf(unit);
      const res = await get(
        `/directives/${directiveId}/reports-received?unitId=${unit}&cycle=0`,
        token,
      ).expect(200);
      expect(res.body.totals.values.activities).toBe(7);
      expect(res.body.senders).toEqual([
        expect.objectContaining({ hubUnitId: id.H, role: 'target', revision: 3 }),
      ]);
    }
    // A stream ends with its directive: it is not closed like a phase.
    const notAPhase = await post(`/directives/${directiveId}/cycles/close`, district.leader.token, {
      cycle: 0,
    });
    expect(notAPhase.status).toBe(409);
    expect(notAPhase.body.error.code).toBe('CYCLE_NOT_OPEN_ENDED');
    await closeAndCapture(district, directiveId, 'adhoc-stream-closed', [0]);
  });
});

describe('004: four phases beside a periodic report to the provincial union department', () => {
  it('reports through the department, refuses a closed phase, and the issuer closes the open-ended one', async () => {
    const id = await importUnitsUnderA(api, org, [
      ['P', 'federation', null],
      ['BTC', 'department', 'P'],
      ['D1', 'federation', 'P'],
      ['D1VP', 'department', 'D1'],
      ['D2', 'federation', 'P'],
    ]);
    const province = await desk(id.P);
    const phases = [
      { name: 'Đợt 1', opens: vnDay(-40), closes: vnDay(-31) },
      { name: 'Đợt 2', opens: vnDay(-30), closes: vnDay(-21) },
      { name: 'Đợt 3', opens: vnDay(-20), closes: vnDay(-2) },
      { name: 'Đợt 4 - Sau Đại hội', opens: vnDay(-1) },
    ];
    const body = {
      type: 'KH',
      issuerId: id.P,
      subject: 'Kế hoạch tổ chức Đại hội Công đoàn các cấp',
      tasks,
      addressees: { mode: 'children' },
      reporting: {
        schedule: { kind: 'interval', everySeconds: 6, count: 1 },
        form,
        routes: [{ viaUnitId: id.BTC }],
        schedules: [{ key: 'phases', name: 'Các đợt', schedule: { kind: 'phases', phases } }],
      },
    };
    // Bad input, each naming its field.
    const { addressees: _none, ...withoutAddressees } = body;
    const noAddressees = await post('/directives', province.clerk.token, withoutAddressees);
    expect(noAddressees.status).toBe(400);
    expect(noAddressees.body.error.message).toContain('addressees');
    const overlapping = await post('/directives', province.clerk.token, {
      ...body,
      reporting: {
        ...body.reporting,
        schedules: [
          {
            key: 'phases',
            schedule: { kind: 'phases', phases: [phases[0], { ...phases[1], opens: vnDay(-35) }] },
          },
        ],
      },
    });
    expect(overlapping.status).toBe(400);
    expect(overlapping.body.error.message).toContain(
      'reporting.schedules.0.schedule.phases.1.opens: overlaps',
    );
    const tooLong = await post('/directives', province.clerk.token, {
      ...body,
      reporting: {
        ...body.reporting,
        schedule: {
          kind: 'periodic',
          every: 'month',
          rule: 'before',
          day: 15,
          from: '2027-01',
          periodDays: 60,
        },
      },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toContain(
      'reporting.schedule.periodDays: must not be longer than the cycle',
    );
    const otherDept = await post('/directives', province.clerk.token, {
      ...body,
      reporting: { ...body.reporting, routes: [{ viaUnitId: id.D1VP }] },
    });
    expect(otherDept.status).toBe(422);
    expect(otherDept.body.error.message).toBe(
      'reporting.routes.0.viaUnitId: not a department of the body it collects for',
    );

    const directiveId = await issue(province, body);
    const cycles = await get(
      `/directives/${directiveId}/cycles?schedule=phases`,
      province.clerk.token,
    ).expect(200);
    expect(cycles.body.cycles.map((c: { label: string }) => c.label)).toEqual(phases.map((p) => p.name));
    expect(cycles.body.cycles[3]).toMatchObject({ schedule: 'phases', index: 3, openEnded: true });

    const d1 = await clerkOf(id.D1);
    const d2 = await clerkOf(id.D2);
    // The periodic report: both districts, aggregated at the province, collected by its Ban Tổ chức.
    for (const [unit, token, n] of [
      [id.D1, d1, 2],
      [id.D2, d2, 3],
    ] as const)
      await post(`/directives/${directiveId}/reports`, token, {
        unitId: unit,
        cycle: 0,
        values: { activities: n },
      }).expect(201);
    const btc = await clerkOf(id.BTC);
    const collected = await waitFor('the Ban Tổ chức to see the aggregate', async () => {
      const res = await get(
        `/directives/${directiveId}/reports-received?unitId=${id.BTC}&cycle=0`,
        btc,
      ).expect(200);
      const s = res.body.senders.find((x: { role: string }) => x.role === 'collector');
      return s?.reported && s;
    });
    expect(collected).toMatchObject({ hubUnitId: id.P, values: { activities: 5 } });

    // A report to a closed phase is refused; the open-ended one takes reports until the issuer closes it.
    const closedPhase = await post(`/directives/${directiveId}/reports`, d1, {
      unitId: id.D1,
      schedule: 'phases',
      cycle: 2,
      values: { activities: 1 },
    });
    expect(closedPhase.status).toBe(409);
    expect(closedPhase.body.error.code).toBe('CYCLE_CLOSED');
    await post(`/directives/${directiveId}/reports`, d1, {
      unitId: id.D1,
      schedule: 'phases',
      cycle: 3,
      values: { activities: 4 },
    }).expect(201);
    const notOpenEnded = await post(`/directives/${directiveId}/cycles/close`, province.leader.token, {
      schedule: 'phases',
      cycle: 1,
    });
    expect(notOpenEnded.status).toBe(409);
    expect(notOpenEnded.body.error.code).toBe('CYCLE_NOT_OPEN_ENDED');
    const closed = await post(`/directives/${directiveId}/cycles/close`, province.leader.token, {
      schedule: 'phases',
      cycle: 3,
    }).expect(201);
    expect(closed.body).toMatchObject({ schedule: 'phases', cycle: 3, closedAt: expect.any(String) });
    const late = await post(`/directives/${directiveId}/reports`, d2, {
      unitId: id.D2,
      schedule: 'phases',
      cycle: 3,
      values: { activities: 1 },
    });
    expect(late.status).toBe(409);
    const phase4 = await waitFor('the last phase to aggregate at the province', async () => {
      const res = await get(
        `/directives/${directiveId}/aggregate?unitId=${id.P}&schedule=phases&cycle=3`,
        province.clerk.token,
      ).expect(200);
      return res.body.closed && res.body;
    });
    expect(phase4).toMatchObject({
      schedule: 'phases',
      cycle: 3,
      values: { activities: 4 },
      coverage: { expected: 2, onTime: 1, missing: 1 },
    });
    // The department's register names each cycle's schedule.
    const register = await get(
      `/registers/reports-received?unitId=${id.BTC}&directiveId=${directiveId}`,
      btc,
    ).expect(200);
    expect(register.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ schedule: 'main', cycle: 0, revision: 1 }),
        expect.objectContaining({ schedule: 'phases', cycle: 3, revision: 1 }),
      ]),
    );
    await closeAndCapture(province, directiveId, 'phases-beside-periodic-closed', [0, 1]);
  });
});
