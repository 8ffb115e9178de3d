import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import {
  algorithm,
  bytesOf,
  children,
  explicit,
  fromDer,
  integer,
  octets,
  oid,
  OID,
  oidOf,
  raw,
  seq,
  set,
  serialHex,
  toDer,
  type Asn1,
  asn1,
  isContext,
  isUniversal,
} from './der';
import { certificateParts, sha256 } from './x509';

/**
 * CMS SignedData (RFC 5652) as PAdES wants it (ETSI EN 319 142-1 §6.3, baseline B-B): detached (no encapsulated
 * content), SHA-256, signed attributes content-type, message-digest and ESS signing-certificate-v2 (RFC 5035), and
 * no signing-time attribute (the claimed time is the signature dictionary's /M).
 */
export type KeyAlgorithm = 'rsa' | 'ec';

/** Something that holds a private key and signs with SHA-256: a key in memory, or a key that stays in a token. */
export interface CmsSigner {
  /** The signer's certificate (DER). */
  certificate: Buffer;
  /** The CA certificates to embed (DER), issuing CA first; the trust anchor may be left out. */
  chain: Buffer[];
  keyAlgorithm: KeyAlgorithm;
  /** The signature (PKCS#1 v1.5 for RSA, DER ECDSA for EC) of SHA-256(data). */
  sign: (data: Buffer) => Promise<Buffer>;
}

function attribute(type: string, value: Asn1): Asn1 {
  return seq([oid(type), set([value])]);
}

/** ESSCertIDv2 with the default hash algorithm (SHA-256, so left out) and the issuer and serial. */
function signingCertificateV2(certificate: Buffer): Asn1 {
  const parts = certificateParts(certificate);
  const issuerSerial = seq([seq([explicit(4, [raw(parts.issuerDer)])]), parts.serialNode]);
  return seq([seq([seq([octets(sha256(certificate)), issuerSerial])])]);
}

/** The signed attributes as a DER SET OF (what is signed); their elements sorted as DER requires. */
export function signedAttributes(contentDigest: Buffer, certificate: Buffer): Buffer {
  const attrs = [
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, octets(contentDigest)),
    attribute(OID.signingCertificateV2, signingCertificateV2(certificate)),
  ]
    .map(toDer)
    .sort((x, y) => Buffer.compare(x, y));
  return toDer(set(attrs.map(raw)));
}

export function signatureAlgorithm(keyAlgorithm: KeyAlgorithm): Asn1 {
  return keyAlgorithm === 'rsa' ? algorithm(OID.rsaEncryption, true) : algorithm(OID.ecdsaWithSHA256, false);
}

/** A complete detached SignedData over content whose SHA-256 is `contentDigest`. */
export async function buildSignedData(
  contentDigest: Buffer,
  signer: CmsSigner,
  unsigned: (signature: Buffer) => Promise<Asn1[]> = async () => [],
): Promise<Buffer> {
  const attrsDer = signedAttributes(contentDigest, signer.certificate);
  const signature = await signer.sign(attrsDer);
  return assembleSignedData(signer, attrsDer, signature, await unsigned(signature));
}

export function assembleSignedData(
  signer: Pick<CmsSigner, 'certificate' | 'chain' | 'keyAlgorithm'>,
  attrsDer: Buffer,
  signature: Buffer,
  unsignedAttributes: Asn1[] = [],
): Buffer {
  const parts = certificateParts(signer.certificate);
  // In SignerInfo the SET OF is [0] IMPLICIT: same content, context tag 0 (constructed).
  const signedAttrs = Buffer.concat([Buffer.from([0xa0]), attrsDer.subarray(1)]);
  const signerInfo = seq([
    integer(1),
    seq([raw(parts.issuerDer), parts.serialNode]),
    algorithm(OID.sha256, true),
    raw(signedAttrs),
    signatureAlgorithm(signer.keyAlgorithm),
    octets(signature),
    ...(unsignedAttributes.length ? [explicit(1, unsignedAttributes)] : []),
  ]);
  const certificates = [signer.certificate, ...signer.chain].map(raw);
  const signedData = seq([
    integer(1),
    set([algorithm(OID.sha256, true)]),
    seq([oid(OID.data)]),
    explicit(0, certificates),
    set([signerInfo]),
  ]);
  return toDer(seq([oid(OID.signedData), explicit(0, [signedData])]));
}

/** What a SignedData says, read back for verification. */
export interface ParsedSignedData {
  certificates: Buffer[];
  signerIssuerDer: Buffer;
  signerSerial: string;
  digestAlgorithm: string;
  /** The signed attributes as the DER SET OF that was signed. */
  signedAttributes: Buffer;
  attributes: Map<string, Asn1[]>;
  signatureAlgorithm: string;
  signature: Buffer;
  unsignedAttributes: Map<string, Asn1[]>;
  encapsulatedContent: boolean;
  /** The encapsulated content (a time-stamp token's TSTInfo), when there is one. */
  content?: Buffer;
}

function attributeMap(nodes: Asn1[]): Map<string, Asn1[]> {
  const m = new Map<string, Asn1[]>();
  for (const a of nodes) {
    const [type, values] = children(a);
    m.set(oidOf(type), children(values));
  }
  return m;
}

export function parseSignedData(der: Buffer): ParsedSignedData {
  const [type, wrapped] = children(fromDer(der));
  if (oidOf(type) !== OID.signedData) throw new Error('not a CMS SignedData');
  const sd = children(children(wrapped)[0]);
  const encap = children(sd[2]);
  let i = 3;
  let certificates: Buffer[] = [];
  if (isContext(sd[i], 0)) {
    certificates = children(sd[i]).map(toDer);
    i += 1;
  }
  if (isContext(sd[i], 1)) i += 1; // crls
  const infos = children(sd[i]);
  if (infos.length !== 1) throw new Error(`expected one SignerInfo, found ${infos.length}`);
  const si = children(infos[0]);
  if (!isUniversal(si[1], asn1.Type.SEQUENCE))
    throw new Error('SignerInfo identifies its signer by key identifier (unsupported)');
  const [issuer, serial] = children(si[1]);
  let j = 3;
  let attrs: Asn1[] = [];
  let attrsDer = Buffer.alloc(0);
  if (isContext(si[j], 0)) {
    const implicitDer = toDer(si[j]);
    attrsDer = Buffer.concat([Buffer.from([0x31]), implicitDer.subarray(1)]);
    attrs = children(si[j]);
    j += 1;
  }
  const sigAlg = oidOf(children(si[j])[0]);
  const signature = bytesOf(si[j + 1]);
  const unsigned = si[j + 2] ? children(si[j + 2]) : [];
  return {
    certificates,
    signerIssuerDer: toDer(issuer),
    signerSerial: serialHex(serial),
    digestAlgorithm: oidOf(children(si[2])[0]),
    signedAttributes: attrsDer,
    attributes: attributeMap(attrs),
    signatureAlgorithm: sigAlg,
    signature,
    unsignedAttributes: attributeMap(unsigned),
    encapsulatedContent: encap.length > 1,
    content: encap.length > 1 ? bytesOf(children(encap[1])[0]) : undefined,
  };
}

/** node's name of a digest algorithm OID (what a time-stamp authority may use besides SHA-256). */
export function hashName(oidValue: string): string {
  const names: Record<string, string> = {
    [OID.sha256]: 'sha256',
    '2.16.840.1.101.3.4.2.2': 'sha384',
    '2.16.840.1.101.3.4.2.3': 'sha512',
    '1.3.14.3.2.26': 'sha1',
  };
  const name = names[oidValue];
  if (!name) throw new Error(`unsupported digest algorithm ${oidValue}`);
  return name;
}

/** Checks the SignerInfo's signature over its signed attributes with the signer's public key. */
export function signatureHolds(parsed: ParsedSignedData, publicKey: KeyObject | string): boolean {
  try {
    const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    return verifySignature(hashName(parsed.digestAlgorithm), parsed.signedAttributes, key, parsed.signature);
  } catch {
    return false;
  }
}

/** The ESSCertIDv2 certificate hash the signed attributes bind (SHA-256 by default). */
export function signingCertificateHash(
  parsed: ParsedSignedData,
): { algorithm: string; hash: Buffer } | undefined {
  const v = parsed.attributes.get(OID.signingCertificateV2)?.[0];
  if (!v) return undefined;
  const first = children(children(children(v)[0])[0]);
  const hasAlg = isUniversal(first[0], asn1.Type.SEQUENCE); // hashAlgorithm present
  return {
    algorithm: hasAlg ? oidOf(children(first[0])[0]) : OID.sha256,
    hash: bytesOf(first[hasAlg ? 1 : 0]),
  };
}
