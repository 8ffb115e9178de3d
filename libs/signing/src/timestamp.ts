import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { parseSignedData, signatureHolds, hashName } from './cms';
import {
  algorithm,
  asn1,
  bytesOf,
  children,
  fromDer,
  integer,
  octets,
  OID,
  oid,
  oidOf,
  raw,
  readTime,
  seq,
  set,
  serialHex,
  type Asn1,
} from './der';
import { certificateParts } from './x509';

/**
 * RFC 3161 time-stamps for PAdES B-T: the signature-time-stamp unsigned attribute (RFC 3161 appendix A) over the
 * SignerInfo's signature value, from a time-stamp authority at a configured URL.
 */
export const SIGNATURE_TIME_STAMP = '1.2.840.113549.1.9.16.2.14';

export class TimeStampError extends Error {}

export function timeStampRequest(hash: Buffer, nonce: Buffer): Buffer {
  const req = seq([
    integer(1),
    seq([algorithm(OID.sha256, true), octets(hash)]),
    integer(nonce),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BOOLEAN, false, '\u00ff'),
  ]);
  return Buffer.from(asn1.toDer(req).getBytes(), 'binary');
}

/** Asks the TSA for a token over SHA-256(signature); answers the token (a CMS ContentInfo, DER). */
export async function fetchTimeStamp(url: string, signature: Buffer, timeoutMs = 15_000): Promise<Buffer> {
  const hash = createHash('sha256').update(signature).digest();
  const nonce = randomBytes(8);
  nonce[0] &= 0x7f;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/timestamp-query' },
      body: timeStampRequest(hash, nonce),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    throw new TimeStampError(`the time-stamp authority ${url} did not answer (${(e as Error).message})`);
  }
  if (!res.ok) throw new TimeStampError(`the time-stamp authority answered HTTP ${res.status}`);
  const resp = children(fromDer(Buffer.from(await res.arrayBuffer())));
  const status = Number.parseInt(bytesOf(children(resp[0])[0]).toString('hex') || '0', 16);
  if (status > 1 || !resp[1]) throw new TimeStampError(`the time-stamp authority refused (status ${status})`);
  const token = Buffer.from(asn1.toDer(resp[1]).getBytes(), 'binary');
  const info = readTimeStamp(token);
  if (!info.imprint.equals(hash)) throw new TimeStampError('the time-stamp is not over this signature');
  if (info.nonce !== serialHex(integer(nonce)))
    throw new TimeStampError('the time-stamp answers another request');
  return token;
}

/** The unsigned attribute carrying a token. */
export function timeStampAttribute(token: Buffer): Asn1 {
  return seq([oid(SIGNATURE_TIME_STAMP), set([raw(token)])]);
}

export interface TimeStampInfo {
  genTime: Date;
  imprintAlgorithm: string;
  imprint: Buffer;
  nonce?: string;
  /** The token's CMS signature holds under the TSA certificate it carries. */
  signatureHolds: boolean;
  tsa?: X509Certificate;
  certificates: X509Certificate[];
}

export function readTimeStamp(token: Buffer): TimeStampInfo {
  const cms = parseSignedData(token);
  if (!cms.content) throw new TimeStampError('the time-stamp token has no TSTInfo');
  const tst = children(fromDer(cms.content));
  const [imprintAlg, imprint] = children(tst[2]);
  const genTime = readTime(tst[4]);
  const nonceNode = tst
    .slice(5)
    .find((n) => n.tagClass === asn1.Class.UNIVERSAL && n.type === asn1.Type.INTEGER);
  const certificates = cms.certificates.map((d) => new X509Certificate(d));
  const tsa = certificates.find((c) => {
    const p = certificateParts(c);
    return p.serial === cms.signerSerial && p.issuerDer.equals(cms.signerIssuerDer);
  });
  const digest = cms.attributes.get(OID.messageDigest)?.[0];
  const contentOk =
    !!digest &&
    bytesOf(digest).equals(createHash(hashName(cms.digestAlgorithm)).update(cms.content).digest());
  return {
    genTime,
    imprintAlgorithm: oidOf(children(imprintAlg)[0]),
    imprint: bytesOf(imprint),
    nonce: nonceNode ? serialHex(nonceNode) : undefined,
    signatureHolds: !!tsa && contentOk && signatureHolds(cms, tsa.publicKey),
    tsa,
    certificates,
  };
}
