import { X509Certificate, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import type { CmsSigner, KeyAlgorithm } from './cms';

/** Why a PKCS#12 file was refused, in terms an API can turn into a 4xx naming the field. */
export class Pkcs12Error extends Error {
  constructor(
    readonly field: 'file' | 'password',
    message: string,
  ) {
    super(message);
  }
}

export interface Pkcs12Contents {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  certificate: X509Certificate;
  /** CA certificates found beside it, issuer first. */
  chain: X509Certificate[];
}

/**
 * Reads a PKCS#12 (.p12/.pfx) as a CA hands it out: the key, the certificate that matches it and the CA
 * certificates. RSA keys (what VGCA and the licensed CAs issue); PBES2/AES or 3DES, SHA-1 or SHA-256 MAC.
 */
export function readPkcs12(file: Buffer, password: string): Pkcs12Contents {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(file.toString('binary')), false, password);
  } catch (e) {
    const msg = (e as Error).message ?? '';
    if (/mac|password|invalid/i.test(msg) && !/Too few bytes|parse/i.test(msg)) {
      throw new Pkcs12Error('password', 'the password does not open this PKCS#12 file');
    }
    throw new Pkcs12Error('file', `not a readable PKCS#12 file (${msg})`);
  }
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ??
      []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  const key = keyBags.find((b) => b.key)?.key;
  if (!key) throw new Pkcs12Error('file', 'the PKCS#12 file holds no RSA private key');
  const privateKeyPem = forge.pki.privateKeyInfoToPem(
    forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key)),
  );
  const certs = (p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [])
    .filter((b) => b.cert || b.asn1)
    .map(
      (b) =>
        new X509Certificate(
          Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(b.cert!)).getBytes(), 'binary'),
        ),
    );
  const keyObject = createPrivateKey(privateKeyPem);
  const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
  const own = certs.find((c) => spki(c.publicKey).equals(spki(createPublicKey(keyObject))));
  if (!own) throw new Pkcs12Error('file', 'no certificate in the PKCS#12 file matches its private key');
  return {
    privateKeyPem,
    certificate: own,
    chain: orderChain(
      own,
      certs.filter((c) => c !== own),
    ),
  };
}

/** The CA certificates from the signer upwards (issuer first); unrelated ones are dropped. */
export function orderChain(leaf: X509Certificate, pool: X509Certificate[]): X509Certificate[] {
  const out: X509Certificate[] = [];
  let cur = leaf;
  for (;;) {
    const next = pool.find(
      (c) => !out.includes(c) && c !== cur && cur.checkIssued(c) && cur.verify(c.publicKey),
    );
    if (!next) return out;
    out.push(next);
    if (next.checkIssued(next)) return out;
    cur = next;
  }
}

export function keyAlgorithmOf(key: KeyObject): KeyAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'rsa';
  if (key.asymmetricKeyType === 'ec') return 'ec';
  throw new Error(`unsupported key type ${key.asymmetricKeyType}`);
}

/** A signer whose key is in memory (decrypted from its sealed form for one signature). */
export function keySigner(
  privateKeyPem: string,
  certificate: X509Certificate,
  chain: X509Certificate[],
): CmsSigner {
  const key = createPrivateKey(privateKeyPem);
  return {
    certificate: certificate.raw,
    chain: chain.map((c) => c.raw),
    keyAlgorithm: keyAlgorithmOf(key),
    sign: async (data) => sign('sha256', data, key),
  };
}
