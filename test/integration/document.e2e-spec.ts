/**
 * The official document (issue 21) on the real stack: a directive drafted (its PDF and DOCX marked DỰ THẢO), then
 * signed under "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" and dispatched; its PDF, read by poppler's `pdftotext` and `pdfinfo`,
 * has the motto, the issuing body under its parent, the number, place and date, the subject, the signing block and
 * "Nơi nhận", on A4; its DOCX, read by mammoth, the same. The signed PDF is the one the worker stored when it signed,
 * byte for byte on every request, also from an API whose renderer has changed (another body size), and its SHA-256 is
 * in the signed bytes. Outsiders get the 404 of a directive that does not exist; a routed unit sees it once routed.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import mammoth from 'mammoth';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { officialDocumentOf, renderDirectivePdf, STATE_LAYOUT, vietnameseDate } from '@cascade/documents';
import { createDataSource, documentSource } from '@cascade/persistence';
import { DOCUMENT_RENDER_OPTIONS } from '../../apps/api/src/document/document.service';
import { startApi, startWorker } from './support/apps';
import { newKey } from './support/ids';
import { addMember, auth, buildOrg, type Org } from './support/org';
import { waitFor } from './support/wait-for';

jest.setTimeout(180_000);

/** Another renderer: the body one size up from the decree's. */
const CHANGED = { layout: { ...STATE_LAYOUT, sizes: { ...STATE_LAYOUT.sizes, body: 20 } } };

let api: INestApplication;
let changedApi: INestApplication;
let worker: INestApplicationContext;
let ds: DataSource;
let org: Org;
let dir: string;
let clerk: { id: string; token: string };
let leader: { id: string; token: string };
let outsider: { token: string };
let routedClerk: { token: string };

const http = (app = api) => request(app.getHttpServer());
const post = (path: string, token: string, body: object) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);

/** GET as a Buffer, whatever the type. */
const fetch = (path: string, token: string, app = api) =>
  http(app)
    .get(path)
    .set(auth(token))
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });

function poppler(tool: 'pdftotext' | 'pdfinfo', pdf: Buffer, args: string[] = []): string {
  const file = join(dir, `${randomUUID()}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync(tool, [...args, file, ...(tool === 'pdftotext' ? ['-'] : [])], { encoding: 'utf8' });
}
/** The text, its runs of spaces (columns, justification) and line ends collapsed to one space. */
const pdfText = (pdf: Buffer) => poppler('pdftotext', pdf).normalize('NFC').replace(/\s+/g, ' ');
const docxText = async (docx: Buffer) =>
  (await mammoth.extractRawText({ buffer: docx })).value.normalize('NFC').replace(/\s+/g, ' ');

/** The height of the first word `word` in the PDF's bounding boxes (`pdftotext -bbox`): its font size, roughly. */
function wordHeight(pdf: Buffer, word: string): number {
  const html = poppler('pdftotext', pdf, ['-bbox']);
  const m = new RegExp(`yMin="([\\d.]+)" xMax="[\\d.]+" yMax="([\\d.]+)">${word}<`).exec(html);
  if (!m) throw new Error(`no word ${word}`);
  return Number(m[2]) - Number(m[1]);
}

const draft = () => ({
  issuerId: org.ids.A,
  type: 'CV',
  place: 'Hà Nội',
  subject: 'triển khai Giải Búa liềm vàng lần thứ V',
  tasks: ['Quán triệt, triển khai thực hiện Kế hoạch.', 'Định kỳ ngày 08 hàng tháng, báo cáo kết quả.'],
  addressees: { mode: 'units', unitIds: [org.ids.A1] },
  copyRecipients: [
    { name: 'Ban TG-NC LĐLĐ tỉnh', role: 'report' },
    { name: 'VP', role: 'filed' },
  ],
  implements: [{ code: '812/LĐLĐ', date: '2020-04-23', issuerName: 'Ban Thường vụ LĐLĐ tỉnh Tây Ninh' }],
});

beforeAll(async () => {
  [api, changedApi, worker] = await Promise.all([
    startApi(),
    startApi({}, [[DOCUMENT_RENDER_OPTIONS, CHANGED]]),
    startWorker(),
  ]);
  org = await buildOrg(api);
  ds = createDataSource({ url: process.env.DATABASE_URL! });
  await ds.initialize();
  dir = mkdtempSync(join(tmpdir(), 'cascade-document-'));
  clerk = await addMember(api, org, org.ids.A, 'clerk');
  leader = await addMember(api, org, org.ids.A, 'leader', {
    authority: 'KT. CHỦ TỊCH',
    position: 'PHÓ CHỦ TỊCH',
  });
  outsider = await addMember(api, org, org.ids.B, 'clerk');
  routedClerk = await addMember(api, org, org.ids.A1, 'clerk');
  await http()
    .put(`/units/${org.ids.A}/review-chain`)
    .set(auth(org.admin))
    .send({ reviewerIds: [leader.id] })
    .expect(200);
});

afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await ds?.destroy();
  await api?.close();
  await changedApi?.close();
  await worker?.close();
});

describe('the official document', () => {
  let id: string;

  it('renders a draft as PDF and DOCX marked DỰ THẢO, with its number and date left blank', async () => {
    const created = await post('/directives', clerk.token, draft()).expect(201);
    id = created.body.id;

    const pdf = await fetch(`/directives/${id}/document.pdf`, clerk.token).expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe(
      `attachment; filename="du-thao-${id}.pdf"; filename*=UTF-8''du-thao-${id}.pdf`,
    );
    const text = pdfText(pdf.body);
    expect(text).toContain('DỰ THẢO');
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(text).toMatch(/Số: \/[^ ]+/); // the number is given when it is signed
    expect(text).toMatch(/Hà Nội, ngày tháng năm \d{4}/);
    expect(text).toContain('V/v triển khai Giải Búa liềm vàng lần thứ V');
    expect(poppler('pdfinfo', pdf.body)).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);

    const docx = await fetch(`/directives/${id}/document.docx`, clerk.token).expect(200);
    expect(docx.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(docx.headers['content-disposition']).toContain(`filename*=UTF-8''du-thao-${id}.docx`);
    const words = await docxText(docx.body);
    expect(words).toContain('DỰ THẢO');
    expect(words).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');

    // the changed renderer renders drafts with its own body size: the option is live in that API
    const changed = await fetch(`/directives/${id}/document.pdf`, clerk.token, changedApi).expect(200);
    expect(wordHeight(changed.body, 'Quán') / wordHeight(pdf.body, 'Quán')).toBeCloseTo(20 / 14, 1);
  });

  it("lays out a Party body's document per Guide 36-HD/VPTW", async () => {
    const partyClerk = await addMember(api, org, org.ids.X, 'clerk');
    const created = await post('/directives', partyClerk.token, {
      ...draft(),
      issuerId: org.ids.X,
      addressees: { mode: 'children' },
    }).expect(201);
    const text = pdfText(
      (await fetch(`/directives/${created.body.id}/document.pdf`, partyClerk.token).expect(200)).body,
    );
    expect(text).toContain('ĐẢNG CỘNG SẢN VIỆT NAM');
    expect(text).not.toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain(`ĐẢNG ỦY ${org.prefix} X`);
    expect(text).toMatch(/Số -CV\/\S+/); // Party style, its number left blank
    expect(text).toContain('DỰ THẢO');
  });

  it('answers outsiders, and a unit it is not yet routed to, as a directive that does not exist', async () => {
    const missing = randomUUID();
    for (const ext of ['pdf', 'docx']) {
      const none = await http().get(`/directives/${missing}/document.${ext}`).set(auth(outsider.token));
      expect(none.status).toBe(404);
      for (const token of [outsider.token, routedClerk.token]) {
        const hidden = await http().get(`/directives/${id}/document.${ext}`).set(auth(token));
        expect(hidden.status).toBe(404);
        expect(hidden.body.error.code).toBe(none.body.error.code);
        expect(hidden.body.error.message).toBe(none.body.error.message.replace(missing, id));
      }
    }
  });

  it('signs once: the stored PDF has every part of the document, is served as stored, and its hash is signed', async () => {
    await post(`/directives/${id}/submit`, clerk.token, { version: 1 }).expect(200);
    await post(`/directives/${id}/review`, leader.token, { version: 1, decision: 'approve' }).expect(200);
    await post(`/directives/${id}/sign`, leader.token, { version: 1 }).expect(200);
    await waitFor(
      'the dispatch',
      async () => (await http().get(`/directives/${id}`).set(auth(clerk.token))).body.status === 'dispatched',
    );
    const record = (await http().get(`/directives/${id}`).set(auth(clerk.token)).expect(200)).body;

    const first = await fetch(`/directives/${id}/document.pdf`, clerk.token).expect(200);
    const text = pdfText(first.body);
    for (const part of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      `LIÊN ĐOÀN ${org.prefix} R`, // the parent body (cơ quan chủ quản)
      `LIÊN ĐOÀN ${org.prefix} A`,
      `Số: ${record.symbol}`,
      `Hà Nội, ${vietnameseDate(record.signedAt)}`,
      'V/v triển khai Giải Búa liềm vàng lần thứ V',
      'Kính gửi:',
      '1. Quán triệt, triển khai thực hiện Kế hoạch.',
      'KT. CHỦ TỊCH',
      'PHÓ CHỦ TỊCH',
      'Nơi nhận:',
      '- Như trên;',
      '- Ban TG-NC LĐLĐ tỉnh (b/c);',
      '- Lưu: VT, VP.',
    ])
      expect([part, text.includes(part)]).toEqual([part, true]);
    expect(text).toContain(`Công đoàn ${org.prefix} A1`); // Kính gửi: the listed addressee
    expect(record.signer.name).toBeTruthy();
    expect(text).toContain(record.signer.name); // the signer's name under the signature space
    expect(text).not.toContain('DỰ THẢO');
    expect(poppler('pdfinfo', first.body)).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    const fileName = `${record.symbol.replace(/\//g, '-')}.pdf`;
    expect(first.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent(fileName)}`,
    );
    expect(first.headers['content-disposition']).not.toMatch(/filename="[^"]*[^\x20-\x7e]/);

    // the same bytes on every request, from this API and from one whose renderer changed, and for the routed unit
    const again = await fetch(`/directives/${id}/document.pdf`, clerk.token).expect(200);
    const changed = await fetch(`/directives/${id}/document.pdf`, clerk.token, changedApi).expect(200);
    const routed = await fetch(`/directives/${id}/document.pdf`, routedClerk.token).expect(200);
    for (const other of [again, changed, routed]) expect(other.body.equals(first.body)).toBe(true);

    // they are what the worker stored when it signed, whose SHA-256 the signed bytes carry
    const sha256 = createHash('sha256').update(first.body).digest('hex');
    expect(first.headers['x-content-sha256']).toBe(sha256);
    const [row] = await ds.query(
      `SELECT d.signed_payload, s.sha256, s.content FROM directive d JOIN signed_document s ON s.directive_id = d.id
        WHERE d.id = $1`,
      [id],
    );
    expect(row.sha256).toBe(sha256);
    expect(JSON.parse(row.signed_payload).document).toEqual({ mediaType: 'application/pdf', sha256 });

    // rendering the record now gives those bytes with the decree's layout, and others with the changed one: the
    // stored PDF is not re-rendered on request
    const source = (await documentSource(ds, id))!;
    const doc = officialDocumentOf({
      type: record.type,
      content: record.content,
      symbol: record.symbol,
      signedAt: record.signedAt,
      signer: record.signer,
      issuerChain: source.issuerChain,
      addresseeNames: source.addresseeNames,
    });
    const createdAt = new Date(record.signedAt);
    expect((await renderDirectivePdf(doc, { draft: false, createdAt })).equals(first.body)).toBe(true);
    expect((await renderDirectivePdf(doc, { draft: false, createdAt, ...CHANGED })).equals(first.body)).toBe(
      false,
    );

    // the DOCX says the same
    const docx = await fetch(`/directives/${id}/document.docx`, routedClerk.token).expect(200);
    const words = await docxText(docx.body);
    for (const part of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      `Số: ${record.symbol}`,
      `Hà Nội, ${vietnameseDate(record.signedAt)}`,
      'V/v triển khai Giải Búa liềm vàng lần thứ V',
      'KT. CHỦ TỊCH',
      'PHÓ CHỦ TỊCH',
      'Nơi nhận:',
      '- Lưu: VT, VP.',
    ])
      expect([part, words.includes(part)]).toEqual([part, true]);
    expect(words).not.toContain('DỰ THẢO');

    // the outsider still gets 404
    await http().get(`/directives/${id}/document.pdf`).set(auth(outsider.token)).expect(404);
  });
});
