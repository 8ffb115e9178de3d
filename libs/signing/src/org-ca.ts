import { X509Certificate, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { children, OID, oid, oidBytes, seq, toDer, utf8 } from './der';

/**
 * An organisational CA for installations without a licensed one: a root, an issuing CA under it and signer
 * certificates under that, with a CRL. Every certificate says what it is: the CA names carry "Organisational CA
 * – not a licensed CA" and every certificate carries a policy (a private OID) whose user notice says that its
 * signatures are the organisation's own, not those of a licensed digital signature certification service
 * (Decree 130/2018/NĐ-CP).
 */
export const ORGANISATIONAL_POLICY_OID = '2.25.169238741852960235717716412387004216471';
export const ORGANISATIONAL_NOTICE =
  'Organisational CA: not a licensed digital signature certification service (Decree 130/2018/ND-CP). ' +
  'Certificates are valid only within the issuing organisation.';

export interface IssuedCertificate {
  certificate: X509Certificate;
  privateKey?: KeyObject;
}

function policies(): forge.pki.CertificateField & { id: string; value: string } {
  const notice = seq([oid(OID.userNotice), seq([utf8(ORGANISATIONAL_NOTICE)])]);
  const der = toDer(seq([seq([oid(ORGANISATIONAL_POLICY_OID), seq([notice])])]));
  return { id: OID.certificatePolicies, value: der.toString('binary') };
}

const toForgeKey = (k: KeyObject) =>
  forge.pki.privateKeyFromPem(k.export({ type: 'pkcs1', format: 'pem' }) as string);
const toForgePub = (k: KeyObject) =>
  forge.pki.publicKeyFromPem(k.export({ type: 'spki', format: 'pem' }) as string);

export function newRsaKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

/** A positive 16-byte serial as hex (RFC 5280: unique per CA, at most 20 bytes). */
export function newSerial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  b[0] |= 0x10;
  return b.toString('hex');
}

export interface CertificateSpec {
  subject: NameSpec;
  issuerSubject?: NameSpec;
  publicKey: KeyObject;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  kind: 'root' | 'issuing' | 'signer';
  crlUrl?: string;
  issuer?: X509Certificate;
  issuerKey: KeyObject;
}

export interface NameSpec {
  CN: string;
  O: string;
  OU?: string;
  C?: string;
  E?: string;
}

/** The same spec always gives the same DER, so an issuer's name in its children matches its own subject. */
function nameAttributes(n: NameSpec): forge.pki.CertificateField[] {
  const utf8Value = (shortName: string, value: string) => ({
    shortName,
    value,
    valueTagClass: forge.asn1.Type.UTF8,
  });
  return [
    ...(n.C ? [{ shortName: 'C', value: n.C }] : []),
    utf8Value('O', n.O),
    ...(n.OU ? [utf8Value('OU', n.OU)] : []),
    utf8Value('CN', n.CN),
    ...(n.E ? [{ name: 'emailAddress', value: n.E }] : []),
  ] as forge.pki.CertificateField[];
}

export function makeCertificate(spec: CertificateSpec): X509Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = toForgePub(spec.publicKey);
  cert.serialNumber = spec.serial;
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  const attrs = nameAttributes(spec.subject);
  cert.setSubject(attrs);
  cert.setIssuer(spec.issuerSubject ? nameAttributes(spec.issuerSubject) : attrs);
  const isCa = spec.kind !== 'signer';
  const exts: object[] = [
    {
      name: 'basicConstraints',
      cA: isCa,
      critical: true,
      ...(spec.kind === 'issuing' ? { pathLenConstraint: 0 } : {}),
    },
    isCa
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    policies(),
  ];
  if (spec.issuer) {
    const ski = forge.pki
      .certificateFromPem(spec.issuer.toString())
      .generateSubjectKeyIdentifier()
      .getBytes();
    exts.push({ name: 'authorityKeyIdentifier', keyIdentifier: ski });
  }
  if (spec.crlUrl && spec.kind !== 'root') {
    exts.push({ name: 'cRLDistributionPoints', altNames: [{ type: 6, value: spec.crlUrl }] });
  }
  cert.setExtensions(exts);
  cert.sign(toForgeKey(spec.issuerKey), forge.md.sha256.create());
  return new X509Certificate(
    Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary'),
  );
}

/** A PKCS#12 holding the signer's key, certificate and CA certificates (AES-256, SHA-256 MAC). */
export function toPkcs12(
  key: KeyObject,
  cert: X509Certificate,
  chain: X509Certificate[],
  password: string,
  friendlyName: string,
): Buffer {
  const asn = forge.pkcs12.toPkcs12Asn1(
    toForgeKey(key),
    [cert, ...chain].map((c) => forge.pki.certificateFromPem(c.toString())),
    password,
    { algorithm: 'aes256', friendlyName, generateLocalKeyId: true, saltSize: 16, count: 2048 } as never,
  );
  return Buffer.from(forge.asn1.toDer(asn).getBytes(), 'binary');
}

/** Checks a certificate carries the organisational policy (how tools and people can tell). */
export function isOrganisational(cert: X509Certificate): boolean {
  const tbs = children(children(forge.asn1.fromDer(cert.raw.toString('binary')))[0]);
  return toDer(tbs[tbs.length - 1]).includes(oidBytes(ORGANISATIONAL_POLICY_OID));
}
