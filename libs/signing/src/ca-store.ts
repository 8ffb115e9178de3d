import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCrl } from './crl';
import { makeCertificate, newRsaKey, newSerial, toPkcs12, type NameSpec } from './org-ca';
import { derToPem } from './x509';

/**
 * The organisational CA's directory (what `cascade ca` works on): the root and issuing CA certificates, their keys
 * (PKCS#8 encrypted with the CA passphrase), ca.json (what was issued and revoked) and the CRLs, re-signed on every
 * change. Keep the directory offline; publish root.pem (the trust anchor), chain.pem and the CRLs.
 */
export class CaError extends Error {}

interface IssuedRecord {
  serial: string;
  name: string;
  notBefore: string;
  notAfter: string;
  revokedAt?: string;
}

interface CaState {
  organisation: string;
  crlUrl?: string;
  root: NameSpec;
  issuing: NameSpec;
  crlNumber: number;
  issued: IssuedRecord[];
}

const YEAR = 365 * 86_400_000;
export const MARK = 'Organisational CA - not a licensed CA';

const file = (dir: string, name: string) => join(dir, name);
const readState = (dir: string): CaState => {
  if (!existsSync(file(dir, 'ca.json')))
    throw new CaError(`${dir} is not a CA directory (run cascade ca init)`);
  return JSON.parse(readFileSync(file(dir, 'ca.json'), 'utf8')) as CaState;
};
const writeKey = (path: string, key: KeyObject, passphrase: string) =>
  writeFileSync(path, key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }), {
    mode: 0o600,
  });
function readKey(path: string, passphrase: string): KeyObject {
  try {
    return createPrivateKey({ key: readFileSync(path, 'utf8'), passphrase });
  } catch {
    throw new CaError('the CA passphrase does not open the CA keys');
  }
}
const readCert = (dir: string, name: string) => new X509Certificate(readFileSync(file(dir, name)));

export interface CaPaths {
  root: string;
  chain: string;
  crl: string;
  rootCrl: string;
}

export const caPaths = (dir: string): CaPaths => ({
  root: file(dir, 'root.pem'),
  chain: file(dir, 'chain.pem'),
  crl: file(dir, 'crl.pem'),
  rootCrl: file(dir, 'root-crl.pem'),
});

export function caInit(
  dir: string,
  opts: { organisation: string; passphrase: string; crlUrl?: string; now?: Date },
): CaPaths {
  if (existsSync(file(dir, 'ca.json'))) throw new CaError(`${dir} already holds a CA`);
  if (opts.passphrase.length < 12) throw new CaError('the CA passphrase must be at least 12 characters');
  mkdirSync(dir, { recursive: true });
  const now = opts.now ?? new Date();
  const root: NameSpec = {
    C: 'VN',
    O: opts.organisation,
    OU: MARK,
    CN: `${opts.organisation} Root CA (organisational)`,
  };
  const issuing: NameSpec = {
    C: 'VN',
    O: opts.organisation,
    OU: MARK,
    CN: `${opts.organisation} Issuing CA (organisational)`,
  };
  const rootKey = newRsaKey();
  const issuingKey = newRsaKey();
  const rootCert = makeCertificate({
    subject: root,
    publicKey: createPublicKey(rootKey),
    serial: newSerial(),
    notBefore: now,
    notAfter: new Date(now.getTime() + 20 * YEAR),
    kind: 'root',
    issuerKey: rootKey,
  });
  const issuingCert = makeCertificate({
    subject: issuing,
    issuerSubject: root,
    issuer: rootCert,
    publicKey: createPublicKey(issuingKey),
    serial: newSerial(),
    notBefore: now,
    notAfter: new Date(now.getTime() + 10 * YEAR),
    kind: 'issuing',
    crlUrl: opts.crlUrl,
    issuerKey: rootKey,
  });
  writeKey(file(dir, 'root.key'), rootKey, opts.passphrase);
  writeKey(file(dir, 'issuing.key'), issuingKey, opts.passphrase);
  writeFileSync(file(dir, 'root.pem'), rootCert.toString());
  writeFileSync(file(dir, 'issuing.pem'), issuingCert.toString());
  writeFileSync(file(dir, 'chain.pem'), issuingCert.toString() + rootCert.toString());
  const state: CaState = {
    organisation: opts.organisation,
    crlUrl: opts.crlUrl,
    root,
    issuing,
    crlNumber: 0,
    issued: [],
  };
  writeCrls(dir, state, opts.passphrase, now);
  return caPaths(dir);
}

function writeCrls(dir: string, state: CaState, passphrase: string, now: Date): void {
  state.crlNumber += 1;
  const nextUpdate = new Date(now.getTime() + 7 * 86_400_000);
  const revoked = state.issued
    .filter((i) => i.revokedAt)
    .map((i) => ({ serial: i.serial, revokedAt: new Date(i.revokedAt!) }));
  const crl = buildCrl({
    issuer: readCert(dir, 'issuing.pem'),
    issuerKey: readKey(file(dir, 'issuing.key'), passphrase),
    number: state.crlNumber,
    thisUpdate: now,
    nextUpdate,
    revoked,
  });
  const rootCrl = buildCrl({
    issuer: readCert(dir, 'root.pem'),
    issuerKey: readKey(file(dir, 'root.key'), passphrase),
    number: state.crlNumber,
    thisUpdate: now,
    nextUpdate,
    revoked: [],
  });
  writeFileSync(file(dir, 'crl.pem'), derToPem(crl, 'X509 CRL'));
  writeFileSync(file(dir, 'root-crl.pem'), derToPem(rootCrl, 'X509 CRL'));
  writeFileSync(file(dir, 'ca.json'), `${JSON.stringify(state, null, 2)}\n`);
}

export interface IssueOptions {
  passphrase: string;
  name: string;
  email?: string;
  /** A public key (PEM) whose private key is elsewhere (a PKCS#11 token): the result has no PKCS#12. */
  publicKeyPem?: string;
  /** PKCS#12 password when the CA makes the key. */
  password?: string;
  notBefore?: Date;
  notAfter?: Date;
  now?: Date;
}

export interface IssueResult {
  serial: string;
  certificate: X509Certificate;
  chain: X509Certificate[];
  pkcs12?: Buffer;
}

export function caIssue(dir: string, opts: IssueOptions): IssueResult {
  const state = readState(dir);
  const issuingKey = readKey(file(dir, 'issuing.key'), opts.passphrase);
  const issuingCert = readCert(dir, 'issuing.pem');
  const rootCert = readCert(dir, 'root.pem');
  if (!opts.publicKeyPem && (!opts.password || opts.password.length < 8)) {
    throw new CaError('a PKCS#12 password of at least 8 characters is needed');
  }
  const now = opts.now ?? new Date();
  const notBefore = opts.notBefore ?? now;
  const notAfter = opts.notAfter ?? new Date(notBefore.getTime() + 2 * YEAR);
  if (notAfter <= notBefore) throw new CaError('the certificate would end before it starts');
  const key = opts.publicKeyPem ? undefined : newRsaKey();
  let publicKey: KeyObject;
  try {
    publicKey = key ? createPublicKey(key) : createPublicKey(opts.publicKeyPem!);
  } catch {
    throw new CaError('the public key is not a PEM public key');
  }
  const serial = newSerial();
  const certificate = makeCertificate({
    subject: {
      C: 'VN',
      O: state.organisation,
      OU: `${MARK} (organisational certificate)`,
      CN: opts.name,
      ...(opts.email ? { E: opts.email } : {}),
    },
    issuerSubject: state.issuing,
    issuer: issuingCert,
    publicKey,
    serial,
    notBefore,
    notAfter,
    kind: 'signer',
    crlUrl: state.crlUrl,
    issuerKey: issuingKey,
  });
  state.issued.push({
    serial,
    name: opts.name,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
  });
  writeFileSync(file(dir, 'ca.json'), `${JSON.stringify(state, null, 2)}\n`);
  const chain = [issuingCert, rootCert];
  const pkcs12 = key ? toPkcs12(key, certificate, chain, opts.password!, opts.name) : undefined;
  return { serial, certificate, chain, pkcs12 };
}

export function caRevoke(dir: string, opts: { passphrase: string; serial: string; at?: Date }): IssuedRecord {
  const state = readState(dir);
  const serial = opts.serial.toLowerCase().replace(/[^0-9a-f]/g, '');
  const rec = state.issued.find((i) => i.serial === serial);
  if (!rec) throw new CaError(`no certificate with serial ${opts.serial} was issued by this CA`);
  const at = opts.at ?? new Date();
  rec.revokedAt ??= at.toISOString();
  writeCrls(dir, state, opts.passphrase, at);
  return rec;
}
