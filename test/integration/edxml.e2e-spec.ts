/**
 * edXML as the national document axis exchanges it (issue 21), through the API on the real PostgreSQL and Temporal:
 * units carry electronic identification codes (set by the unit import and PATCH /units/:id, validated, unique); a
 * signed directive exported as edXML names them as From/To and reads back with the same fields (by the reader and by
 * `cascade edxml read`); a connector of the province hands status messages to POST /edxml/messages, each code applied
 * to its routing node and visible in the routing page and the events; a retry answers the same, another message
 * under the same id is a 409, a malformed one a 422 naming the element, a node outside the connector's subtree a 404
 * exactly like one that does not exist; an incoming document is registered as received by the addressee it acts for.
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  buildEdxmlDocument,
  buildEdxmlStatus,
  readEdxml,
  type EdxmlStatus,
  type EdxmlStatusCode,
} from '@cascade/documents';
import { startApi, startWorker } from './support/apps';
import { cascade } from './support/cli';
import { newKey } from './support/ids';
import { addMember, auth, buildOrg, SIGNING_AUTHORITY, type Org } from './support/org';
import { waitFor } from './support/wait-for';

jest.setTimeout(300_000);

let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
const http = () => request(api.getHttpServer());
const get = (path: string, token: string) => http().get(path).set(auth(token));
const post = (path: string, token: string, body: object, key = newKey()) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', key).send(body);

/** Fresh codes of one run: `NNN.NN.<i>.H53`, the first two groups random. */
const base = `${String(100 + Math.floor(Math.random() * 900))}.${String(10 + Math.floor(Math.random() * 90))}`;
const codeOf = (i: number) => `${base}.${String(i).padStart(2, '0')}.H53`;

let units: Record<'U1' | 'U2' | 'U3' | 'U4' | 'BG', { id: string; code: string; edxmlCode: string }>;
let rCode: string;
let connectorKey: string;
let directiveId: string;
let leader: { id: string; token: string };
let exported: string;

const asConnector = (xml: string, messageId?: string) => {
  const r = http()
    .post('/edxml/messages')
    .set('X-API-Key', connectorKey)
    .set('Content-Type', 'application/xml');
  return (messageId ? r.set('Edxml-Message-Id', messageId) : r).send(xml);
};

/** A status of the unit for the exported directive (what the unit's e-office system would send back). */
function status(unit: keyof typeof units, code: EdxmlStatusCode, extra: Partial<EdxmlStatus> = {}): string {
  const read = readEdxml(exported);
  if (read.kind !== 'document') throw new Error('export is not a document');
  const d = read.document;
  return buildEdxmlStatus({
    responseFor: {
      organId: d.from.organId,
      code: `${d.code.number}/${d.code.notation}`,
      promulgationDate: d.promulgation.date,
      documentId: d.documentId,
    },
    from: { organId: units[unit].edxmlCode, organName: `Đơn vị ${unit}` },
    statusCode: code,
    description: `Trạng thái ${code}`,
    timestamp: new Date().toISOString(),
    staff: { department: 'Văn phòng', name: 'Trần Thị C' },
    ...extra,
  });
}

const nodeOf = async (unit: keyof typeof units) => {
  const page = await get(`/directives/${directiveId}/routing?limit=100`, org.admin).expect(200);
  return page.body.items.find((n: { unitId: string }) => n.unitId === units[unit].id) as {
    status: string;
    statusCode: string;
    returnedReason: string | null;
  };
};
const eventsOf = async () =>
  (await get(`/directives/${directiveId}/events?limit=500`, org.admin).expect(200)).body.items as {
    action: string;
    actorRole: string | null;
    data: Record<string, unknown> | null;
  }[];

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi(), startWorker()]);
  org = await buildOrg(api);
  rCode = codeOf(0);
  // the issuer's code through the API, the others through the import
  await http()
    .patch(`/units/${org.ids.R}`)
    .set(auth(org.admin))
    .send({ edxmlCode: rCode.toLowerCase() })
    .expect(200)
    .expect((r) => expect(r.body.edxmlCode).toBe(rCode));
  const p = `${org.prefix}-${randomUUID().slice(0, 4)}`;
  const rows = (['U1', 'U2', 'U3', 'U4'] as const).map((label, i) => ({
    code: `${p}-${label}`,
    name: `Đơn vị ${label}`,
    kind: 'grassroots_union',
    parentCode: org.codes.A,
    edxmlCode: codeOf(i + 1),
  }));
  const imported = await post('/units/import', org.admin, [
    ...rows,
    {
      code: `${p}-BG`,
      name: 'Đơn vị BG',
      kind: 'grassroots_union',
      parentCode: org.codes.B,
      edxmlCode: codeOf(9),
    },
  ]).expect(200);
  expect(imported.body.rejected).toEqual([]);
  units = Object.fromEntries(
    imported.body.created.map((c: { code: string; id: string }, i: number) => [
      c.code.slice(p.length + 1),
      { id: c.id, code: c.code, edxmlCode: i < 4 ? codeOf(i + 1) : codeOf(9) },
    ]),
  ) as typeof units;

  // the province's e-office system
  connectorKey = (
    await post(`/units/${org.ids.A}/api-keys`, org.admin, {
      name: 'e-office tỉnh',
      role: 'connector',
    }).expect(201)
  ).body.key as string;

  const clerk = await addMember(api, org, org.ids.R, 'clerk');
  leader = await addMember(api, org, org.ids.R, 'leader', SIGNING_AUTHORITY);
  await http()
    .put(`/units/${org.ids.R}/review-chain`)
    .set(auth(org.admin))
    .send({ reviewerIds: [leader.id] });
  const created = await post('/directives', clerk.token, {
    issuerId: org.ids.R,
    type: 'KH',
    subject: `Kế hoạch tổ chức Tháng Công nhân ${newKey().slice(0, 6)}`,
    tasks: ['Tuyên truyền.', 'Báo cáo kết quả.'],
    addressees: { mode: 'units', unitIds: Object.values(units).map((u) => u.id) },
  }).expect(201);
  directiveId = created.body.id;
  await post(`/directives/${directiveId}/submit`, clerk.token, { version: 1 }).expect(200);
  await post(`/directives/${directiveId}/review`, leader.token, { version: 1, decision: 'approve' }).expect(
    200,
  );
  await post(`/directives/${directiveId}/sign`, leader.token, { version: 1 }).expect(200);
  await waitFor(
    'the dispatch',
    async () => {
      const routed = await get(`/directives/${directiveId}/routing`, org.admin);
      return (
        routed.status === 200 &&
        routed.body.items.length === 5 &&
        routed.body.items.every((n: { status: string }) => n.status === 'delivered')
      );
    },
    { timeoutMs: 90_000 },
  );
  exported = (await get(`/directives/${directiveId}/edxml`, org.admin).expect(200)).text;
});

afterAll(async () => {
  await Promise.all([api?.close(), worker?.close()]);
});

describe('electronic identification codes', () => {
  it('are validated and unique in the API and the import', async () => {
    const bad = await http().patch(`/units/${org.ids.A}`).set(auth(org.admin)).send({ edxmlCode: 'H53' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('edxmlCode');
    const taken = await http().patch(`/units/${org.ids.A}`).set(auth(org.admin)).send({ edxmlCode: rCode });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({
      code: 'UNIT_EDXML_CODE_TAKEN',
      details: { field: 'edxmlCode' },
    });
    const again = await post('/units/import', org.admin, [
      {
        code: units.U1.code,
        name: 'Đơn vị U1',
        kind: 'grassroots_union',
        parentCode: org.codes.A,
        edxmlCode: rCode,
      },
    ]).expect(200);
    expect(again.body.rejected).toEqual([
      {
        line: 1,
        code: units.U1.code,
        field: 'edxmlCode',
        reason: `${rCode} is already used by another unit`,
      },
    ]);
  });
});

describe('GET /directives/:id/edxml', () => {
  it('exports the structure receivers parse, naming units by their codes, and reads back with the same fields', async () => {
    expect(exported).toMatch(
      /<edXML xmlns="http:\/\/www.mic.gov.vn\/TBT\/QCVN_102_2016">\s*<edXML:edXMLEnvelope xmlns:edXML="http:\/\/www.mic.gov.vn\/TBT\/QCVN_102_2016">/,
    );
    for (const part of ['<edXML:Bussiness>', '<edXML:TyperNotation>', '<edXML:edXMLManifest version="1.0">'])
      expect(exported).toContain(part);
    const directive = (await get(`/directives/${directiveId}`, org.admin).expect(200)).body;
    const read = readEdxml(exported);
    if (read.kind !== 'document') throw new Error('not a document');
    const d = read.document;
    expect(d.from.organId).toBe(rCode);
    expect(d.to.map((t) => t.organId).sort()).toEqual(
      Object.values(units)
        .map((u) => u.edxmlCode)
        .sort(),
    );
    expect(`${d.code.number}/${d.code.notation}`).toBe(directive.symbol);
    expect(d.subject).toBe(directive.content.subject);
    expect(d.documentId).toBe(`${rCode},${d.promulgation.date.replace(/-/g, '/')},${directive.symbol}`);
    expect(d.signer).toMatchObject({
      competence: SIGNING_AUTHORITY.authority,
      position: SIGNING_AUTHORITY.position,
    });
    expect(d.trace[0].organId).toBe(rCode);
    // The signed PDF rides along as AttachmentEncoded: the very bytes the document route serves (stored at signing).
    const pdf = await get(`/directives/${directiveId}/document.pdf`, org.admin)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(d.attachments).toHaveLength(1);
    expect(d.attachments![0]).toMatchObject({
      contentType: 'application/pdf',
      name: expect.stringMatching(/\.pdf$/),
    });
    expect(Buffer.compare(d.attachments![0].bytes, pdf.body as Buffer)).toBe(0);

    // the command line reads the same message
    const dir = mkdtempSync(join(tmpdir(), 'edxml-'));
    writeFileSync(join(dir, 'export.edxml'), exported);
    const cli = await cascade('edxml', 'read', join(dir, 'export.edxml'), '--json');
    expect(cli.code).toBe(0);
    const printed = JSON.parse(cli.stdout);
    expect(printed).toMatchObject({
      kind: 'document',
      document: {
        documentId: d.documentId,
        subject: d.subject,
        from: { organId: rCode },
        attachments: [expect.objectContaining({ contentType: 'application/pdf' })],
      },
    });
  });
});

describe('POST /edxml/messages: status messages', () => {
  it('applies 01, 03, 04, 05, 06 to the node in turn, each visible in the routing page and the events', async () => {
    for (const [code, nodeStatus] of [
      ['01', 'delivered'],
      ['03', 'accepted'],
      ['04', 'accepted'],
      ['05', 'accepted'],
      ['06', 'accepted'],
    ] as const) {
      const answer = await asConnector(status('U1', code), `u1-${code}-${directiveId}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        kind: 'status',
        statusCode: code,
        directiveId,
        node: { unitId: units.U1.id },
      });
      expect(await nodeOf('U1')).toMatchObject({ status: nodeStatus, statusCode: code });
    }
    const events = await eventsOf();
    for (const code of ['01', '04', '05', '06'])
      expect(events.find((e) => e.action === `edxml.status.${code}`)).toMatchObject({
        actorRole: 'connector',
        data: { unitId: units.U1.id, statusCode: code, staff: { name: 'Trần Thị C' } },
      });
    expect(events.find((e) => e.action === 'acknowledged' && e.data?.unitId === units.U1.id)).toBeDefined();
  });

  it('answers a retry the same, and another message under the same id 409', async () => {
    const message = status('U2', '02', { description: 'Gửi nhầm đơn vị' });
    const first = await asConnector(message, `u2-02-${directiveId}`).expect(200);
    expect(await nodeOf('U2')).toMatchObject({
      status: 'returned',
      statusCode: '02',
      returnedReason: 'Gửi nhầm đơn vị',
    });
    const retry = await asConnector(message, `u2-02-${directiveId}`).expect(200);
    expect(retry.body).toEqual(first.body);
    const other = await asConnector(status('U2', '03'), `u2-02-${directiveId}`);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('EDXML_MESSAGE_ID_REUSED');
    expect(await nodeOf('U2')).toMatchObject({ status: 'returned' });
    // without an id, the message's own (From, ResponseFor, StatusCode, Timestamp) keys it
    const keyed = status('U3', '01', { timestamp: '2026-01-02T03:04:05.000Z' });
    const a = await asConnector(keyed).expect(200);
    const b = await asConnector(keyed).expect(200);
    expect(b.body).toEqual(a.body);
    expect(
      (await eventsOf()).filter((e) => e.action === 'edxml.status.01' && e.data?.unitId === units.U3.id),
    ).toHaveLength(1);
  });

  it('refuses a status out of turn (progress before acceptance) as a conflict', async () => {
    const early = await asConnector(status('U4', '05'));
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({
      code: 'ROUTING_NODE_INVALID_STATE',
      details: { field: 'MessageHeader/StatusCode' },
    });
  });

  it('answers a malformed message 422 naming the element', async () => {
    const noId = status('U1', '03').replace(/<edXML:DocumentId>[^<]*<\/edXML:DocumentId>/, '');
    const r = await asConnector(noId);
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({
      code: 'EDXML_ELEMENT_MISSING',
      details: { field: 'MessageHeader/ResponseFor/DocumentId' },
    });
    const badCode = await asConnector(status('U1', '03').replace('>03<', '>09<'));
    expect(badCode.status).toBe(422);
    expect(badCode.body.error).toMatchObject({
      code: 'EDXML_ELEMENT_INVALID',
      details: { field: 'MessageHeader/StatusCode' },
    });
    const notXml = await asConnector('<edXML><a></b></edXML>');
    expect(notXml.status).toBe(400);
  });

  it("answers a node outside the connector's subtree exactly like one that does not exist", async () => {
    const outside = await asConnector(status('BG', '03'));
    const unknown = await asConnector(
      status('BG', '03', { from: { organId: codeOf(77), organName: 'không có' } }),
    );
    expect(outside.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(outside.body).toEqual(unknown.body);
    expect(outside.body.error.code).toBe('EDXML_NODE_NOT_FOUND');
    const page = await get(`/directives/${directiveId}/routing?limit=100`, org.admin).expect(200);
    expect(page.body.items.find((n: { unitId: string }) => n.unitId === units.BG.id).status).toBe(
      'delivered',
    );
    // nor may anything but a connector hand messages over
    const byUser = await http()
      .post('/edxml/messages')
      .set(auth(org.admin))
      .set('Content-Type', 'application/xml')
      .send(status('U1', '03'));
    expect(byUser.status).toBe(403);
  });

  it('takes the answers to a recall: 13 seen, 15 agreed, 16 refused', async () => {
    const early = await asConnector(status('U3', '13'));
    expect(early.status).toBe(409);
    await post(`/directives/${directiveId}/recall`, leader.token, { reason: 'Sai sót nội dung' }).expect(200);
    await waitFor('the recall', async () => (await nodeOf('U3')).statusCode === '13');
    await asConnector(status('U3', '13')).expect(200);
    expect(
      (await eventsOf()).some((e) => e.action === 'edxml.status.13' && e.data?.unitId === units.U3.id),
    ).toBe(true);
    const agreed = await asConnector(status('U3', '15')).expect(200);
    expect(agreed.body.node).toMatchObject({ recallStatus: 'accepted', statusCode: '15' });
    const refused = await asConnector(status('U4', '16', { description: 'Đã triển khai' })).expect(200);
    expect(refused.body.node).toMatchObject({
      recallStatus: 'refused',
      statusCode: '16',
      recallReason: 'Đã triển khai',
    });
    expect(await nodeOf('U4')).toMatchObject({ statusCode: '16' });
    const actions = (await eventsOf()).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['recall.accepted', 'recall.refused']));
  });
});

describe('POST /edxml/messages: documents', () => {
  it('registers an incoming document as received by the addressee the connector acts for, once', async () => {
    const xml = buildEdxmlDocument({
      from: { organId: '000.00.00.G22', organName: 'Bộ Nội vụ' },
      to: [
        { organId: units.U1.edxmlCode, organName: 'Đơn vị U1' },
        { organId: units.BG.edxmlCode, organName: 'Đơn vị BG' },
      ],
      documentId: `000.00.00.G22,2026/11/20,${base}/BNV-VP`,
      code: { number: '5120', notation: 'BNV-VP' },
      promulgation: { place: 'Hà Nội', date: '2026-11-20' },
      documentType: { type: '1', name: 'Công văn' },
      subject: 'V/v báo cáo công tác văn thư, lưu trữ',
      content: 'Đề nghị báo cáo trước ngày 15/12.',
      signer: { competence: 'KT. BỘ TRƯỞNG', position: 'THỨ TRƯỞNG', fullName: 'Phạm Văn D' },
      dueDate: null,
      toPlaces: [],
      priority: 0,
      steeringType: 0,
      businessDocType: 0,
      businessDocReason: null,
      trace: [{ organId: '000.00.00.G22', timestamp: '2026-11-20T02:00:00.000Z' }],
      attachments: [
        { name: 'cong-van.pdf', contentType: 'application/pdf', bytes: Buffer.from('%PDF-1.7\n%%EOF\n') },
        { name: 'chay-ngay.exe', contentType: 'application/octet-stream', bytes: Buffer.from('MZ\x90\x00') },
      ],
    });
    const id = `doc-${base}-${randomUUID()}`;
    const first = await asConnector(xml, id).expect(200);
    expect(first.body).toMatchObject({ kind: 'document', symbol: '5120/BNV-VP' });
    expect(first.body.received).toHaveLength(1);
    expect(first.body.received[0].unitId).toBe(units.U1.id);
    const entry = await get(`/received/${first.body.received[0].id}`, org.admin).expect(200);
    expect(entry.body).toMatchObject({
      unitId: units.U1.id,
      type: 'CV',
      symbol: '5120/BNV-VP',
      date: '2026-11-20',
      issuerName: 'Bộ Nội vụ',
      subject: 'V/v báo cáo công tác văn thư, lưu trữ',
      receivedNumber: first.body.received[0].receivedNumber,
    });
    expect((await asConnector(xml, id).expect(200)).body).toEqual(first.body);
    // The files it carried are the received directive's attachments (a kind Cascade refuses is named, not stored),
    // once, whatever the retries.
    const files = await get(`/directives/${first.body.received[0].id}/attachments`, org.admin).expect(200);
    expect(files.body.map((f: { name: string; mediaType: string }) => [f.name, f.mediaType])).toEqual([
      ['cong-van.pdf', 'application/pdf'],
    ]);
    const receivedEvent = (
      await get(`/directives/${first.body.received[0].id}/events`, org.admin).expect(200)
    ).body.items.find((e: { action: string }) => e.action === 'received');
    expect(receivedEvent.data.edxml).toMatchObject({ attachments: 1, refused: ['chay-ngay.exe'] });
    const register = await get(
      `/registers/incoming/received?unitId=${units.U1.id}&limit=100`,
      org.admin,
    ).expect(200);
    expect(register.body.items.filter((i: { symbol: string }) => i.symbol === '5120/BNV-VP')).toHaveLength(1);
    // addressed only outside its subtree: as if to nobody
    const outside = await asConnector(xml.replace(units.U1.edxmlCode, codeOf(78)));
    expect(outside.status).toBe(404);
    expect(outside.body.error).toMatchObject({
      code: 'EDXML_UNIT_NOT_FOUND',
      details: { field: 'MessageHeader/To' },
    });
  });
});
