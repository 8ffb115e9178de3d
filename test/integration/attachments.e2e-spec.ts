/**
 * Attachments ("gửi kèm theo") on the real stack: two files uploaded to a draft (idempotently), listed with their
 * SHA-256, downloaded byte for byte, named with their hashes in the signed record under a verifying signature; files
 * altered behind the application no longer verify; oversized, wrong-type and after-signing uploads refused; a caller
 * who may not see the directive is answered as for one that does not exist.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Document, Packer, Paragraph } from 'docx';
import { Client as PgClient } from 'pg';
import { readEdxml } from '@cascade/documents';
import request from 'supertest';
import { startApi, startWorker } from './support/apps';
import { newKey } from './support/ids';
import { addMember, auth, buildOrg, SIGNING_AUTHORITY, type Org } from './support/org';
import { waitFor } from './support/wait-for';

jest.setTimeout(180_000);

const MAX_BYTES = 64 * 1024;
let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
let pg: PgClient;
let signer: { id: string; token: string };
let reviewer: { id: string; token: string };
const http = () => request(api.getHttpServer());
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const pdf = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);
const NAME_PDF = 'Kế hoạch 255-KH-BTCTW.pdf';
const NAME_DOCX = 'Biểu mẫu báo cáo.docx';
let docx: Buffer;

const upload = (id: string, token: string, bytes: Buffer, name: string, key = newKey()) =>
  http()
    .post(`/directives/${id}/attachments`)
    .set(auth(token))
    .set('Idempotency-Key', key)
    .attach('file', bytes, { filename: name, contentType: 'application/octet-stream' });
const download = (id: string, attachmentId: string, token: string) =>
  bytesAt(`/directives/${id}/attachments/${attachmentId}`, token);
const bytesAt = (path: string, token: string) =>
  http()
    .get(path)
    .set(auth(token))
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
const post = (path: string, token: string, body: object) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi({ ATTACHMENT_MAX_BYTES: String(MAX_BYTES) }), startWorker()]);
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  signer = await addMember(api, org, org.ids.A, 'leader', SIGNING_AUTHORITY);
  reviewer = await addMember(api, org, org.ids.A, 'leader');
  await http()
    .put(`/units/${org.ids.A}/review-chain`)
    .set(auth(org.tokens.admin))
    .send({ reviewerIds: [reviewer.id] })
    .expect(200);
  docx = await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph('Biểu mẫu số 1')] }] }));
});

afterAll(async () => {
  await pg?.end();
  await api?.close();
  await worker?.close();
});

async function newDraft(): Promise<string> {
  const res = await post('/directives', org.tokens.clerk, {
    issuerId: org.ids.A,
    type: 'KH',
    place: 'Châu Thành',
    subject: 'Kế hoạch triển khai Tháng Công nhân',
    tasks: ['Quán triệt, triển khai thực hiện.'],
    addressees: { mode: 'children' },
  }).expect(201);
  return res.body.id as string;
}

describe('attachments', () => {
  it('uploads two files, lists and downloads them byte for byte, and signs their hashes', async () => {
    const id = await newDraft();
    const key = newKey();
    const first = await upload(id, org.tokens.clerk, pdf, NAME_PDF, key).expect(201);
    expect(first.body).toMatchObject({
      name: NAME_PDF,
      mediaType: 'application/pdf',
      size: pdf.length,
      sha256: sha(pdf),
    });
    // a retry with the key answers the first upload; the key with other bytes is refused
    const retry = await upload(id, org.tokens.clerk, pdf, NAME_PDF, key).expect(201);
    expect(retry.body.id).toBe(first.body.id);
    const reused = await upload(id, org.tokens.clerk, docx, NAME_DOCX, key);
    expect([reused.status, reused.body.error.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    const second = await upload(id, org.tokens.clerk, docx, NAME_DOCX).expect(201);
    expect(second.body.mediaType).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );

    const list = await http().get(`/directives/${id}/attachments`).set(auth(org.tokens.auditor)).expect(200);
    expect(list.body.map((a: { name: string; sha256: string }) => [a.name, a.sha256])).toEqual([
      [NAME_PDF, sha(pdf)],
      [NAME_DOCX, sha(docx)],
    ]);
    for (const [attachment, bytes] of [
      [first.body, pdf],
      [second.body, docx],
    ] as const) {
      const got = await download(id, attachment.id, org.tokens.specialist).expect(200);
      expect(Buffer.compare(got.body as Buffer, bytes)).toBe(0);
      expect(got.headers['content-type']).toContain(attachment.mediaType);
      expect(got.headers['content-disposition']).toContain(encodeURIComponent(attachment.name));
    }

    // review and sign: the signed record names both files with their hashes, and the signature verifies
    await post(`/directives/${id}/submit`, org.tokens.clerk, { version: 1 }).expect(200);
    await post(`/directives/${id}/review`, reviewer.token, { version: 1, decision: 'approve' }).expect(200);
    const late = await upload(id, org.tokens.clerk, pdf, 'muộn.pdf');
    expect([late.status, late.body.error.code]).toEqual([409, 'ATTACHMENT_DIRECTIVE_NOT_DRAFT']);
    await post(`/directives/${id}/sign`, signer.token, { version: 1 }).expect(200);
    const row = await pg.query(`SELECT signed_payload FROM directive WHERE id = $1`, [id]);
    expect(JSON.parse(row.rows[0].signed_payload).attachments).toEqual([
      { id: first.body.id, name: NAME_PDF, mediaType: 'application/pdf', size: pdf.length, sha256: sha(pdf) },
      {
        id: second.body.id,
        name: NAME_DOCX,
        mediaType: second.body.mediaType,
        size: docx.length,
        sha256: sha(docx),
      },
    ]);
    const verify = () => http().get(`/directives/${id}/verify`).set(auth(org.tokens.clerk)).expect(200);
    expect((await verify()).body).toMatchObject({ valid: true, problems: [] });
    // The official document lists both files, and the edXML export carries the signed PDF then both files.
    const document = await bytesAt(`/directives/${id}/document.pdf`, org.tokens.clerk).expect(200);
    const dir = mkdtempSync(join(tmpdir(), 'attachments-'));
    writeFileSync(join(dir, 'd.pdf'), document.body as Buffer);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'd.pdf'), '-'], { encoding: 'utf8' });
    for (const name of [NAME_PDF, NAME_DOCX]) expect(text).toContain(name);
    const message = readEdxml(
      (await http().get(`/directives/${id}/edxml`).set(auth(org.tokens.clerk)).expect(200)).text,
    );
    if (message.kind !== 'document') throw new Error('the export is not a document message');
    const files = message.document.attachments ?? [];
    expect(files.map((f) => f.contentType)).toEqual([
      'application/pdf',
      'application/pdf',
      second.body.mediaType,
    ]);
    for (const [file, bytes] of [
      [files[0], document.body as Buffer],
      [files[1], pdf],
      [files[2], docx],
    ] as const)
      expect(Buffer.compare(file.bytes, bytes)).toBe(0);
    expect(files.slice(1).map((f) => f.name)).toEqual([NAME_PDF, NAME_DOCX]);
    const signedEvent = (
      await http().get(`/directives/${id}/events`).set(auth(org.tokens.auditor)).expect(200)
    ).body.items.find((e: { action: string }) => e.action === 'signed');
    expect(signedEvent.data.attachments).toEqual([
      { name: NAME_PDF, sha256: sha(pdf) },
      { name: NAME_DOCX, sha256: sha(docx) },
    ]);

    const signed = await upload(id, org.tokens.clerk, pdf, 'sau khi ký.pdf');
    expect([signed.status, signed.body.error.code]).toEqual([409, 'ATTACHMENT_DIRECTIVE_NOT_DRAFT']);
    expect(signed.body.error.message).toContain('file');

    // a file altered behind the application no longer verifies; nor one added after signing
    await pg.query(`UPDATE directive_attachment SET content = $2 WHERE id = $1`, [
      first.body.id,
      Buffer.from('x'),
    ]);
    expect((await verify()).body.problems).toContain(
      `attachments.${first.body.id}: the bytes do not match their hash`,
    );
    await pg.query(`UPDATE directive_attachment SET content = $2 WHERE id = $1`, [first.body.id, pdf]);
    expect((await verify()).body.valid).toBe(true);
    await pg.query(`UPDATE directive_attachment SET name = 'đổi tên.pdf' WHERE id = $1`, [first.body.id]);
    expect((await verify()).body.problems).toContain('attachments: differ from what was signed');
  });

  it('refuses oversized, wrong-type, nameless and fileless uploads with codes naming the file', async () => {
    const id = await newDraft();
    const cases: [Buffer, string, number, string][] = [
      [Buffer.concat([pdf, Buffer.alloc(MAX_BYTES)]), 'lớn.pdf', 413, 'ATTACHMENT_TOO_LARGE'],
      [Buffer.from('chỉ là chữ, không phải PDF'), 'giả.pdf', 415, 'ATTACHMENT_TYPE_REFUSED'],
      [Buffer.from('MZ\x90\x00\x03', 'latin1'), 'chương trình.exe', 415, 'ATTACHMENT_TYPE_REFUSED'],
      [pdf, 'đổi đuôi.docx', 415, 'ATTACHMENT_TYPE_REFUSED'],
      [docx, 'bảng.xlsx', 415, 'ATTACHMENT_TYPE_REFUSED'],
    ];
    for (const [bytes, name, status, code] of cases) {
      const res = await upload(id, org.tokens.clerk, bytes, name);
      expect([name, res.status, res.body.error?.code]).toEqual([name, status, code]);
      expect(res.body.error.message).toMatch(/^file: /);
    }
    const none = await http()
      .post(`/directives/${id}/attachments`)
      .set(auth(org.tokens.clerk))
      .set('Idempotency-Key', newKey())
      .field('other', 'x');
    expect([none.status, none.body.error.code]).toEqual([400, 'ATTACHMENT_UPLOAD_MALFORMED']);
    const json = await post(`/directives/${id}/attachments`, org.tokens.clerk, { file: 'x' });
    expect([json.status, json.body.error.code]).toEqual([400, 'ATTACHMENT_FILE_REQUIRED']);
    const noKey = await http()
      .post(`/directives/${id}/attachments`)
      .set(auth(org.tokens.clerk))
      .attach('file', pdf, { filename: 'a.pdf' });
    expect([noKey.status, noKey.body.error.code]).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED']);
    expect((await http().get(`/directives/${id}/attachments`).set(auth(org.tokens.clerk))).body).toEqual([]);
  });

  it('answers a caller who may not see the directive as for one that does not exist', async () => {
    const id = await newDraft();
    const file = await upload(id, org.tokens.clerk, pdf, NAME_PDF).expect(201);
    const outsider = await addMember(api, org, org.ids.B, 'clerk');
    const missing = randomUUID();
    const pairs = [
      [
        await http().get(`/directives/${id}/attachments`).set(auth(outsider.token)),
        await http().get(`/directives/${missing}/attachments`).set(auth(outsider.token)),
      ],
      [
        await download(id, file.body.id, outsider.token),
        await download(missing, file.body.id, outsider.token),
      ],
      [await upload(id, outsider.token, pdf, 'x.pdf'), await upload(missing, outsider.token, pdf, 'x.pdf')],
    ];
    for (const [hidden, absent] of pairs) {
      expect(hidden.status).toBe(404);
      expect(absent.status).toBe(404);
      const body = (r: request.Response) =>
        JSON.parse(Buffer.isBuffer(r.body) ? r.body.toString('utf8') : JSON.stringify(r.body)) as {
          error: { code: string; message: string };
        };
      expect(body(hidden).error.code).toBe(body(absent).error.code);
      expect(body(hidden).error.message.replace(id, '?')).toBe(
        body(absent).error.message.replace(missing, '?'),
      );
    }
    // an attachment of another directive is not found on this one
    const other = await newDraft();
    expect((await download(other, file.body.id, org.tokens.clerk)).status).toBe(404);
  });

  it('lets a unit the directive was routed to list and download its files, and no other unit', async () => {
    const id = await newDraft();
    const file = await upload(id, org.tokens.clerk, pdf, NAME_PDF).expect(201);
    await post(`/directives/${id}/submit`, org.tokens.clerk, { version: 1 }).expect(200);
    await post(`/directives/${id}/review`, reviewer.token, { version: 1, decision: 'approve' }).expect(200);
    await post(`/directives/${id}/sign`, signer.token, { version: 1 }).expect(200);
    // A1 (below A, outside A's clerk's own grant) once the directive is routed to it; B, A's sibling, never
    const receiver = await addMember(api, org, org.ids.A1, 'specialist');
    const sibling = await addMember(api, org, org.ids.B, 'clerk');
    const list = await waitFor('the directive routed to A1', async () => {
      const res = await http().get(`/directives/${id}/attachments`).set(auth(receiver.token));
      return res.status === 200 && (res.body as { id: string }[]);
    });
    expect(list.map((a) => a.id)).toEqual([file.body.id]);
    const got = await download(id, file.body.id, receiver.token).expect(200);
    expect(Buffer.compare(got.body as Buffer, pdf)).toBe(0);
    expect((await http().get(`/directives/${id}/attachments`).set(auth(sibling.token))).status).toBe(404);
    expect((await download(id, file.body.id, sibling.token)).status).toBe(404);
  });
});
