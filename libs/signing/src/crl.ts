import { sign, verify, type KeyObject, type X509Certificate } from 'node:crypto';
import {
  algorithm,
  bytesOf,
  children,
  explicit,
  fromDer,
  integer,
  OID,
  oid,
  octets,
  raw,
  readTime,
  seq,
  serialHex,
  time,
  toDer,
  asn1,
} from './der';
import { certificateParts } from './x509';

/** X.509 v2 CRLs (RFC 5280 §5): written by the organisational CA, read by verification. */
export interface RevokedEntry {
  serial: string;
  revokedAt: Date;
}

export interface ParsedCrl {
  der: Buffer;
  issuerDer: Buffer;
  thisUpdate: Date;
  nextUpdate?: Date;
  revoked: RevokedEntry[];
  tbs: Buffer;
  signature: Buffer;
}

export function buildCrl(opts: {
  issuer: X509Certificate;
  issuerKey: KeyObject;
  number: number;
  thisUpdate: Date;
  nextUpdate: Date;
  revoked: RevokedEntry[];
}): Buffer {
  const parts = certificateParts(opts.issuer);
  const entries = opts.revoked.map((r) => seq([integer(Buffer.from(r.serial, 'hex')), time(r.revokedAt)]));
  const crlNumber = seq([oid(OID.cRLNumber), octets(toDer(integer(opts.number)))]);
  const tbs = seq([
    integer(1),
    algorithm(OID.sha256WithRSA, true),
    raw(parts.subjectDer),
    time(opts.thisUpdate),
    time(opts.nextUpdate),
    ...(entries.length ? [seq(entries)] : []),
    explicit(0, [seq([crlNumber])]),
  ]);
  const tbsDer = toDer(tbs);
  const signature = sign('sha256', tbsDer, opts.issuerKey);
  const bits = asn1.create(
    asn1.Class.UNIVERSAL,
    asn1.Type.BITSTRING,
    false,
    `\u0000${signature.toString('binary')}`,
  );
  return toDer(seq([raw(tbsDer), algorithm(OID.sha256WithRSA, true), bits]));
}

export function parseCrl(der: Buffer): ParsedCrl {
  const [tbsNode, , sigNode] = children(fromDer(der));
  const tbs = children(tbsNode);
  let i = tbs[0].type === asn1.Type.INTEGER ? 1 : 0;
  const issuerDer = toDer(tbs[i + 1]);
  const thisUpdate = readTime(tbs[i + 2]);
  i += 3;
  let nextUpdate: Date | undefined;
  if (tbs[i] && (tbs[i].type === asn1.Type.UTCTIME || tbs[i].type === asn1.Type.GENERALIZEDTIME)) {
    nextUpdate = readTime(tbs[i]);
    i += 1;
  }
  const revoked: RevokedEntry[] = [];
  if (tbs[i] && tbs[i].tagClass === asn1.Class.UNIVERSAL && tbs[i].type === asn1.Type.SEQUENCE) {
    for (const e of children(tbs[i])) {
      const [serial, when] = children(e);
      revoked.push({ serial: serialHex(serial), revokedAt: readTime(when) });
    }
  }
  return {
    der,
    issuerDer,
    thisUpdate,
    nextUpdate,
    revoked,
    tbs: toDer(tbsNode),
    signature: bytesOf(sigNode).subarray(1),
  };
}

/** Whether `issuer` signed this CRL (same name, signature holds under its key). */
export function crlIssuedBy(crl: ParsedCrl, issuer: X509Certificate): boolean {
  if (!crl.issuerDer.equals(certificateParts(issuer).subjectDer)) return false;
  try {
    return verify('sha256', crl.tbs, issuer.publicKey, crl.signature);
  } catch {
    return false;
  }
}
