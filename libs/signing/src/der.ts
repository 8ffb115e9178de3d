import forge from 'node-forge';

/**
 * DER building blocks on node-forge's ASN.1 codec. Byte strings cross the boundary as Buffers: forge keeps binary
 * data in "binary" strings, which is where mistakes (UTF-8 re-encoding) happen if they leak out.
 */
export const asn1 = forge.asn1;
export type Asn1 = forge.asn1.Asn1;
const U = forge.asn1.Class.UNIVERSAL;
const T = forge.asn1.Type;

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  cRLNumber: '2.5.29.20',
  authorityKeyIdentifier: '2.5.29.35',
  certificatePolicies: '2.5.29.32',
  userNotice: '1.3.6.1.5.5.7.2.2',
} as const;

export function fromDer(der: Buffer): Asn1 {
  return asn1.fromDer(forge.util.createBuffer(der.toString('binary')), {
    strict: true,
    parseAllBytes: true,
    decodeBitStrings: false,
  } as never);
}

export function toDer(node: Asn1): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), 'binary');
}

export const seq = (items: Asn1[]): Asn1 => asn1.create(U, T.SEQUENCE, true, items);
export const set = (items: Asn1[]): Asn1 => asn1.create(U, T.SET, true, items);
/** An OID's DER content; arcs may exceed 32 bits (forge's own encoder refuses them, e.g. UUID OIDs under 2.25). */
export function oidBytes(id: string): Buffer {
  const arcs = id.split('.').map(BigInt);
  const out: number[] = [];
  const push = (v: bigint) => {
    const bytes = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) bytes.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...bytes);
  };
  push(arcs[0] * 40n + arcs[1]);
  arcs.slice(2).forEach(push);
  return Buffer.from(out);
}
export const oid = (id: string): Asn1 => asn1.create(U, T.OID, false, oidBytes(id).toString('binary'));
export const octets = (b: Buffer): Asn1 => asn1.create(U, T.OCTETSTRING, false, b.toString('binary'));
export const nul = (): Asn1 => asn1.create(U, T.NULL, false, '');
export const utf8 = (s: string): Asn1 => asn1.create(U, T.UTF8, false, forge.util.encodeUtf8(s));
export const explicit = (tag: number, inner: Asn1[]): Asn1 =>
  asn1.create(forge.asn1.Class.CONTEXT_SPECIFIC, tag, true, inner);

/** A non-negative INTEGER from its big-endian magnitude (a leading zero is added when the top bit is set). */
export function integer(magnitude: Buffer | number): Asn1 {
  let b = magnitude as Buffer;
  if (typeof magnitude === 'number') {
    const hex = magnitude.toString(16);
    b = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  }
  while (b.length > 1 && b[0] === 0 && (b[1] & 0x80) === 0) b = b.subarray(1);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return asn1.create(U, T.INTEGER, false, b.toString('binary'));
}

/** A node re-read from raw DER (to embed bytes, such as a Name, exactly as they were encoded). */
export const raw = (der: Buffer): Asn1 => fromDer(der);

export function algorithm(id: string, withNull: boolean): Asn1 {
  return seq(withNull ? [oid(id), nul()] : [oid(id)]);
}

export function time(date: Date): Asn1 {
  // RFC 5280: UTCTime through 2049, GeneralizedTime after.
  return date.getUTCFullYear() < 2050
    ? asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(U, T.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
}

export function readTime(node: Asn1): Date {
  const v = node.value as string;
  return node.type === T.UTCTIME ? asn1.utcTimeToDate(v) : asn1.generalizedTimeToDate(v);
}

export const bytesOf = (node: Asn1): Buffer => Buffer.from(node.value as string, 'binary');
export const oidOf = (node: Asn1): string => asn1.derToOid(forge.util.createBuffer(node.value as string));
export const children = (node: Asn1): Asn1[] => node.value as Asn1[];

/** An INTEGER's magnitude as lower-case hex without leading zeros (how certificates' serials are compared). */
export function serialHex(node: Asn1): string {
  return bytesOf(node)
    .toString('hex')
    .replace(/^(00)+(?=.)/, '');
}

/** Whether the node is the context-specific [tag] (an IMPLICIT or EXPLICIT tagged field). */
export const isContext = (node: Asn1 | undefined, tag: number): boolean =>
  !!node && node.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && (node.type as number) === tag;

export const isUniversal = (node: Asn1 | undefined, type: forge.asn1.Type): boolean =>
  !!node && node.tagClass === forge.asn1.Class.UNIVERSAL && node.type === type;
