/**
 * PAdES signatures checked by three independent verifiers: Cascade (verifyPdfSignature and `cascade pdf verify`),
 * poppler's `pdfsig` (NSS, with the organisational root trusted in a temporary database) and OpenSSL
 * (`openssl cms -verify` of the CMS extracted from /Contents over the byte ranges, with the chain and CRLs).
 * Certificates come from `cascade ca` (PKCS#12) and from a SoftHSM2 token whose key never leaves it.
 * Needs Debian's poppler-utils, libnss3-tools, softhsm2 and opensc.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  keySigner,
  pkcs11PublicKey,
  pkcs11Signer,
  readPkcs12,
  signPdf,
  verifyPdfSignature,
  type Pkcs11KeyRef,
} from '@cascade/signing';
import { vietnamesePdf } from '../unit/signing/vietnamese-pdf';
import { cascade } from './support/cli';
import {
  caStore,
  mustRun,
  nssTrusting,
  opensslVerify as opensslVerifyIn,
  pdfsig as pdfsigIn,
  tool,
} from './support/pdf-verifiers';

jest.setTimeout(180_000);

const dir = mkdtempSync(join(tmpdir(), 'cascade-pades-'));
const ca = join(dir, 'ca');
const PASSPHRASE = 'organisational-ca-passphrase';
const P12_PASSWORD = 'p12-password-1';
const PIN = '4321';
const SOFTHSM = '/usr/lib/softhsm/libsofthsm2.so';
process.env.CASCADE_CA_PASSPHRASE = PASSPHRASE;
process.env.CASCADE_P12_PASSWORD = P12_PASSWORD;
process.env.SOFTHSM2_CONF = join(dir, 'softhsm2.conf');

const trust = () => ({
  trustAnchors: [readFileSync(join(ca, 'root.pem'))],
  crls: [readFileSync(join(ca, 'crl.pem')), readFileSync(join(ca, 'root-crl.pem'))],
});

const pdfsig = (file: string) => pdfsigIn(join(dir, 'nss'), file);
const opensslVerify = (file: string, crlCheck: boolean) => opensslVerifyIn(file, caStore(ca), crlCheck);

async function issueP12(name: string, file: string, extra: string[] = []): Promise<string> {
  const r = await cascade('ca', 'issue', '--dir', ca, '--name', name, '--out', file, ...extra);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return /issued serial ([0-9a-f]+)/.exec(r.stdout)![1];
}

async function signWithP12(file: string, out: string, signingTime?: Date): Promise<Buffer> {
  const p12 = readPkcs12(readFileSync(file), P12_PASSWORD);
  const signed = await signPdf(await vietnamesePdf(), {
    signer: keySigner(p12.privateKeyPem, p12.certificate, p12.chain),
    name: p12.certificate.subject,
    reason: 'Ký ban hành chỉ thị',
    location: 'Hà Nội',
    signingTime,
  });
  writeFileSync(out, signed);
  return signed;
}

const failed = (r: ReturnType<typeof verifyPdfSignature>) => r.checks.filter((c) => !c.ok).map((c) => c.name);
const token: Pkcs11KeyRef = { module: SOFTHSM, tokenLabel: 'cascade-test', keyId: 'a1' };
let revokedSerial: string;

beforeAll(async () => {
  const init = await cascade('ca', 'init', '--dir', ca, '--org', 'UBND tỉnh Thử Nghiệm');
  expect(init.code).toBe(0);
  expect(init.stdout).toContain('ORGANISATIONAL CA: Organisational CA: not a licensed');
  await issueP12('Nguyễn Văn An', join(dir, 'an.p12'));
  await issueP12('Lê Văn Cũ', join(dir, 'old.p12'), [
    '--not-before',
    '2020-01-01T00:00:00Z',
    '--not-after',
    '2021-01-01T00:00:00Z',
  ]);
  revokedSerial = await issueP12('Trần Thị Bình', join(dir, 'binh.p12'));

  // SoftHSM2: a token of its own, an RSA key generated inside it, a certificate for its public key.
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens);
  writeFileSync(
    process.env.SOFTHSM2_CONF!,
    `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  await mustRun('softhsm2-util', [
    '--init-token',
    '--free',
    '--label',
    token.tokenLabel,
    '--so-pin',
    '12345678',
    '--pin',
    PIN,
  ]);
  await mustRun('pkcs11-tool', [
    '--module',
    SOFTHSM,
    '--token-label',
    token.tokenLabel,
    '--login',
    '--pin',
    PIN,
    '--keypairgen',
    '--key-type',
    'rsa:2048',
    '--id',
    token.keyId,
    '--label',
    'signer',
    '--sensitive',
  ]);
  const spki = await pkcs11PublicKey(token, PIN);
  writeFileSync(
    join(dir, 'hsm-pub.pem'),
    createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }),
  );
  const hsm = await cascade(
    'ca',
    'issue',
    '--dir',
    ca,
    '--name',
    'Phạm Thị Dung',
    '--public-key',
    join(dir, 'hsm-pub.pem'),
    '--out',
    join(dir, 'hsm.pem'),
  );
  expect(hsm.code).toBe(0);

  await nssTrusting(join(dir, 'nss'), join(ca, 'root.pem'));
});

test('the CA marks itself as organisational in every certificate', () => {
  const chain = readFileSync(join(ca, 'chain.pem'), 'utf8');
  const leaf = readPkcs12(readFileSync(join(dir, 'an.p12')), P12_PASSWORD).certificate;
  for (const c of [
    leaf,
    ...chain
      .split(/(?<=-----END CERTIFICATE-----\n)/)
      .filter(Boolean)
      .map((p) => new X509Certificate(p)),
  ]) {
    expect(c.subject).toContain('OU=Organisational CA - not a licensed CA');
  }
});

test('a PDF signed with a PKCS#12 certificate from `cascade ca` is valid for Cascade, pdfsig and OpenSSL', async () => {
  const file = join(dir, 'signed-p12.pdf');
  const signed = await signWithP12(join(dir, 'an.p12'), file);
  const result = verifyPdfSignature(signed, trust());
  expect(failed(result)).toEqual([]);
  expect(result.valid).toBe(true);
  expect(result.signer!.subject).toContain('CN=Nguyễn Văn An');

  const sig = await pdfsig(file);
  expect(sig.out).toContain('Signature Validation: Signature is Valid.');
  expect(sig.out).toContain('Certificate Validation: Certificate is Trusted.');
  expect(sig.out).toContain('Signer Certificate Common Name: Nguyễn Văn An');
  expect(sig.out).toContain('Signature Type: ETSI.CAdES.detached');
  expect(sig.out).toContain('Total document signed');

  const ssl = await opensslVerify(file, true);
  expect(ssl.out).toContain('CMS Verification successful');
  expect(ssl.code).toBe(0);

  const cli = await cascade(
    'pdf',
    'verify',
    file,
    '--trust-anchor',
    join(ca, 'root.pem'),
    '--crl',
    join(ca, 'crl.pem'),
    '--crl',
    join(ca, 'root-crl.pem'),
    '--json',
  );
  expect(cli.code).toBe(0);
  expect((JSON.parse(cli.stdout) as { valid: boolean }).valid).toBe(true);
});

test('a PDF signed through the PKCS#11 token (SoftHSM2) is valid for all three; the key is not extractable', async () => {
  const objects = await mustRun('pkcs11-tool', [
    '--module',
    SOFTHSM,
    '--token-label',
    token.tokenLabel,
    '--login',
    '--pin',
    PIN,
    '--list-objects',
    '--type',
    'privkey',
  ]);
  expect(objects).toMatch(/never extractable/);
  const cert = new X509Certificate(readFileSync(join(dir, 'hsm.pem')));
  const chain = readFileSync(join(ca, 'chain.pem'), 'utf8')
    .split(/(?<=-----END CERTIFICATE-----\n)/)
    .filter(Boolean)
    .map((p) => new X509Certificate(p));
  const file = join(dir, 'signed-p11.pdf');
  const signed = await signPdf(await vietnamesePdf('Công văn về việc báo cáo tình hình thực hiện'), {
    signer: pkcs11Signer(token, PIN, cert, chain.slice(0, 1)),
    name: 'Phạm Thị Dung',
  });
  writeFileSync(file, signed);
  expect(failed(verifyPdfSignature(signed, trust()))).toEqual([]);
  const sig = await pdfsig(file);
  expect(sig.out).toContain('Signature Validation: Signature is Valid.');
  expect(sig.out).toContain('Signer Certificate Common Name: Phạm Thị Dung');
  expect((await opensslVerify(file, true)).code).toBe(0);
  // A wrong PIN signs nothing.
  await expect(pkcs11Signer(token, '0000', cert, chain).sign(Buffer.from('x'))).rejects.toThrow(
    /PIN_INCORRECT/,
  );
});

test('a PDF altered after signing fails Cascade, pdfsig and OpenSSL', async () => {
  const signed = readFileSync(join(dir, 'signed-p12.pdf'));
  const altered = Buffer.from(signed);
  // One byte of the document's own header comment (inside the first signed range).
  const at = altered.indexOf('%PDF-') + 1;
  altered[at] = altered[at] ^ 0x01;
  const file = join(dir, 'altered.pdf');
  writeFileSync(file, altered);
  expect(failed(verifyPdfSignature(altered, trust()))).toContain('digest');
  const sig = await pdfsig(file);
  expect(sig.out).not.toContain('Signature is Valid.');
  const ssl = await opensslVerify(file, false);
  expect(ssl.code).not.toBe(0);
  expect(ssl.out).toMatch(/digest failure|verification failure/i);
  const cli = await cascade(
    'pdf',
    'verify',
    file,
    '--trust-anchor',
    join(ca, 'root.pem'),
    '--crl',
    join(ca, 'crl.pem'),
  );
  expect(cli.code).toBe(1);
  expect(cli.stdout).toContain('FAIL digest');

  // An incremental update appended after signing: the byte range no longer covers the file.
  const appended = Buffer.concat([signed, Buffer.from('\n% appended\n')]);
  expect(failed(verifyPdfSignature(appended, trust()))).toEqual(['byteRange']);
});

test("a revoked certificate fails Cascade and OpenSSL's CRL check", async () => {
  const file = join(dir, 'signed-revoked.pdf');
  const signed = await signWithP12(join(dir, 'binh.p12'), file);
  expect(verifyPdfSignature(signed, trust()).valid).toBe(true);
  expect((await opensslVerify(file, true)).code).toBe(0);
  const rev = await cascade('ca', 'revoke', '--dir', ca, '--serial', revokedSerial);
  expect(rev.code).toBe(0);
  const after = verifyPdfSignature(signed, trust());
  expect(failed(after)).toEqual(['revocation']);
  expect(after.checks.find((c) => c.name === 'revocation')!.detail).toContain('revoked');
  const ssl = await opensslVerify(file, true);
  expect(ssl.code).not.toBe(0);
  expect(ssl.out).toContain('certificate revoked');
  // Without a CRL the revocation check cannot pass.
  expect(failed(verifyPdfSignature(signed, { trustAnchors: trust().trustAnchors }))).toEqual(['revocation']);
});

test("an expired certificate fails Cascade's validity check", async () => {
  const signed = await signWithP12(join(dir, 'old.p12'), join(dir, 'signed-expired.pdf'));
  const result = verifyPdfSignature(signed, trust());
  expect(failed(result)).toEqual(['validity']);
  expect(result.checks.find((c) => c.name === 'validity')!.detail).toContain('CN=Lê Văn Cũ');
  // Judged in 2020 (the signer's certificate valid then) it still fails: the CAs were issued only now.
  const in2020 = verifyPdfSignature(signed, { ...trust(), at: new Date('2020-06-01T00:00:00Z') });
  expect(in2020.checks.find((c) => c.name === 'validity')!.detail).toContain('Issuing CA');
});

/** A real RFC 3161 authority: `openssl ts -reply` behind a loopback HTTP server. */
async function startTsa(): Promise<{ url: string; server: Server }> {
  const tsa = join(dir, 'tsa');
  mkdirSync(tsa);
  await mustRun('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    join(tsa, 'tsa.key'),
    '-out',
    join(tsa, 'tsa.pem'),
    '-days',
    '30',
    '-subj',
    '/CN=Cascade test TSA',
    '-addext',
    'extendedKeyUsage=critical,timeStamping',
    '-addext',
    'keyUsage=critical,digitalSignature',
  ]);
  writeFileSync(join(tsa, 'serial'), '01\n');
  writeFileSync(
    join(tsa, 'tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = tsa_config',
      '[ tsa_config ]',
      `serial = ${join(tsa, 'serial')}`,
      `signer_cert = ${join(tsa, 'tsa.pem')}`,
      `signer_key = ${join(tsa, 'tsa.key')}`,
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'digests = sha256',
      'accuracy = secs:1',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  let n = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const q = join(tsa, `q${++n}.tsq`);
      writeFileSync(q, Buffer.concat(chunks));
      void tool('openssl', [
        'ts',
        '-reply',
        '-config',
        join(tsa, 'tsa.cnf'),
        '-queryfile',
        q,
        '-out',
        `${q}.tsr`,
      ]).then((r) => {
        if (r.code !== 0) {
          res.writeHead(500).end(r.out);
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(readFileSync(`${q}.tsr`));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`, server };
}

test('with a time-stamp authority the signature is B-T, and still valid for pdfsig and OpenSSL', async () => {
  const { url, server } = await startTsa();
  try {
    const p12 = readPkcs12(readFileSync(join(dir, 'an.p12')), P12_PASSWORD);
    const signed = await signPdf(await vietnamesePdf(), {
      signer: keySigner(p12.privateKeyPem, p12.certificate, p12.chain),
      name: 'Nguyễn Văn An',
      tsaUrl: url,
    });
    const file = join(dir, 'signed-bt.pdf');
    writeFileSync(file, signed);
    const tsaAnchor = readFileSync(join(dir, 'tsa', 'tsa.pem'));
    const result = verifyPdfSignature(signed, { ...trust(), tsaTrustAnchors: [tsaAnchor] });
    expect(failed(result)).toEqual([]);
    expect(result.level).toBe('B-T');
    expect(result.checks.find((c) => c.name === 'timestamp')!.detail).toContain('Cascade test TSA');
    // The authority must be trusted too.
    expect(failed(verifyPdfSignature(signed, trust()))).toEqual(['timestamp']);
    expect((await pdfsig(file)).out).toContain('Signature Validation: Signature is Valid.');
    expect((await opensslVerify(file, true)).code).toBe(0);
    // The token OpenSSL can read back: the time-stamp is over the signature value.
    const p7s = readFileSync(`${file}.p7s`);
    expect(p7s.includes(Buffer.from('Cascade test TSA'))).toBe(true);
    // A TSA that does not answer fails the signing (no silent B-B).
    await expect(
      signPdf(await vietnamesePdf(), {
        signer: keySigner(p12.privateKeyPem, p12.certificate, p12.chain),
        tsaUrl: 'http://127.0.0.1:9/tsa',
      }),
    ).rejects.toThrow(/did not answer/);
  } finally {
    server.close();
  }
});

test('a certificate from another CA does not chain to the trust anchors', async () => {
  const other = join(dir, 'other-ca');
  expect((await cascade('ca', 'init', '--dir', other, '--org', 'Một tổ chức khác')).code).toBe(0);
  const r = await cascade(
    'ca',
    'issue',
    '--dir',
    other,
    '--name',
    'Người Lạ',
    '--out',
    join(dir, 'stranger.p12'),
  );
  expect(r.code).toBe(0);
  const signed = await signWithP12(join(dir, 'stranger.p12'), join(dir, 'signed-stranger.pdf'));
  expect(failed(verifyPdfSignature(signed, trust()))).toEqual(expect.arrayContaining(['chain']));
});
