import { X509Certificate, createHash } from 'node:crypto';
import { children, fromDer, isContext, serialHex, toDer, type Asn1 } from './der';

/** What CMS and CRLs need of a certificate beyond node's X509Certificate: the exact DER of its names and serial. */
export interface CertificateParts {
  x509: X509Certificate;
  der: Buffer;
  serial: string;
  serialNode: Asn1;
  issuerDer: Buffer;
  subjectDer: Buffer;
}

export function certificateParts(cert: Buffer | string | X509Certificate): CertificateParts {
  const x509 = cert instanceof X509Certificate ? cert : new X509Certificate(cert);
  const der = x509.raw;
  const tbs = children(children(fromDer(der))[0]);
  // version is an optional [0] EXPLICIT field: skip it when present.
  const i = isContext(tbs[0], 0) ? 1 : 0;
  return {
    x509,
    der,
    serialNode: tbs[i],
    serial: serialHex(tbs[i]),
    issuerDer: toDer(tbs[i + 2]),
    subjectDer: toDer(tbs[i + 4]),
  };
}

export const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

export function pemToDerList(pem: string): Buffer[] {
  const out: Buffer[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(pem); m; m = re.exec(pem)) out.push(Buffer.from(m[2].replace(/\s+/g, ''), 'base64'));
  return out;
}

export function derToPem(der: Buffer, label: string): string {
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** Certificates from PEM text (one or many) or DER. */
export function readCertificates(input: string | Buffer): X509Certificate[] {
  const text = typeof input === 'string' ? input : input.toString('latin1');
  if (text.includes('-----BEGIN')) return pemToDerList(text).map((d) => new X509Certificate(d));
  return [new X509Certificate(typeof input === 'string' ? Buffer.from(input, 'latin1') : input)];
}

/** A readable subject ("CN=…, O=…") from node's newline-separated form. */
export const subjectLine = (c: X509Certificate): string => c.subject.split('\n').join(', ');
