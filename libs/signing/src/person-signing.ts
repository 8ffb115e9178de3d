import { X509Certificate } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  findSigningCertificate,
  signingCertificateSummary,
  upsertSigningCertificate,
  type SigningCertificateSummary,
  type StoredSigningCertificate,
} from '@cascade/persistence';
import { openSecret, sealSecret } from './at-rest';
import type { CmsSigner } from './cms';
import { signPdf, type SignPdfOptions } from './pades';
import { Pkcs11Error, pkcs11PublicKey, pkcs11Signer, type Pkcs11KeyRef } from './pkcs11';
import { keySigner, orderChain, readPkcs12 } from './pkcs12';
import { readCertificates } from './x509';

/**
 * A person's signing certificate: imported (PKCS#12) or registered (a PKCS#11 key reference), then used by
 * `signPdfFor` — what the directive sign step calls in the worker. The database holds the certificate and chain in
 * clear and the secrets (private key, PIN) sealed under SIGNING_KEY_SECRET.
 */
type Db = DataSource | EntityManager;

export type PersonSigningErrorCode =
  | 'PKCS12_UNREADABLE'
  | 'PKCS12_PASSWORD_INCORRECT'
  | 'CERTIFICATE_INVALID'
  | 'CERTIFICATE_EXPIRED'
  | 'PKCS11_MODULE_NOT_ALLOWED'
  | 'PKCS11_KEY_UNAVAILABLE'
  | 'PKCS11_KEY_MISMATCH'
  | 'SIGNING_CERTIFICATE_MISSING';

export class PersonSigningError extends Error {
  constructor(
    readonly code: PersonSigningErrorCode,
    readonly field: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface PersonSigningConfig {
  /** SIGNING_KEY_SECRET. */
  secret: string;
  /** PKCS11_MODULES: the modules a key reference may name. */
  pkcs11Modules?: string[];
  /** SIGNING_TSA_URL: a time-stamp authority; when set, signatures are PAdES B-T. */
  tsaUrl?: string;
  now?: () => Date;
}

function describe(cert: X509Certificate, chain: X509Certificate[]) {
  return {
    certificatePem: cert.toString(),
    chainPem: chain.map((c) => c.toString()).join(''),
    fingerprint: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
    subject: cert.subject.split('\n').join(', '),
    issuer: cert.issuer.split('\n').join(', '),
    serial: cert.serialNumber.toLowerCase().replace(/^0+(?=.)/, ''),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
  };
}

function mustBeCurrent(cert: X509Certificate, now: Date, field: string): void {
  if (now > new Date(cert.validTo) || now < new Date(cert.validFrom)) {
    throw new PersonSigningError(
      'CERTIFICATE_EXPIRED',
      field,
      `${field}: the certificate is valid only ${cert.validFrom} – ${cert.validTo}`,
    );
  }
}

export async function importPkcs12For(
  db: Db,
  config: PersonSigningConfig,
  userId: string,
  file: Buffer,
  password: string,
): Promise<SigningCertificateSummary> {
  let p12;
  try {
    p12 = readPkcs12(file, password);
  } catch (e) {
    const err = e as Error & { field?: 'file' | 'password' };
    if (err.field === 'password')
      throw new PersonSigningError('PKCS12_PASSWORD_INCORRECT', 'password', `password: ${err.message}`);
    throw new PersonSigningError('PKCS12_UNREADABLE', 'pkcs12', `pkcs12: ${err.message}`);
  }
  mustBeCurrent(p12.certificate, config.now?.() ?? new Date(), 'pkcs12');
  const stored = await upsertSigningCertificate(db, {
    userId,
    source: 'pkcs12',
    ...describe(p12.certificate, p12.chain),
    privateKeySealed: sealSecret(p12.privateKeyPem, config.secret),
  });
  return signingCertificateSummary(stored);
}

export interface Pkcs11Registration extends Pkcs11KeyRef {
  pin: string;
  /** The key's certificate and (optionally) its CA certificates, PEM. */
  certificatePem: string;
  chainPem?: string;
}

export async function registerPkcs11For(
  db: Db,
  config: PersonSigningConfig,
  userId: string,
  reg: Pkcs11Registration,
): Promise<SigningCertificateSummary> {
  if (!(config.pkcs11Modules ?? []).includes(reg.module)) {
    throw new PersonSigningError(
      'PKCS11_MODULE_NOT_ALLOWED',
      'module',
      `module: ${reg.module} is not one of PKCS11_MODULES`,
    );
  }
  let certs: X509Certificate[];
  let chain: X509Certificate[] = [];
  try {
    certs = readCertificates(reg.certificatePem);
    if (certs.length !== 1) throw new Error('expected one certificate');
  } catch (e) {
    throw new PersonSigningError(
      'CERTIFICATE_INVALID',
      'certificate',
      `certificate: not a PEM certificate (${(e as Error).message})`,
    );
  }
  try {
    if (reg.chainPem) chain = orderChain(certs[0], readCertificates(reg.chainPem));
  } catch {
    throw new PersonSigningError('CERTIFICATE_INVALID', 'chain', 'chain: not PEM certificates');
  }
  mustBeCurrent(certs[0], config.now?.() ?? new Date(), 'certificate');
  let spki: Buffer;
  try {
    spki = await pkcs11PublicKey(reg, reg.pin);
  } catch (e) {
    const msg = (e as Error).message;
    const field = /PIN/.test(msg) ? 'pin' : /token/i.test(msg) ? 'tokenLabel' : 'keyId';
    throw new PersonSigningError(
      'PKCS11_KEY_UNAVAILABLE',
      field,
      `${field}: ${e instanceof Pkcs11Error ? msg : 'the token did not answer'}`,
    );
  }
  if (!spki.equals(certs[0].publicKey.export({ type: 'spki', format: 'der' }))) {
    throw new PersonSigningError(
      'PKCS11_KEY_MISMATCH',
      'certificate',
      "certificate: it is not the certificate of the token's key",
    );
  }
  const stored = await upsertSigningCertificate(db, {
    userId,
    source: 'pkcs11',
    ...describe(certs[0], chain),
    pkcs11: {
      module: reg.module,
      tokenLabel: reg.tokenLabel,
      keyId: reg.keyId,
      pinSealed: sealSecret(reg.pin, config.secret),
    },
  });
  return signingCertificateSummary(stored);
}

export async function signingCertificateOf(
  db: Db,
  userId: string,
): Promise<SigningCertificateSummary | null> {
  const c = await findSigningCertificate(db, userId);
  return c ? signingCertificateSummary(c) : null;
}

function signerFor(c: StoredSigningCertificate, config: PersonSigningConfig): CmsSigner {
  const secret = config.secret;
  // The module is loaded by pkcs11-tool in this process's name: only the configured ones, checked again at use.
  if (c.pkcs11 && !(config.pkcs11Modules ?? []).includes(c.pkcs11.module)) {
    throw new PersonSigningError(
      'PKCS11_MODULE_NOT_ALLOWED',
      'module',
      `module: ${c.pkcs11.module} is no longer one of PKCS11_MODULES`,
    );
  }
  const cert = new X509Certificate(c.certificatePem);
  const chain = c.chainPem ? readCertificates(c.chainPem) : [];
  if (c.source === 'pkcs12') return keySigner(openSecret(c.privateKeySealed!, secret), cert, chain);
  return pkcs11Signer(c.pkcs11!, openSecret(c.pkcs11PinSealed!, secret), cert, chain);
}

/**
 * Signs `pdf` (PAdES B-B) with the person's certificate: the sign step's call. Refuses a person without a
 * certificate or whose certificate is not valid now; the PDF's /M is now.
 */
export async function signPdfFor(
  db: Db,
  config: PersonSigningConfig,
  personId: string,
  pdf: Buffer,
  opts: Omit<SignPdfOptions, 'signer' | 'signingTime' | 'tsaUrl'> = {},
): Promise<Buffer> {
  const c = await findSigningCertificate(db, personId);
  if (!c)
    throw new PersonSigningError(
      'SIGNING_CERTIFICATE_MISSING',
      undefined,
      `person ${personId} has no signing certificate`,
    );
  const now = config.now?.() ?? new Date();
  mustBeCurrent(new X509Certificate(c.certificatePem), now, 'certificate');
  return signPdf(pdf, {
    ...opts,
    signingTime: now,
    tsaUrl: config.tsaUrl,
    signer: signerFor(c, config),
  });
}
