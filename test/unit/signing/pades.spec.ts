/**
 * The PAdES pieces as pure functions: the incremental update and its ByteRange, the CMS signed attributes, the
 * CRL codec, the verification checks one by one (keys and certificates made in memory, no tools).
 */
import { createPublicKey, sign, X509Certificate } from 'node:crypto';
import {
  addSignaturePlaceholder,
  buildCrl,
  buildSignedData,
  embedSignature,
  isOrganisational,
  keySigner,
  makeCertificate,
  newRsaKey,
  newSerial,
  OID,
  openSecret,
  parseCrl,
  parsePdfDate,
  parseSignedData,
  pdfDate,
  pdfText,
  PdfStructureError,
  sealSecret,
  signedAttributes,
  signedBytes,
  signingCertificateHash,
  signPdf,
  sha256,
  verifyPdfSignature,
} from '@cascade/signing';
import { vietnamesePdf } from './vietnamese-pdf';

const YEAR = 365 * 86_400_000;
const now = new Date();
const rootKey = newRsaKey();
const leafKey = newRsaKey();
const rootName = { CN: 'Gốc thử', O: 'Tổ chức thử', OU: 'Organisational CA - not a licensed CA' };
const root = makeCertificate({
  subject: rootName,
  publicKey: createPublicKey(rootKey),
  serial: newSerial(),
  notBefore: new Date(now.getTime() - 86_400_000),
  notAfter: new Date(now.getTime() + YEAR),
  kind: 'root',
  issuerKey: rootKey,
});
const leaf = makeCertificate({
  subject: { CN: 'Nguyễn Thị Mai', O: 'Tổ chức thử' },
  issuerSubject: rootName,
  issuer: root,
  publicKey: createPublicKey(leafKey),
  serial: newSerial(),
  notBefore: new Date(now.getTime() - 86_400_000),
  notAfter: new Date(now.getTime() + YEAR),
  kind: 'signer',
  issuerKey: rootKey,
});
const signer = keySigner(leafKey.export({ type: 'pkcs8', format: 'pem' }) as string, leaf, []);
const crl = (revoked: { serial: string; revokedAt: Date }[] = []) =>
  buildCrl({
    issuer: root,
    issuerKey: rootKey,
    number: 1,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + 86_400_000),
    revoked,
  });
const failed = (r: ReturnType<typeof verifyPdfSignature>) => r.checks.filter((c) => !c.ok).map((c) => c.name);

describe('the signature placeholder', () => {
  test('the ByteRange covers the whole file but the /Contents hex string, and the original bytes are kept', async () => {
    const pdf = await vietnamesePdf();
    const prepared = addSignaturePlaceholder(pdf, { signingTime: now, name: 'Nguyễn Thị Mai' });
    const text = prepared.pdf.toString('latin1');
    expect(prepared.pdf.subarray(0, pdf.length).equals(pdf)).toBe(true);
    const [a, b, c, d] = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]/.exec(text)!.slice(1).map(Number);
    expect([a, b, c, c + d]).toEqual([0, prepared.contentsStart, prepared.contentsEnd, prepared.pdf.length]);
    expect(text.slice(b, c)).toMatch(/^<0+>$/);
    expect(signedBytes(prepared).length).toBe(prepared.pdf.length - (c - b));
    expect(text).toContain('/SubFilter /ETSI.CAdES.detached');
    expect(text).toContain(`/M (${pdfDate(now)})`);
    expect(text).toContain(`/Name ${pdfText('Nguyễn Thị Mai')}`);
    expect(text).toMatch(/\/AcroForm << \/Fields \[\d+ 0 R\] \/SigFlags 3 >>/);
    expect(text).toMatch(/\/Prev \d+/);
  });

  test('a PDF with a cross-reference stream or a form is refused; a CMS too large for the room is refused', async () => {
    const pdf = await vietnamesePdf();
    const xrefStream = Buffer.from(pdf.toString('latin1').replace(/\nxref\n/, '\nXREF\n'), 'latin1');
    expect(() => addSignaturePlaceholder(xrefStream, { signingTime: now })).toThrow(PdfStructureError);
    const prepared = addSignaturePlaceholder(pdf, { signingTime: now, contentsBytes: 10 });
    expect(() => embedSignature(prepared, Buffer.alloc(11))).toThrow(/exceeds/);
    const signed = await signPdf(pdf, { signer });
    expect(() => addSignaturePlaceholder(signed, { signingTime: now })).toThrow(/already has a form/);
  });

  test('PDF text strings and dates', () => {
    expect(pdfText('Hà')).toBe('<FEFF004800E0>');
    expect(parsePdfDate(pdfDate(new Date('2026-03-04T05:06:07Z')))!.toISOString()).toBe(
      '2026-03-04T05:06:07.000Z',
    );
    expect(parsePdfDate("D:20260304120607+07'00'")!.toISOString()).toBe('2026-03-04T05:06:07.000Z');
    expect(parsePdfDate('garbage')).toBeUndefined();
  });
});

describe('the CMS', () => {
  test('signed attributes: content-type, message-digest, signing-certificate-v2, no signing-time, sorted', async () => {
    const digest = sha256(Buffer.from('nội dung'));
    const parsed = parseSignedData(await buildSignedData(digest, signer));
    expect([...parsed.attributes.keys()].sort()).toEqual(
      [OID.contentType, OID.messageDigest, OID.signingCertificateV2].sort(),
    );
    expect(parsed.attributes.has(OID.signingTime)).toBe(false);
    expect(parsed.encapsulatedContent).toBe(false);
    expect(parsed.signedAttributes.equals(signedAttributes(digest, leaf.raw))).toBe(true);
    expect(signingCertificateHash(parsed)!.hash.equals(sha256(leaf.raw))).toBe(true);
    expect(parsed.certificates.map((c) => new X509Certificate(c).fingerprint256)).toEqual([
      leaf.fingerprint256,
    ]);
    // DER SET OF: the attributes in ascending order of their encodings.
    const raw = parsed.signedAttributes;
    expect(raw[0]).toBe(0x31);
  });
});

describe('verification', () => {
  test('a signed PDF passes every check; a flipped byte fails the digest; a wrong anchor fails the chain', async () => {
    const signed = await signPdf(await vietnamesePdf(), { signer });
    const ok = verifyPdfSignature(signed, { trustAnchors: [root], crls: [crl()] });
    expect(failed(ok)).toEqual([]);
    expect(ok.checks.map((c) => c.name)).toEqual([
      'structure',
      'byteRange',
      'digest',
      'signature',
      'signingCertificate',
      'chain',
      'validity',
      'revocation',
    ]);
    const flipped = Buffer.from(signed);
    flipped[20] ^= 1;
    expect(failed(verifyPdfSignature(flipped, { trustAnchors: [root], crls: [crl()] }))).toEqual(['digest']);
    // A certificate trusted directly is its own anchor: nothing above it to chain to or to revoke it.
    expect(failed(verifyPdfSignature(signed, { trustAnchors: [leaf] }))).toEqual([]);
    const otherKey = newRsaKey();
    const stranger = makeCertificate({
      subject: { CN: 'Khác', O: 'Khác' },
      publicKey: createPublicKey(otherKey),
      serial: newSerial(),
      notBefore: now,
      notAfter: new Date(now.getTime() + YEAR),
      kind: 'root',
      issuerKey: otherKey,
    });
    expect(failed(verifyPdfSignature(signed, { trustAnchors: [stranger], crls: [crl()] }))).toEqual([
      'chain',
      'revocation',
    ]);
  });

  test('a signature over other attributes fails; a PDF without a signature fails its structure', async () => {
    const forged = await signPdf(await vietnamesePdf(), {
      signer: {
        ...signer,
        sign: async (data) => sign('sha256', Buffer.concat([data, Buffer.from('x')]), leafKey),
      },
    });
    expect(failed(verifyPdfSignature(forged, { trustAnchors: [root], crls: [crl()] }))).toEqual([
      'signature',
    ]);
    const unsigned = verifyPdfSignature(await vietnamesePdf(), { trustAnchors: [root] });
    expect(unsigned.valid).toBe(false);
    expect(failed(unsigned)).toEqual(['structure']);
  });

  test('revocation: a listed serial fails, a CRL signed by another key is ignored, validity is judged at `at`', async () => {
    const signed = await signPdf(await vietnamesePdf(), { signer });
    const serial = leaf.serialNumber.toLowerCase().replace(/^0+/, '');
    const revoked = crl([{ serial, revokedAt: new Date(now.getTime() - 1000) }]);
    expect(parseCrl(revoked).revoked.map((r) => r.serial)).toEqual([serial]);
    expect(failed(verifyPdfSignature(signed, { trustAnchors: [root], crls: [revoked] }))).toEqual([
      'revocation',
    ]);
    const otherKey = newRsaKey();
    const forgedCrl = buildCrl({
      issuer: root,
      issuerKey: otherKey,
      number: 2,
      thisUpdate: now,
      nextUpdate: now,
      revoked: [],
    });
    expect(failed(verifyPdfSignature(signed, { trustAnchors: [root], crls: [forgedCrl] }))).toEqual([
      'revocation',
    ]);
    const stale = buildCrl({
      issuer: root,
      issuerKey: rootKey,
      number: 3,
      thisUpdate: new Date(now.getTime() - 2 * 86_400_000),
      nextUpdate: new Date(now.getTime() - 86_400_000),
      revoked: [],
    });
    expect(failed(verifyPdfSignature(signed, { trustAnchors: [root], crls: [stale] }))).toEqual([
      'revocation',
    ]);
    const later = verifyPdfSignature(signed, {
      trustAnchors: [root],
      crls: [crl()],
      at: new Date(now.getTime() + 2 * YEAR),
    });
    expect(failed(later)).toEqual(['validity']);
  });
});

test('the organisational mark and sealed secrets', () => {
  expect(isOrganisational(leaf)).toBe(true);
  const sealed = sealSecret('-----BEGIN PRIVATE KEY-----', 'k'.repeat(40));
  expect(sealed).not.toContain('PRIVATE');
  expect(openSecret(sealed, 'k'.repeat(40))).toBe('-----BEGIN PRIVATE KEY-----');
  expect(() => openSecret(sealed, 'j'.repeat(40))).toThrow();
});
