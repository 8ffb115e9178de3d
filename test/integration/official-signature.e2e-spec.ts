/**
 * The official document signed as the directive is signed, on the real stack: a leader whose certificate was
 * imported as PKCS#12 (issued by the organisational CA) and another whose key is in a SoftHSM2 token sign
 * directives; the worker renders the Decree 30 PDF and signs it as PAdES inside the signing; the stored PDF that
 * `GET /directives/:id/document.pdf` serves verifies for Cascade, poppler's `pdfsig` and OpenSSL, its text has the
 * document's parts, and the same PDF altered fails all three. Needs Debian's poppler-utils, libnss3-tools, softhsm2
 * and opensc.
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { createPublicKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import request from 'supertest';
import { caInit, caIssue, pkcs11PublicKey, verifyPdfSignature } from '@cascade/signing';
import { startApi, startWorker } from './support/apps';
import { newKey } from './support/ids';
import { addMember, auth, buildOrg, importUnitsUnderA, SIGNING_AUTHORITY, type Org } from './support/org';
import { caStore, mustRun, nssTrusting, opensslVerify, pdfsig, tool } from './support/pdf-verifiers';
import { waitFor } from './support/wait-for';

jest.setTimeout(240_000);

const SOFTHSM = '/usr/lib/softhsm/libsofthsm2.so';
const PIN = '1357';
const CA_PASSPHRASE = 'ca-passphrase-official';
const P12_PASSWORD = 'p12-official-1';
const dir = mkdtempSync(join(tmpdir(), 'cascade-official-'));
const ca = join(dir, 'ca');
process.env.SOFTHSM2_CONF = join(dir, 'softhsm2.conf');
process.env.PKCS11_MODULES = SOFTHSM; // the worker reads its configuration from the environment

let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
let id: Record<string, string>;
let clerk: string;
let p12Leader: { id: string; token: string };
let tokenLeader: { id: string; token: string };
const http = () => request(api.getHttpServer());
const post = (path: string, token: string, body: object) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);
const put = (path: string, token: string, body: object) =>
  http().put(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);
const pdfOf = async (directiveId: string) =>
  (
    await http()
      .get(`/directives/${directiveId}/document.pdf`)
      .set(auth(clerk))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200)
  ).body as Buffer;
const trust = () => ({
  trustAnchors: [readFileSync(join(ca, 'root.pem'))],
  crls: [readFileSync(join(ca, 'crl.pem')), readFileSync(join(ca, 'root-crl.pem'))],
});

/** A directive drafted by the clerk, approved by the PKCS#12 leader and signed by `signer`; dispatched. */
async function signedBy(signer: { token: string }, subject: string): Promise<string> {
  const created = await post('/directives', clerk, {
    issuerId: id.P,
    type: 'KH',
    subject,
    tasks: ['Quán triệt đến toàn thể đoàn viên.', 'Báo cáo kết quả về Liên đoàn Lao động tỉnh.'],
    addressees: { mode: 'children' },
  }).expect(201);
  const directiveId = created.body.id as string;
  await post(`/directives/${directiveId}/submit`, clerk, { version: 1 }).expect(200);
  await post(`/directives/${directiveId}/review`, p12Leader.token, {
    version: 1,
    decision: 'approve',
  }).expect(200);
  await post(`/directives/${directiveId}/sign`, signer.token, { version: 1 }).expect(200);
  await waitFor(
    'the dispatch',
    async () =>
      (await http().get(`/directives/${directiveId}`).set(auth(clerk))).body.status === 'dispatched',
  );
  return directiveId;
}

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi({ PKCS11_MODULES: SOFTHSM }), startWorker()]);
  org = await buildOrg(api);
  id = await importUnitsUnderA(api, org, [
    ['P', 'federation', null],
    ['G1', 'grassroots_union', 'P'],
    ['G2', 'grassroots_union', 'P'],
  ]);
  clerk = (await addMember(api, org, id.P, 'clerk')).token;
  p12Leader = await addMember(api, org, id.P, 'leader', SIGNING_AUTHORITY);
  tokenLeader = await addMember(api, org, id.P, 'leader', SIGNING_AUTHORITY);
  await http()
    .put(`/units/${id.P}/review-chain`)
    .set(auth(org.admin))
    .send({ reviewerIds: [p12Leader.id] })
    .expect(200);

  // The organisational CA; a PKCS#12 for one leader; a key generated inside a SoftHSM2 token for the other.
  caInit(ca, { organisation: 'Liên đoàn Lao động tỉnh Thử', passphrase: CA_PASSPHRASE });
  const p12 = caIssue(ca, {
    passphrase: CA_PASSPHRASE,
    name: 'Nguyễn Thị Hạnh',
    password: P12_PASSWORD,
  }).pkcs12!;
  await put(`/users/${p12Leader.id}/signing-certificate/pkcs12`, org.admin, {
    pkcs12: p12.toString('base64'),
    password: P12_PASSWORD,
  }).expect(200);
  mkdirSync(join(dir, 'tokens'));
  writeFileSync(
    process.env.SOFTHSM2_CONF!,
    `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  const ref = { module: SOFTHSM, tokenLabel: 'cascade-official', keyId: 'c3' };
  await mustRun('softhsm2-util', [
    '--init-token',
    '--free',
    '--label',
    ref.tokenLabel,
    '--so-pin',
    '24681357',
    '--pin',
    PIN,
  ]);
  await mustRun('pkcs11-tool', [
    ...['--module', SOFTHSM, '--token-label', ref.tokenLabel, '--login', '--pin', PIN],
    ...['--keypairgen', '--key-type', 'rsa:2048', '--id', ref.keyId, '--sensitive'],
  ]);
  const publicKeyPem = createPublicKey({ key: await pkcs11PublicKey(ref, PIN), format: 'der', type: 'spki' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  const certificate = caIssue(ca, {
    passphrase: CA_PASSPHRASE,
    name: 'Trần Văn Lộc',
    publicKeyPem,
  }).certificate;
  await put(`/users/${tokenLeader.id}/signing-certificate/pkcs11`, org.admin, {
    ...ref,
    pin: PIN,
    certificate: certificate.toString(),
    chain: readFileSync(join(ca, 'chain.pem'), 'utf8'),
  }).expect(200);
  await nssTrusting(join(dir, 'nss'), join(ca, 'root.pem'));
});

afterAll(async () => {
  await worker?.close();
  await api?.close();
});

describe('the official document, signed as the directive is signed', () => {
  it('with a PKCS#12 certificate: valid for Cascade, pdfsig and OpenSSL, and altered, refused by all three', async () => {
    const directiveId = await signedBy(p12Leader, 'Kế hoạch tổ chức Tháng Công nhân năm 2027');
    const pdf = await pdfOf(directiveId);
    expect(Buffer.compare(await pdfOf(directiveId), pdf)).toBe(0); // stored as signed, never regenerated
    const file = join(dir, 'p12.pdf');
    writeFileSync(file, pdf);

    const ours = verifyPdfSignature(pdf, trust());
    expect(ours.checks.filter((c) => !c.ok)).toEqual([]);
    expect(ours.signer!.subject).toContain('CN=Nguyễn Thị Hạnh');
    const sig = await pdfsig(join(dir, 'nss'), file);
    expect(sig.out).toContain('Signature Validation: Signature is Valid.');
    expect(sig.out).toContain('Certificate Validation: Certificate is Trusted.');
    expect(sig.out).toContain('Signer Certificate Common Name: Nguyễn Thị Hạnh');
    expect(sig.out).toContain('Signature Type: ETSI.CAdES.detached');
    const ssl = await opensslVerify(file, caStore(ca), true);
    expect([ssl.code, ssl.out]).toEqual([0, expect.stringContaining('CMS Verification successful')]);

    // The signed PDF is the official document: its parts, as pdftotext reads them.
    const directive = (await http().get(`/directives/${directiveId}`).set(auth(clerk))).body;
    const text = (await tool('pdftotext', ['-layout', file, '-'])).out.replace(/\s+/g, ' ');
    for (const part of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      directive.symbol,
      'KẾ HOẠCH',
      'Tháng Công nhân năm 2027',
      SIGNING_AUTHORITY.authority,
      SIGNING_AUTHORITY.position,
      'Nơi nhận',
    ])
      expect(text).toContain(part);

    // One byte of the signed content changed: Cascade, pdfsig and OpenSSL all refuse it.
    const altered = Buffer.from(pdf);
    const at = altered.indexOf('/MediaBox');
    altered[at + 1] = 'N'.charCodeAt(0);
    const alteredFile = join(dir, 'p12-altered.pdf');
    writeFileSync(alteredFile, altered);
    expect(verifyPdfSignature(altered, trust()).valid).toBe(false);
    expect((await pdfsig(join(dir, 'nss'), alteredFile)).out).not.toContain('Signature is Valid.');
    expect((await opensslVerify(alteredFile, caStore(ca), true)).code).not.toBe(0);

    // Cascade's own verification of the directive checks the stored PDF against the hash in the signed record:
    // the altered PDF put in its place behind the application is found.
    const verify = async () =>
      (await http().get(`/directives/${directiveId}/verify`).set(auth(clerk)).expect(200)).body;
    expect(await verify()).toMatchObject({ valid: true, problems: [] });
    const pg = new PgClient({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
    const swap = (content: Buffer) =>
      pg.query(`UPDATE signed_document SET content = $2 WHERE directive_id = $1`, [directiveId, content]);
    try {
      await swap(altered);
      expect((await verify()).problems).toContain('document: the stored PDF differs from what was signed');
    } finally {
      await swap(pdf);
      await pg.end();
    }
    expect((await verify()).valid).toBe(true);
  });

  it('through the PKCS#11 token: the key never leaves it, and the document verifies for all three', async () => {
    const directiveId = await signedBy(tokenLeader, 'Hướng dẫn báo cáo quý I năm 2027');
    const pdf = await pdfOf(directiveId);
    const file = join(dir, 'token.pdf');
    writeFileSync(file, pdf);
    const ours = verifyPdfSignature(pdf, trust());
    expect(ours.checks.filter((c) => !c.ok)).toEqual([]);
    expect(ours.signer!.subject).toContain('CN=Trần Văn Lộc');
    const sig = await pdfsig(join(dir, 'nss'), file);
    expect(sig.out).toContain('Signature Validation: Signature is Valid.');
    expect(sig.out).toContain('Signer Certificate Common Name: Trần Văn Lộc');
    expect((await opensslVerify(file, caStore(ca), true)).code).toBe(0);
  });
});
