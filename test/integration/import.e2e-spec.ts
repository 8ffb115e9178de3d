/**
 * Registering directives from their text and exchanging them as edXML: POST /directives/import reads plain text, a
 * .docx or an edXML message into a draft with its units resolved against the registry (nothing stored); the clerk
 * confirms it with POST /directives; a signed directive is exported as edXML and each recipient's status changes as
 * edXML status messages; bad input gets a clear error and stores nothing; `cascade import` prints the contract.
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { readEdxml } from '@cascade/documents';
import { makeDocx } from '../fixtures/docx';
import { startApi, startWorker } from './support/apps';
import { cascade } from './support/cli';
import { newKey } from './support/ids';
import { addMember, auth, buildOrg, SIGNING_AUTHORITY, type Org } from './support/org';
import { waitFor } from './support/wait-for';

jest.setTimeout(240_000);

let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
let pg: PgClient;
const http = () => request(api.getHttpServer());
const post = (path: string, token: string, body: object) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);
const get = (path: string, token: string) => http().get(path).set(auth(token));
const member = (unitId: string, role: string, extra: object = {}) => addMember(api, org, unitId, role, extra);

const tag = randomUUID().slice(0, 6).toUpperCase();
let id: Record<'P' | 'D' | 'G1' | 'G2', string>;
let clerkP: string;
let leaderP: { id: string; token: string };
let clerkD: string;
let leaderD: { id: string; token: string };
let provincial: { id: string; symbol: string };

async function signAndDispatch(directiveId: string, clerk: string, leader: string): Promise<void> {
  await post(`/directives/${directiveId}/submit`, clerk, { version: 1 }).expect(200);
  await post(`/directives/${directiveId}/review`, leader, { version: 1, decision: 'approve' }).expect(200);
  await post(`/directives/${directiveId}/sign`, leader, { version: 1 }).expect(200);
  await waitFor(
    'the dispatch',
    async () => (await get(`/directives/${directiveId}`, clerk)).body.status === 'dispatched',
  );
}

const letter = () => `Trang chủ › Văn bản chỉ đạo
LIÊN ĐOÀN LAO ĐỘNG TỈNH TÂY NINH ${tag}
LIÊN ĐOÀN LAO ĐỘNG
HUYỆN CHÂU THÀNH ${tag}
Số: 72/LĐLĐ\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
V/v hưởng ứng Giải Búa liềm vàng
lần thứ V - năm 2020
Châu Thành, ngày 5 tháng 5 năm 2020

Kính gửi:
- Các công đoàn cơ sở trực thuộc;
- Công đoàn cơ sở Trường THCS Thái Bình ${tag}.

Thực hiện Công văn số ${provincial.symbol}, ngày 23/4/2020 của Ban Thường vụ Liên đoàn Lao động tỉnh Tây Ninh về việc hưởng ứng Giải Búa liềm vàng, Ban Thường vụ Liên đoàn Lao động huyện đề nghị:
1. Quán triệt Kế hoạch số 255-KH/BTCTW, ngày 18/3/2020 của Ban Tổ chức Trung ương.
2. Tuyên truyền, vận động đoàn viên tham gia viết bài dự thi.
Các đơn vị kịp thời báo cáo về LĐLĐ huyện để tổng hợp báo cáo LĐLĐ tỉnh. Liên hệ: 0276.3822.123.
Nơi nhận:
- Như trên;
- TT LĐLĐ tỉnh (b/c);
- Lưu: VP.
TM. BAN THƯỜNG VỤ
PHÓ CHỦ TỊCH
(Đã ký)
Thái Thị Bích Thủy
Chia sẻ: Facebook Zalo`;

const count = async (): Promise<number> =>
  Number((await pg.query(`SELECT count(*) FROM directive`)).rows[0].count);

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi(), startWorker()]);
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  const p = `${org.prefix}-${tag}`;
  const rows = [
    {
      code: `${p}-P`,
      name: `Liên đoàn Lao động tỉnh Tây Ninh ${tag}`,
      kind: 'federation',
      parentCode: org.codes.A,
    },
    {
      code: `${p}-D`,
      name: `Liên đoàn Lao động huyện Châu Thành ${tag}`,
      kind: 'federation',
      parentCode: `${p}-P`,
    },
    {
      code: `${p}-G1`,
      name: `Công đoàn cơ sở Trường THCS Thái Bình ${tag}`,
      kind: 'grassroots_union',
      parentCode: `${p}-D`,
    },
    {
      code: `${p}-G2`,
      name: `Công đoàn cơ sở xã Hảo Đước ${tag}`,
      kind: 'grassroots_union',
      parentCode: `${p}-D`,
    },
  ];
  const imported = await post('/units/import', org.admin, { units: rows }).expect(200);
  id = Object.fromEntries(
    imported.body.created.map((c: { code: string; id: string }) => [c.code.slice(p.length + 1), c.id]),
  ) as typeof id;
  clerkP = (await member(id.P, 'clerk')).token;
  leaderP = await member(id.P, 'leader', SIGNING_AUTHORITY);
  clerkD = (await member(id.D, 'clerk')).token;
  leaderD = await member(id.D, 'leader', SIGNING_AUTHORITY);
  for (const [unit, leader] of [
    [id.P, leaderP],
    [id.D, leaderD],
  ] as const)
    await http()
      .put(`/units/${unit}/review-chain`)
      .set(auth(org.admin))
      .send({ reviewerIds: [leader.id] })
      .expect(200);
  // the provincial letter that the district implements, routed to the district
  const created = await post('/directives', clerkP, {
    issuerId: id.P,
    type: 'CV',
    subject: 'V/v triển khai Giải Búa liềm vàng lần thứ V',
    tasks: ['Triển khai.'],
    addressees: { mode: 'children' },
  }).expect(201);
  await signAndDispatch(created.body.id, clerkP, leaderP.token);
  provincial = {
    id: created.body.id,
    symbol: (await get(`/directives/${created.body.id}`, clerkP)).body.symbol,
  };
});

afterAll(async () => {
  await pg?.end();
  await worker?.close();
  await api?.close();
});

describe('POST /directives/import', () => {
  it('reads a letter into a draft with its units resolved, stores nothing, and the clerk confirms it', async () => {
    const before = await count();
    const res = await http()
      .post(`/directives/import?issuerId=${id.D}`)
      .set(auth(clerkD))
      .set('Content-Type', 'text/plain; charset=utf-8')
      .send(letter())
      .expect(200);
    expect(await count()).toBe(before);
    expect(res.body.format).toBe('text');
    expect(res.body.parsed).toMatchObject({
      code: '72/LĐLĐ',
      documentType: 'Công văn',
      subject: 'V/v hưởng ứng Giải Búa liềm vàng lần thứ V - năm 2020',
      place: 'Châu Thành',
      issuedDate: '2020-05-05',
      issuerName: `LIÊN ĐOÀN LAO ĐỘNG HUYỆN CHÂU THÀNH ${tag}`,
      parentBodyName: `LIÊN ĐOÀN LAO ĐỘNG TỈNH TÂY NINH ${tag}`,
      contacts: { emails: [], phones: ['0276.3822.123'] },
      signer: { competence: 'TM. BAN THƯỜNG VỤ', position: 'PHÓ CHỦ TỊCH', fullName: 'Thái Thị Bích Thủy' },
    });
    expect(res.body.parsed.sources.code[0]).toMatchObject({
      text: 'Số: 72/LĐLĐ',
      confidence: expect.any(Number),
    });
    expect(res.body.resolution.issuer).toMatchObject({ status: 'matched', unit: { unitId: id.D } });
    expect(res.body.resolution.addressees).toEqual([
      expect.objectContaining({ text: 'Các công đoàn cơ sở trực thuộc', status: 'subordinates' }),
      expect.objectContaining({ status: 'matched', unit: expect.objectContaining({ unitId: id.G1 }) }),
    ]);
    // relative names are read against the issuer's own hierarchy: "LĐLĐ huyện" is the issuer, "LĐLĐ tỉnh" its parent
    expect(res.body.resolution.reportingTargets).toEqual([
      expect.objectContaining({
        name: 'LĐLĐ huyện',
        role: 'to',
        resolution: expect.objectContaining({ unit: expect.objectContaining({ unitId: id.D }) }),
      }),
      expect.objectContaining({
        name: 'LĐLĐ tỉnh',
        role: 'aggregate',
        resolution: expect.objectContaining({ unit: expect.objectContaining({ unitId: id.P }) }),
      }),
    ]);
    expect(res.body.resolution.implements).toEqual([
      expect.objectContaining({ code: provincial.symbol, directiveId: provincial.id, date: '2020-04-23' }),
    ]);
    expect(res.body.problems).toEqual([]);
    expect(res.body.ready).toBe(true);
    expect(res.body.draft).toMatchObject({
      issuerId: id.D,
      type: 'CV',
      subject: 'V/v hưởng ứng Giải Búa liềm vàng lần thứ V - năm 2020',
      place: 'Châu Thành',
      tasks: [
        'Quán triệt Kế hoạch số 255-KH/BTCTW, ngày 18/3/2020 của Ban Tổ chức Trung ương.',
        'Tuyên truyền, vận động đoàn viên tham gia viết bài dự thi.',
      ],
      addressees: { mode: 'children' },
      copyRecipients: [
        { name: 'TT LĐLĐ tỉnh', role: 'report' },
        { name: 'VP', role: 'filed' },
      ],
      implements: [{ directiveId: provincial.id }],
      reporting: { schedule: { kind: 'adhoc' }, targets: [id.P] },
    });

    // the clerk confirms: the draft is a valid directive as it stands
    const confirmed = await post('/directives', clerkD, res.body.draft).expect(201);
    expect(await count()).toBe(before + 1);
    const links = await get(`/directives/${confirmed.body.id}/links`, clerkD).expect(200);
    expect(JSON.stringify(links.body)).toContain(provincial.id);
  });

  it('reads a .docx upload and a { text } body the same way; a path in the file name is ignored', async () => {
    const plain = await http()
      .post(`/directives/import?issuerId=${id.D}`)
      .set(auth(clerkD))
      .set('Content-Type', 'text/plain')
      .send(letter())
      .expect(200);
    const docx = await http()
      .post(`/directives/import?issuerId=${id.D}`)
      .set(auth(clerkD))
      .attach('file', await makeDocx(letter()), '../../../etc/cv-72.docx')
      .expect(200);
    expect(docx.body.format).toBe('docx');
    const json = await http()
      .post(`/directives/import?issuerId=${id.D}`)
      .set(auth(clerkD))
      .send({ text: letter() })
      .expect(200);
    for (const other of [docx.body, json.body]) {
      expect(other.draft).toEqual({ ...plain.body.draft, body: expect.any(String) });
      expect(other.parsed.code).toBe('72/LĐLĐ');
    }
  });

  it('answers bad input with a clear error and stores nothing', async () => {
    const before = await count();
    const send = (type: string, body: string | Buffer) =>
      http()
        .post(`/directives/import?issuerId=${id.D}`)
        .set(auth(clerkD))
        .set('Content-Type', type)
        .send(body);
    const cases: [request.Test, number, string][] = [
      [send('text/plain', '   \n  '), 400, 'EMPTY_DOCUMENT'],
      [
        send('application/octet-stream', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0xff])),
        415,
        'BINARY_CONTENT',
      ],
      [send('text/plain', 'Hôm nay trời đẹp, chúng tôi đi dạo.'), 422, 'NOTHING_FOUND'],
      [
        send(
          'application/xml',
          '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><l>&b;</l>',
        ),
        400,
        'XML_DTD_FORBIDDEN',
      ],
      [
        send('application/xml', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'),
        400,
        'XML_DTD_FORBIDDEN',
      ],
      [send('application/xml', '<edXML:edXMLEnvelope><a></b>'), 400, 'MALFORMED_XML'],
      [send('application/xml', '<html><body>x</body></html>'), 422, 'NOT_EDXML'],
      [send('image/png', 'x'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [
        http()
          .post(`/directives/import?issuerId=${id.D}`)
          .set(auth(clerkD))
          .attach('photo', Buffer.from('x'), 'a.txt'),
        400,
        'VALIDATION_FAILED',
      ],
      [
        http()
          .post(`/directives/import?issuerId=${id.D}`)
          .set(auth(clerkD))
          .attach('file', Buffer.from('%PDF-1.4'), 'cv.pdf'),
        415,
        'UNSUPPORTED_FORMAT',
      ],
      [
        http().post(`/directives/import?issuerId=not-a-uuid`).set(auth(clerkD)).send({ text: letter() }),
        400,
        'VALIDATION_FAILED',
      ],
    ];
    for (const [req, status, code] of cases) {
      const res = await req;
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
      expect(typeof res.body.error.message).toBe('string');
    }
    // 50 MB: 413 as a body and as an upload
    const big = Buffer.alloc(50 * 1024 * 1024, 0x61);
    const raw = await send('text/plain', big);
    expect({ status: raw.status, code: raw.body.error?.code }).toEqual({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    const upload = await http()
      .post(`/directives/import?issuerId=${id.D}`)
      .set(auth(clerkD))
      .attach('file', big, 'big.txt');
    expect({ status: upload.status, code: upload.body.error?.code }).toEqual({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    // another unit's clerk cannot import for the district
    const other = await http()
      .post(`/directives/import?issuerId=${id.D}`)
      .set(auth(clerkP))
      .send({ text: letter() });
    expect([403, 404]).toContain(other.status);
    expect(await count()).toBe(before);
  });
});

describe('edXML', () => {
  it('exports a signed directive and its recipients’ statuses, and imports the message back as a draft', async () => {
    const imported = await http()
      .post(`/directives/import?issuerId=${id.D}`)
      .set(auth(clerkD))
      .send({ text: letter() })
      .expect(200);
    const created = await post('/directives', clerkD, {
      ...imported.body.draft,
      subject: `${imported.body.draft.subject} (edXML)`,
    }).expect(201);
    const directiveId = created.body.id as string;
    expect((await get(`/directives/${directiveId}/edxml`, clerkD)).status).toBe(409);
    await signAndDispatch(directiveId, clerkD, leaderD.token);
    const symbol = (await get(`/directives/${directiveId}`, clerkD)).body.symbol as string;

    const res = await get(`/directives/${directiveId}/edxml`, clerkD).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/xml/);
    const message = readEdxml(res.text);
    expect(message.kind).toBe('document');
    if (message.kind !== 'document') return;
    expect(message.document).toMatchObject({
      from: {
        organName: `Liên đoàn Lao động huyện Châu Thành ${tag}`,
        organizationInCharge: `Liên đoàn Lao động tỉnh Tây Ninh ${tag}`,
      },
      documentType: { name: 'Công văn' },
      subject: 'V/v hưởng ứng Giải Búa liềm vàng lần thứ V - năm 2020 (edXML)',
      promulgation: { place: 'Châu Thành' },
      signer: { competence: SIGNING_AUTHORITY.authority, position: SIGNING_AUTHORITY.position },
      steeringType: 1,
      businessDocType: 0,
    });
    expect(
      `${message.document.code.number}/${message.document.code.notation}`.replace(
        /^(\d+)\/(.*\/.*)$/,
        '$1-$2',
      ),
    ).toBe(symbol);
    expect(message.document.to.map((o) => o.organName).sort()).toEqual(
      [`Công đoàn cơ sở Trường THCS Thái Bình ${tag}`, `Công đoàn cơ sở xã Hảo Đước ${tag}`].sort(),
    );

    // each recipient's status changes: 01 on delivery, 03 when it acknowledges
    const g1 = (await member(id.G1, 'clerk')).token;
    await post(`/directives/${directiveId}/acknowledge`, g1, { unitId: id.G1, decision: 'accept' }).expect(
      200,
    );
    const statuses = await get(`/directives/${directiveId}/edxml/status?unitId=${id.G1}`, clerkD).expect(200);
    expect(statuses.body.items.map((i: { statusCode: string }) => i.statusCode)).toEqual(['01', '03']);
    for (const item of statuses.body.items as { xml: string; statusCode: string }[]) {
      const status = readEdxml(item.xml);
      expect(status).toMatchObject({
        kind: 'status',
        status: { statusCode: item.statusCode, responseFor: { code: symbol } },
      });
    }
    const all = await get(`/directives/${directiveId}/edxml/status`, clerkD).expect(200);
    expect(all.body.items.filter((i: { statusCode: string }) => i.statusCode === '01')).toHaveLength(2);

    // the exported message imported back: a draft with the same parts
    const back = await http()
      .post(`/directives/import?issuerId=${id.D}`)
      .set(auth(clerkD))
      .set('Content-Type', 'application/xml')
      .send(res.text)
      .expect(200);
    expect(back.body.format).toBe('edxml');
    expect(back.body.parsed).toMatchObject({
      code: symbol,
      subject: message.document.subject,
      documentType: 'Công văn',
    });
    expect(back.body.draft).toMatchObject({
      type: 'CV',
      addressees: { mode: 'units', unitIds: expect.arrayContaining([id.G1]) },
    });
  });
});

describe('cascade import', () => {
  it('prints the import contract as JSON, a summary without --json, and says when nothing was found', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cascade-import-'));
    const file = join(dir, 'cv.txt');
    writeFileSync(
      file,
      readFileSync(join(__dirname, '..', 'fixtures', 'directives', 'thanh-hoa-party-bloc-1023-CV-DUK.txt')),
    );
    const json = await cascade('import', file, '--json');
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    for (const key of [
      'code',
      'codeNumber',
      'codeNotation',
      'documentType',
      'subject',
      'place',
      'issuedDate',
      'issuerName',
      'parentBodyName',
      'addressees',
      'basis',
      'tasks',
      'reporting',
      'contacts',
      'recipients',
      'signer',
      'missing',
    ])
      expect(out).toHaveProperty(key);
    expect(out).toMatchObject({ code: '1023-CV/ĐUK', issuedDate: '2023-07-19', missing: ['contacts'] });
    const summary = await cascade('import', file);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toMatch(/^code\s+1023-CV\/ĐUK/m);
    const docx = join(dir, 'cv.docx');
    writeFileSync(docx, await makeDocx(readFileSync(file, 'utf8')));
    expect(JSON.parse((await cascade('import', docx, '--json')).stdout).code).toBe('1023-CV/ĐUK');
    writeFileSync(join(dir, 'prose.txt'), 'Hôm nay trời đẹp.');
    expect((await cascade('import', join(dir, 'prose.txt'))).code).toBe(1);
    writeFileSync(join(dir, 'empty.txt'), '');
    const empty = await cascade('import', join(dir, 'empty.txt'));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/EMPTY_DOCUMENT/);
  });
});
