import { X509Certificate } from 'node:crypto';
import { parseSignedData, signatureHolds, signingCertificateHash, type ParsedSignedData } from './cms';
import { bytesOf, OID, toDer } from './der';
import { readTimeStamp, SIGNATURE_TIME_STAMP } from './timestamp';
import { crlIssuedBy, parseCrl, type ParsedCrl } from './crl';
import { parsePdfDate } from './pdf-update';
import { certificateParts, pemToDerList, sha256, subjectLine } from './x509';

/**
 * Verification of a PAdES signature, each check reported on its own: the byte range, the digest, the signature and
 * the signer, the chain to the configured trust anchors, validity at signing time and revocation by CRL.
 */
export type CheckName =
  | 'structure'
  | 'byteRange'
  | 'digest'
  | 'signature'
  | 'signingCertificate'
  | 'chain'
  | 'validity'
  | 'revocation'
  | 'timestamp';

export interface Check {
  name: CheckName;
  ok: boolean;
  detail: string;
}

export interface PdfSignatureResult {
  valid: boolean;
  checks: Check[];
  signer?: { subject: string; serial: string; issuer: string; notBefore: string; notAfter: string };
  /** The time the signature is judged at (the options' `at`, else the time-stamp's, else the claimed /M). */
  signingTime?: string;
  /** PAdES baseline level reached: B-T when a valid signature time-stamp is present. */
  level?: 'B-B' | 'B-T';
  timeStamp?: { genTime: string; tsa?: string };
  subFilter?: string;
  chain?: string[];
}

export interface VerifyOptions {
  /** The CA certificates trusted as anchors (PEM text, DER or X509Certificate). */
  trustAnchors: (string | Buffer | X509Certificate)[];
  /** CRLs (PEM or DER) of the CAs in the chain. A certificate whose issuer has no CRL here fails revocation. */
  crls?: (string | Buffer)[];
  /** Judge validity and revocation at this time instead of the time-stamp's (B-T) or the claimed /M. */
  at?: Date;
  /** Anchors for time-stamp authorities' certificates (default: trustAnchors). */
  tsaTrustAnchors?: (string | Buffer | X509Certificate)[];
}

function certificatesOf(items: (string | Buffer | X509Certificate)[]): X509Certificate[] {
  return items.flatMap((i) => {
    if (i instanceof X509Certificate) return [i];
    const text = typeof i === 'string' ? i : i.toString('latin1');
    if (text.includes('-----BEGIN')) return pemToDerList(text).map((d) => new X509Certificate(d));
    return [new X509Certificate(i)];
  });
}

function crlsOf(items: (string | Buffer)[]): ParsedCrl[] {
  return items.flatMap((i) => {
    const text = typeof i === 'string' ? i : i.toString('latin1');
    const ders = text.includes('-----BEGIN') ? pemToDerList(text) : [i as Buffer];
    return ders.map(parseCrl);
  });
}

interface Located {
  byteRange: number[];
  contents: Buffer;
  dict: string;
}

/** The last signature dictionary of the file (the one whose ByteRange should end at the end of the file). */
function locate(pdf: Buffer): Located {
  const text = pdf.toString('latin1');
  const at = text.lastIndexOf('/ByteRange');
  if (at < 0) throw new Error('the PDF has no signature (no /ByteRange)');
  const m = /^\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(text.slice(at));
  if (!m) throw new Error('the /ByteRange is malformed');
  const byteRange = m.slice(1, 5).map(Number);
  const dictStart = text.lastIndexOf('<<', at);
  const dictEnd = text.indexOf('endobj', at);
  const gap = text.slice(byteRange[0] + byteRange[1], byteRange[2]);
  if (!/^<[0-9A-Fa-f]*>$/.test(gap))
    throw new Error('the gap of the byte range is not the /Contents hex string');
  // Trailing zero padding is not part of the DER: cut to the length the outer SEQUENCE declares.
  const der = Buffer.from(gap.slice(1, -1), 'hex');
  return { byteRange, contents: der.subarray(0, derLength(der)), dict: text.slice(dictStart, dictEnd) };
}

function derLength(der: Buffer): number {
  if (der[1] < 0x80) return 2 + der[1];
  const n = der[1] & 0x7f;
  return 2 + n + der.subarray(2, 2 + n).reduce((acc, b) => acc * 256 + b, 0);
}

/** Builds the path signer → … → anchor from the embedded certificates; undefined when it does not reach one. */
function buildPath(
  leaf: X509Certificate,
  pool: X509Certificate[],
  anchors: X509Certificate[],
): X509Certificate[] | undefined {
  const path = [leaf];
  for (let cur = leaf; path.length < 10;) {
    const anchor = anchors.find(
      (a) => a.fingerprint256 === cur.fingerprint256 || (cur.checkIssued(a) && cur.verify(a.publicKey)),
    );
    if (anchor) {
      if (anchor.fingerprint256 !== cur.fingerprint256) path.push(anchor);
      return path;
    }
    const next = pool.find(
      (c) => c.fingerprint256 !== cur.fingerprint256 && cur.checkIssued(c) && cur.verify(c.publicKey),
    );
    if (!next || !next.ca) return undefined;
    path.push(next);
    cur = next;
  }
  return undefined;
}

export function verifyPdfSignature(pdf: Buffer, opts: VerifyOptions): PdfSignatureResult {
  const checks: Check[] = [];
  const add = (name: CheckName, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const done = (extra: Partial<PdfSignatureResult> = {}): PdfSignatureResult => ({
    valid: checks.length > 0 && checks.every((c) => c.ok) && checks.some((c) => c.name === 'revocation'),
    checks,
    ...extra,
  });

  let loc: Located;
  let cms: ParsedSignedData;
  try {
    loc = locate(pdf);
    cms = parseSignedData(loc.contents);
  } catch (e) {
    add('structure', false, (e as Error).message);
    return done();
  }
  const subFilter = /\/SubFilter\s*\/([A-Za-z0-9.]+)/.exec(loc.dict)?.[1];
  const claimed = parsePdfDate(/\/M\s*\(([^)]*)\)/.exec(loc.dict)?.[1] ?? '');
  const structureOk =
    subFilter === 'ETSI.CAdES.detached' && !cms.encapsulatedContent && cms.digestAlgorithm === OID.sha256;
  add(
    'structure',
    structureOk && !cms.attributes.has(OID.signingTime),
    `SubFilter ${subFilter ?? 'none'}, ${cms.encapsulatedContent ? 'encapsulated' : 'detached'} CMS, digest ${
      cms.digestAlgorithm === OID.sha256 ? 'SHA-256' : cms.digestAlgorithm
    }${cms.attributes.has(OID.signingTime) ? ', has a signing-time attribute (not allowed in PAdES)' : ''}`,
  );

  const [a, b, c, d] = loc.byteRange;
  const whole = a === 0 && c + d === pdf.length && b < c;
  add(
    'byteRange',
    whole,
    whole
      ? `covers the whole file (${pdf.length} bytes) but the /Contents (${c - b} bytes)`
      : `[${loc.byteRange.join(' ')}] does not cover the whole file of ${pdf.length} bytes (changed after signing?)`,
  );

  const covered = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
  const signedDigest = cms.attributes.get(OID.messageDigest)?.[0];
  const digestOk = !!signedDigest && bytesOf(signedDigest).equals(sha256(covered));
  add(
    'digest',
    digestOk,
    digestOk
      ? 'SHA-256 of the byte ranges matches the message-digest'
      : 'the byte ranges do not match the signed message-digest',
  );

  const certs = cms.certificates.map((der) => new X509Certificate(der));
  const signer = certs.find((x) => {
    const p = certificateParts(x);
    return p.serial === cms.signerSerial && p.issuerDer.equals(cms.signerIssuerDer);
  });
  if (!signer) {
    add('signature', false, "the signer's certificate is not in the CMS");
    return done({ subFilter });
  }
  const signerInfo = {
    subject: subjectLine(signer),
    serial: certificateParts(signer).serial,
    issuer: signer.issuer.split('\n').join(', '),
    notBefore: new Date(signer.validFrom).toISOString(),
    notAfter: new Date(signer.validTo).toISOString(),
  };
  const sigOk = signatureHolds(cms, signer.publicKey);
  add(
    'signature',
    sigOk,
    sigOk ? `signed by ${signerInfo.subject}` : 'the signature over the signed attributes does not hold',
  );

  const essHash = signingCertificateHash(cms);
  const essOk = !!essHash && essHash.algorithm === OID.sha256 && essHash.hash.equals(sha256(signer.raw));
  add(
    'signingCertificate',
    essOk,
    essOk
      ? "signing-certificate-v2 binds the signer's certificate"
      : "signing-certificate-v2 missing or not the signer's certificate",
  );

  const anchors = certificatesOf(opts.trustAnchors);
  const path = buildPath(signer, certs, anchors);
  add(
    'chain',
    !!path,
    path ? `chains to ${subjectLine(path[path.length - 1])}` : 'does not chain to a configured trust anchor',
  );

  // B-T: a time-stamp over the signature value proves the signature existed at its genTime.
  let stamped: Date | undefined;
  let timeStamp: PdfSignatureResult['timeStamp'];
  const tokenNode = cms.unsignedAttributes.get(SIGNATURE_TIME_STAMP)?.[0];
  if (tokenNode) {
    try {
      const ts = readTimeStamp(toDer(tokenNode));
      const overSignature = ts.imprintAlgorithm === OID.sha256 && ts.imprint.equals(sha256(cms.signature));
      const tsaPath =
        ts.tsa &&
        buildPath(ts.tsa, ts.certificates, certificatesOf(opts.tsaTrustAnchors ?? opts.trustAnchors));
      const tsaValid =
        !!ts.tsa && ts.genTime >= new Date(ts.tsa.validFrom) && ts.genTime <= new Date(ts.tsa.validTo);
      const ok = overSignature && ts.signatureHolds && !!tsaPath && tsaValid;
      timeStamp = { genTime: ts.genTime.toISOString(), tsa: ts.tsa && subjectLine(ts.tsa) };
      add(
        'timestamp',
        ok,
        ok
          ? `time-stamped ${ts.genTime.toISOString()} by ${subjectLine(ts.tsa!)}`
          : `the time-stamp ${!overSignature ? 'is not over this signature' : !ts.signatureHolds ? 'signature does not hold' : !tsaPath ? 'authority does not chain to a trust anchor' : 'authority was not valid then'}`,
      );
      if (ok) stamped = ts.genTime;
    } catch (e) {
      add('timestamp', false, `unreadable time-stamp token (${(e as Error).message})`);
    }
  }
  const at = opts.at ?? stamped ?? claimed;
  const signingTime = at?.toISOString();
  if (!at) {
    add('validity', false, 'no signing time (/M) to judge the certificates at');
    return done({ signer: signerInfo, subFilter });
  }
  const chain = path ?? [signer];
  const outside = chain.filter((x) => at < new Date(x.validFrom) || at > new Date(x.validTo));
  add(
    'validity',
    outside.length === 0,
    outside.length === 0
      ? `every certificate valid at ${signingTime}`
      : `not valid at ${signingTime}: ${outside.map((x) => `${subjectLine(x)} (${x.validFrom} – ${x.validTo})`).join('; ')}`,
  );

  const crls = crlsOf(opts.crls ?? []);
  const problems: string[] = [];
  // Every certificate below the anchor needs a CRL from its issuer that is current at the signing time.
  for (let i = 0; i + 1 < chain.length; i++) {
    const cert = chain[i];
    const issuer = chain[i + 1];
    const current = (l: ParsedCrl) =>
      l.thisUpdate <= new Date() && (!l.nextUpdate || l.nextUpdate >= new Date());
    const crl = crls.find((l) => crlIssuedBy(l, issuer) && current(l));
    if (!crl) {
      problems.push(`no current CRL from ${subjectLine(issuer)}`);
      continue;
    }
    const serial = certificateParts(cert).serial;
    const hit = crl.revoked.find((r) => r.serial === serial);
    // Revoked after a proven time (`at`, the time-stamp) does not undo the signature; without one, any revocation does.
    if (hit && hit.revokedAt <= (opts.at ?? stamped ?? new Date())) {
      problems.push(`${subjectLine(cert)} revoked on ${hit.revokedAt.toISOString()}`);
    }
  }
  if (!path) problems.push('no chain to check');
  add(
    'revocation',
    problems.length === 0,
    problems.length === 0 ? 'no certificate of the chain is revoked' : problems.join('; '),
  );
  return done({
    signer: signerInfo,
    signingTime,
    subFilter,
    chain: chain.map(subjectLine),
    level: stamped ? 'B-T' : 'B-B',
    timeStamp,
  });
}
