/**
 * The incoming register (#18): a district's clerk registers a document received from outside Cascade under its own
 * number (812/LĐLĐ) with a received number of the district's year; it is in the district's incoming register and
 * never in its outgoing one, takes no Cascade number and starts no workflow; a letter the district imports that cites
 * it resolves to it, the draft implements it and /links shows it both ways; a foreign tree's clerk gets 404; a retry
 * with the same Idempotency-Key answers the same record; bad input is refused naming the field.
 */
import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { startApi } from './support/apps';
import { newKey } from './support/ids';
import { addMember, auth, buildOrg, type Org } from './support/org';

jest.setTimeout(120_000);

let api: INestApplication;
let org: Org;
let pg: PgClient;
const http = () => request(api.getHttpServer());
const post = (path: string, token: string, body: object, key = newKey()) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', key).send(body);
const get = (path: string, token: string) => http().get(path).set(auth(token));

let clerk: string;
let foreignClerk: string;
let district: string;
const received = { id: '', plan: '', kh: '' };

const cv812 = () => ({
  unitId: district,
  symbol: '812/LĐLĐ'.normalize('NFD'),
  date: '2020-04-23',
  issuerName: 'Ban Thường vụ LĐLĐ tỉnh',
  type: 'CV',
  subject: 'V/v hưởng ứng Giải Búa liềm vàng lần thứ V',
  receivedAt: '2020-04-24T08:30:00+07:00',
});

const binhDinhPlan = `TỈNH ỦY BÌNH ĐỊNH
BAN TUYÊN GIÁO\tĐẢNG CỘNG SẢN VIỆT NAM
Bình Định, ngày 10 tháng 3 năm 2020
KẾ HOẠCH
tuyên truyền kỷ niệm 90 năm Ngày thành lập Đảng
1. Tổ chức tuyên truyền.
Nơi nhận:
- Lưu VP.`;

const letter = () => `LIÊN ĐOÀN LAO ĐỘNG TỈNH
LIÊN ĐOÀN LAO ĐỘNG ${org.prefix} A
Số: 72/LĐLĐ\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
V/v hưởng ứng Giải Búa liềm vàng
Châu Thành, ngày 5 tháng 5 năm 2020

Kính gửi:
- Các công đoàn cơ sở trực thuộc.

Thực hiện Công văn số 812/LĐLĐ, ngày 23/4/2020 của Ban Thường vụ LĐLĐ tỉnh về việc hưởng ứng Giải Búa liềm vàng và Kế hoạch số 37-KH/BTCTU, ngày 02/3/2020 của Ban Tổ chức Tỉnh ủy, Ban Thường vụ Liên đoàn Lao động huyện đề nghị:
1. Tuyên truyền, vận động đoàn viên tham gia.
Nơi nhận:
- Như trên;
- Lưu: VP.
TM. BAN THƯỜNG VỤ
PHÓ CHỦ TỊCH
Thái Thị Bích Thủy`;

const receivedCount = async (unitId: string): Promise<number> =>
  Number(
    (await pg.query(`SELECT count(*) FROM directive WHERE issuer_id = $1 AND status = 'received'`, [unitId]))
      .rows[0].count,
  );

beforeAll(async () => {
  api = await startApi();
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  district = org.ids.A;
  clerk = org.tokens.clerk;
  foreignClerk = (await addMember(api, org, org.ids.X, 'clerk')).token;
});

afterAll(async () => {
  await pg?.end();
  await api?.close();
});

describe('POST /registers/incoming/received', () => {
  it('registers 812/LĐLĐ under its own number with the next received number; a retry answers the same record', async () => {
    const key = newKey();
    const first = await post('/registers/incoming/received', clerk, cv812(), key).expect(201);
    expect(first.body).toMatchObject({
      unitId: district,
      status: 'received',
      number: 812,
      symbol: '812/LĐLĐ',
      date: '2020-04-23',
      issuerName: 'Ban Thường vụ LĐLĐ tỉnh',
      issuerUnitId: null,
      type: 'CV',
      receivedNumber: 1,
      receivedYear: 2020,
    });
    expect(first.body.symbol).toBe('812/LĐLĐ'.normalize('NFC'));
    received.id = first.body.id;
    const before = await receivedCount(district);

    const retry = await post('/registers/incoming/received', clerk, cv812(), key).expect(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await receivedCount(district)).toBe(before);

    // never a Cascade number, never a workflow
    const row = (await pg.query(`SELECT number, year, signed_at FROM directive WHERE id = $1`, [received.id]))
      .rows[0];
    expect(row).toEqual({ number: null, year: null, signed_at: null });
    const seq = await pg.query(`SELECT 1 FROM issuer_sequence WHERE issuer_id = $1`, [district]);
    expect(seq.rows).toEqual([]);
    const submit = await post(`/directives/${received.id}/submit`, clerk, { version: 1 }).expect(409);
    expect(submit.body.error.code).toBe('DIRECTIVE_INVALID_STATE');
  });

  it('takes a given received number once (409 naming receivedNumber), and allocates past it', async () => {
    const taken = await post('/registers/incoming/received', clerk, {
      ...cv812(),
      symbol: '813/LĐLĐ',
      receivedNumber: 1,
    }).expect(409);
    expect(taken.body.error).toMatchObject({
      code: 'RECEIVED_NUMBER_TAKEN',
      details: { field: 'receivedNumber' },
    });
    expect(taken.body.error.message).toMatch(/^receivedNumber: /);

    const given = await post('/registers/incoming/received', clerk, {
      unitId: district,
      symbol: '37 – KH/BTCTU',
      date: '2020-03-02',
      issuerName: 'Ban Tổ chức Tỉnh ủy',
      type: 'KH',
      subject: 'Kế hoạch tổ chức Giải Búa liềm vàng',
      receivedNumber: 5,
      receivedAt: '2020-03-05T09:00:00+07:00',
    }).expect(201);
    expect(given.body).toMatchObject({ number: 37, symbol: '37 – KH/BTCTU', receivedNumber: 5 });
    received.kh = given.body.id;

    // from its text: the plan has no number, and none is made up; the next received number is past the given 5
    const plan = await post('/registers/incoming/received', clerk, {
      unitId: district,
      text: binhDinhPlan,
      receivedAt: '2020-03-12T10:00:00+07:00',
    }).expect(201);
    expect(plan.body).toMatchObject({
      number: null,
      symbol: null,
      date: '2020-03-10',
      issuerName: 'BAN TUYÊN GIÁO',
      type: 'KH',
      subject: 'tuyên truyền kỷ niệm 90 năm Ngày thành lập Đảng',
      receivedNumber: 6,
    });
    received.plan = plan.body.id;
  });

  it('refuses bad input with a 4xx naming the field', async () => {
    const before = await receivedCount(district);
    const cases: [object, number, string][] = [
      [{ subject: undefined }, 400, 'subject'],
      [{ subject: '   ' }, 400, 'subject'],
      [{ date: '2020-02-30' }, 400, 'date'],
      [{ date: '23/4/2020' }, 400, 'date'],
      [{ date: '0000-01-01' }, 400, 'date'],
      [{ receivedAt: '0001-01-01T00:00:00Z' }, 400, 'receivedAt'],
      [{ date: '2020-04-25' }, 400, 'date'], // after its receipt
      [{ receivedAt: new Date(Date.now() + 3600_000).toISOString() }, 400, 'receivedAt'],
      [{ receivedAt: 'yesterday' }, 400, 'receivedAt'],
      [{ issuerName: undefined }, 400, 'issuerName'],
      [{ type: undefined }, 400, 'type'],
      [{ type: 'XX' }, 400, 'type'],
      [{ number: 813 }, 400, 'number'],
      [{ receivedNumber: 0 }, 400, 'receivedNumber'],
      [{ issuerUnitId: org.ids.X }, 404, 'issuerUnitId'],
      [{ unitId: randomUUID() }, 404, ''],
    ];
    for (const [change, status, field] of cases) {
      const res = await post('/registers/incoming/received', clerk, { ...cv812(), ...change });
      expect({ change, status: res.status }).toEqual({ change, status });
      if (field) expect(res.body.error.message).toMatch(new RegExp(`(^|\\| )${field}: `));
    }
    expect(await receivedCount(district)).toBe(before);
  });

  it('reads a received document from its text into a record to confirm, storing nothing', async () => {
    const before = await receivedCount(district);
    const res = await http()
      .post(`/registers/incoming/received/import?unitId=${district}`)
      .set(auth(clerk))
      .set('Content-Type', 'text/plain; charset=utf-8')
      .send(binhDinhPlan)
      .expect(200);
    expect(res.body.record).toMatchObject({ unitId: district, type: 'KH', date: '2020-03-10' });
    expect(res.body.record).not.toHaveProperty('symbol');
    expect(res.body.record).not.toHaveProperty('number');
    expect(res.body.ready).toBe(true);
    expect(await receivedCount(district)).toBe(before);
  });
});

describe('the incoming register and links', () => {
  it('lists it with its received number, in the incoming register and never in the outgoing one', async () => {
    const list = await get(`/registers/incoming/received?unitId=${district}&year=2020`, clerk).expect(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([
      received.id,
      received.plan,
      received.kh,
    ]);
    expect(list.body.items[0]).toMatchObject({ receivedNumber: 1, symbol: '812/LĐLĐ' });

    const incoming = await get(`/registers/incoming?unitId=${district}`, clerk).expect(200);
    const entry = incoming.body.items.find((i: { id: string }) => i.id === received.id);
    expect(entry).toMatchObject({
      source: 'received',
      nodeStatus: 'received',
      receivedNumber: 1,
      issuerName: 'Ban Thường vụ LĐLĐ tỉnh',
      symbol: '812/LĐLĐ',
    });
    const outgoing = await get(`/registers/outgoing?unitId=${district}`, clerk).expect(200);
    expect(outgoing.body.items.map((i: { id: string }) => i.id)).not.toContain(received.id);

    const one = await get(`/received/${received.id}`, clerk).expect(200);
    expect(one.body).toMatchObject({ id: received.id, receivedNumber: 1 });
    const asDirective = await get(`/directives/${received.id}`, clerk).expect(200);
    expect(asDirective.body).toMatchObject({ status: 'received', number: null, symbol: '812/LĐLĐ' });
  });

  it('resolves an imported letter citing it, and the draft implements it: /links shows it both ways', async () => {
    const imported = await http()
      .post(`/directives/import?issuerId=${district}`)
      .set(auth(clerk))
      .set('Content-Type', 'text/plain; charset=utf-8')
      .send(letter())
      .expect(200);
    expect(imported.body.resolution.implements).toEqual([
      expect.objectContaining({ code: '812/LĐLĐ', date: '2020-04-23', directiveId: received.id }),
      expect.objectContaining({ code: '37-KH/BTCTU', date: '2020-03-02', directiveId: received.kh }),
    ]);
    expect(imported.body.draft.implements).toEqual([
      { directiveId: received.id },
      { directiveId: received.kh },
    ]);
    const draft = await post('/directives', clerk, imported.body.draft).expect(201);

    const from = await get(`/directives/${draft.body.id}/links`, clerk).expect(200);
    expect(from.body.implements).toEqual([
      expect.objectContaining({
        id: received.id,
        symbol: '812/LĐLĐ',
        status: 'received',
        issuerName: 'Ban Thường vụ LĐLĐ tỉnh',
        receivedNumber: 1,
        viaUnitId: district,
      }),
      expect.objectContaining({ id: received.kh, symbol: '37 – KH/BTCTU', receivedNumber: 5 }),
    ]);
    const to = await get(`/directives/${received.id}/links`, clerk).expect(200);
    expect(to.body.implementedBy.items).toEqual([
      expect.objectContaining({ id: draft.body.id, status: 'draft' }),
    ]);

    // another unit cannot implement the district's received document, and its imports do not resolve to it
    const sibling = (await addMember(api, org, org.ids.B, 'clerk')).token;
    const refused = await post('/directives', sibling, {
      issuerId: org.ids.B,
      type: 'CV',
      subject: 'V/v thực hiện',
      tasks: ['Thực hiện.'],
      addressees: { mode: 'children' },
      implements: [{ directiveId: received.id }],
    }).expect(422);
    expect(refused.body.error.code).toBe('DIRECTIVE_LINK_INVALID');
    const elsewhere = await http()
      .post(`/directives/import?issuerId=${org.ids.B}`)
      .set(auth(sibling))
      .set('Content-Type', 'text/plain; charset=utf-8')
      .send(letter())
      .expect(200);
    expect(elsewhere.body.resolution.implements.map((b: { directiveId: unknown }) => b.directiveId)).toEqual([
      null,
      null,
    ]);
  });

  it("answers a foreign tree's clerk 404, exactly as what does not exist", async () => {
    const missing = randomUUID();
    for (const path of [`/received/${received.id}`, `/directives/${received.id}`]) {
      const hidden = await get(path, foreignClerk).expect(404);
      const none = await get(path.replace(received.id, missing), foreignClerk).expect(404);
      expect(hidden.body.error.code).toBe(none.body.error.code);
    }
    await get(`/registers/incoming/received?unitId=${district}`, foreignClerk).expect(404);
    await post('/registers/incoming/received', foreignClerk, cv812()).expect(404);
    // the district's own clerk: a directive that is not a received one is not found here either
    await get(`/received/${missing}`, clerk).expect(404);
  });
});
