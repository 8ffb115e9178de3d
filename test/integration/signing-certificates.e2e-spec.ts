/**
 * People's signing certificates through the real API and PostgreSQL: a system administrator imports a PKCS#12 from
 * the organisational CA or registers a key in a SoftHSM2 token; bad files, passwords, PINs and modules are 400s
 * naming the field; a retry answers the same; others are refused; `signPdfFor` then signs a PDF that verifies.
 */
import { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { createPublicKey, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  caInit,
  caIssue,
  pkcs11PublicKey,
  signPdfFor,
  verifyPdfSignature,
  type PersonSigningConfig,
} from '@cascade/signing';
import { vietnamesePdf } from '../unit/signing/vietnamese-pdf';
import { startApi } from './support/apps';
import { newKey } from './support/ids';
import { auth, buildOrg, type Org } from './support/org';

jest.setTimeout(180_000);

const SECRET = 's'.repeat(48);
const SOFTHSM = '/usr/lib/softhsm/libsofthsm2.so';
const PIN = '2468';
const dir = mkdtempSync(join(tmpdir(), 'cascade-certs-'));
const ca = join(dir, 'ca');
process.env.SOFTHSM2_CONF = join(dir, 'softhsm2.conf');

let api: INestApplication;
let org: Org;
let db: DataSource;
const http = () => request(api.getHttpServer());
const put = (path: string, token: string, body: object, key = newKey()) =>
  http().put(path).set(auth(token)).set('Idempotency-Key', key).send(body);
const config: PersonSigningConfig = { secret: SECRET, pkcs11Modules: [SOFTHSM] };
const trust = () => ({
  trustAnchors: [readFileSync(join(ca, 'root.pem'))],
  crls: [readFileSync(join(ca, 'crl.pem')), readFileSync(join(ca, 'root-crl.pem'))],
});

function mustRun(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { env: { ...process.env }, timeout: 60_000 }, (e, _o, err) =>
      e ? reject(new Error(`${cmd}: ${err}`)) : resolve(),
    ),
  );
}

let p12: Buffer;
const P12_PASSWORD = 'p12-password-2';
const tokenRef = { module: SOFTHSM, tokenLabel: 'cascade-api', keyId: 'b2' };
let tokenCertPem: string;

beforeAll(async () => {
  api = await startApi({ SIGNING_KEY_SECRET: SECRET, PKCS11_MODULES: SOFTHSM });
  db = api.get(DataSource);
  org = await buildOrg(api);
  caInit(ca, { organisation: 'Sở Nội vụ Thử', passphrase: 'ca-passphrase-12' });
  p12 = caIssue(ca, { passphrase: 'ca-passphrase-12', name: 'Đỗ Minh Khoa', password: P12_PASSWORD }).pkcs12!;

  mkdirSync(join(dir, 'tokens'));
  writeFileSync(
    process.env.SOFTHSM2_CONF!,
    `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  await mustRun('softhsm2-util', [
    '--init-token',
    '--free',
    '--label',
    tokenRef.tokenLabel,
    '--so-pin',
    '87654321',
    '--pin',
    PIN,
  ]);
  await mustRun('pkcs11-tool', [
    '--module',
    SOFTHSM,
    '--token-label',
    tokenRef.tokenLabel,
    '--login',
    '--pin',
    PIN,
    '--keypairgen',
    '--key-type',
    'rsa:2048',
    '--id',
    tokenRef.keyId,
    '--sensitive',
  ]);
  const spki = await pkcs11PublicKey(tokenRef, PIN);
  const publicKeyPem = createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({
    type: 'spki',
    format: 'pem',
  }) as string;
  tokenCertPem = caIssue(ca, {
    passphrase: 'ca-passphrase-12',
    name: 'Vũ Thị Hoa',
    publicKeyPem,
  }).certificate.toString();
});

afterAll(async () => {
  await api?.close();
});

test('only system administrators may import; bad input is a 400 naming the field', async () => {
  const path = `/users/${org.userIds.leader}/signing-certificate/pkcs12`;
  const body = { pkcs12: p12.toString('base64'), password: P12_PASSWORD };
  const unitAdmin = await put(path, org.tokens.admin, body);
  expect(unitAdmin.status).toBe(403);
  const wrongPassword = await put(path, org.admin, { ...body, password: 'not-it' });
  expect(wrongPassword.status).toBe(400);
  expect(wrongPassword.body.error).toMatchObject({
    code: 'PKCS12_PASSWORD_INCORRECT',
    details: { field: 'password' },
  });
  const garbage = await put(path, org.admin, {
    ...body,
    pkcs12: Buffer.from('not a pkcs12 file').toString('base64'),
  });
  expect(garbage.status).toBe(400);
  expect(garbage.body.error).toMatchObject({ code: 'PKCS12_UNREADABLE', details: { field: 'pkcs12' } });
  const notBase64 = await put(path, org.admin, { ...body, pkcs12: '%%%' });
  expect(notBase64.status).toBe(400);
  expect(JSON.stringify(notBase64.body)).toContain('pkcs12');
  const nobody = await put(`/users/${randomUUID()}/signing-certificate/pkcs12`, org.admin, body);
  expect(nobody.status).toBe(404);
  expect(
    (await http().get(`/users/${org.userIds.leader}/signing-certificate`).set(auth(org.admin))).status,
  ).toBe(404);
});

test('a PKCS#12 import is idempotent, keeps the key sealed, and signPdfFor signs a PDF that verifies', async () => {
  const path = `/users/${org.userIds.leader}/signing-certificate/pkcs12`;
  const body = { pkcs12: p12.toString('base64'), password: P12_PASSWORD };
  const key = newKey();
  const first = await put(path, org.admin, body, key);
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ userId: org.userIds.leader, source: 'pkcs12' });
  expect(first.body.subject).toContain('CN=Đỗ Minh Khoa');
  expect(JSON.stringify(first.body)).not.toMatch(/PRIVATE KEY|sealed/i);
  const retry = await put(path, org.admin, body, key);
  expect(retry.body).toEqual(first.body);
  const again = await put(path, org.admin, body);
  expect(again.body).toEqual(first.body);
  const rows: { k: string }[] = await db.query(
    `SELECT private_key_sealed AS k FROM person_signing_certificate WHERE user_id = $1`,
    [org.userIds.leader],
  );
  expect(rows[0].k.startsWith('c1.')).toBe(true);
  expect(rows[0].k).not.toContain('PRIVATE KEY');

  const signed = await signPdfFor(db, config, org.userIds.leader, await vietnamesePdf(), {
    reason: 'Ký ban hành',
  });
  const result = verifyPdfSignature(signed, trust());
  expect(result.checks.filter((c) => !c.ok)).toEqual([]);
  expect(result.signer!.subject).toContain('CN=Đỗ Minh Khoa');
  // The wrong secret opens nothing.
  await expect(
    signPdfFor(db, { ...config, secret: 'x'.repeat(48) }, org.userIds.leader, await vietnamesePdf()),
  ).rejects.toThrow();
  await expect(signPdfFor(db, config, org.userIds.clerk, await vietnamesePdf())).rejects.toThrow(
    /no signing certificate/,
  );
});

test('a PKCS#11 key reference is checked against the token and signs inside it', async () => {
  const path = `/users/${org.userIds.specialist}/signing-certificate/pkcs11`;
  const body = {
    ...tokenRef,
    pin: PIN,
    certificate: tokenCertPem,
    chain: readFileSync(join(ca, 'chain.pem'), 'utf8'),
  };
  const module = await put(path, org.admin, { ...body, module: '/usr/lib/x86_64-linux-gnu/libc.so.6' });
  expect(module.status).toBe(400);
  expect(module.body.error).toMatchObject({
    code: 'PKCS11_MODULE_NOT_ALLOWED',
    details: { field: 'module' },
  });
  const pin = await put(path, org.admin, { ...body, pin: '0000' });
  expect(pin.status).toBe(400);
  expect(pin.body.error).toMatchObject({ code: 'PKCS11_KEY_UNAVAILABLE', details: { field: 'pin' } });
  const otherCert = await put(path, org.admin, {
    ...body,
    certificate: readFileSync(join(ca, 'issuing.pem'), 'utf8'),
  });
  expect(otherCert.status).toBe(400);
  expect(otherCert.body.error).toMatchObject({
    code: 'PKCS11_KEY_MISMATCH',
    details: { field: 'certificate' },
  });
  const bad = await put(path, org.admin, { ...body, certificate: 'not a certificate' });
  expect(bad.body.error).toMatchObject({ code: 'CERTIFICATE_INVALID', details: { field: 'certificate' } });

  const ok = await put(path, org.admin, body);
  expect(ok.status).toBe(200);
  expect(ok.body).toMatchObject({ source: 'pkcs11', pkcs11: tokenRef });
  expect(JSON.stringify(ok.body)).not.toContain(PIN);
  const got = await http().get(`/users/${org.userIds.specialist}/signing-certificate`).set(auth(org.admin));
  expect(got.body).toEqual(ok.body);

  const signed = await signPdfFor(
    db,
    config,
    org.userIds.specialist,
    await vietnamesePdf('Quyết định về việc khen thưởng'),
  );
  const result = verifyPdfSignature(signed, trust());
  expect(result.checks.filter((c) => !c.ok)).toEqual([]);
  expect(result.signer!.subject).toContain('CN=Vũ Thị Hoa');
});
