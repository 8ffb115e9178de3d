import { execFile } from 'node:child_process';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CmsSigner } from './cms';

/**
 * A key in a PKCS#11 token (a smart card, an HSM, SoftHSM2 in tests) that never leaves it: each signature is made
 * inside the token by OpenSC's `pkcs11-tool` (Debian `opensc`), given the PKCS#11 module, the token, the key's id
 * and the user PIN (passed through the child's environment, not its command line). Only the signed attributes
 * (a few hundred bytes) go to the token; it hashes them and signs (CKM_SHA256_RSA_PKCS).
 */
export interface Pkcs11KeyRef {
  /** The PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so). */
  module: string;
  tokenLabel: string;
  /** The key's CKA_ID, hex. */
  keyId: string;
}

export class Pkcs11Error extends Error {}

const TOOL = process.env.PKCS11_TOOL ?? 'pkcs11-tool';

function run(args: string[], pin?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      TOOL,
      args,
      {
        env: { ...process.env, ...(pin ? { CASCADE_PKCS11_PIN: pin } : {}) },
        encoding: 'buffer',
        timeout: 30_000,
      },
      (err, stdout, stderr) => {
        if (err)
          reject(new Pkcs11Error(`pkcs11-tool failed: ${stderr.toString('utf8').trim() || err.message}`));
        else resolve(stdout);
      },
    );
  });
}

async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'cascade-p11-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const base = (ref: Pkcs11KeyRef) => [
  '--module',
  ref.module,
  '--token-label',
  ref.tokenLabel,
  '--id',
  ref.keyId,
];

/** Signs SHA-256(data) inside the token. */
export async function pkcs11Sign(ref: Pkcs11KeyRef, pin: string, data: Buffer): Promise<Buffer> {
  return withTemp(async (dir) => {
    const input = join(dir, 'in');
    const output = join(dir, 'out');
    await writeFile(input, data);
    await run(
      [
        ...base(ref),
        '--login',
        '--pin',
        'env:CASCADE_PKCS11_PIN',
        '--sign',
        '--mechanism',
        'SHA256-RSA-PKCS',
        '--input-file',
        input,
        '--output-file',
        output,
      ],
      pin,
    );
    return readFile(output);
  });
}

/** The token's public key for the reference (SPKI DER), to check a certificate belongs to it. */
export async function pkcs11PublicKey(ref: Pkcs11KeyRef, pin: string): Promise<Buffer> {
  return withTemp(async (dir) => {
    const output = join(dir, 'pub');
    await run(
      [
        ...base(ref),
        '--login',
        '--pin',
        'env:CASCADE_PKCS11_PIN',
        '--read-object',
        '--type',
        'pubkey',
        '--output-file',
        output,
      ],
      pin,
    );
    return createPublicKey({ key: await readFile(output), format: 'der', type: 'spki' }).export({
      type: 'spki',
      format: 'der',
    });
  });
}

export function pkcs11Signer(
  ref: Pkcs11KeyRef,
  pin: string,
  certificate: X509Certificate,
  chain: X509Certificate[],
): CmsSigner {
  return {
    certificate: certificate.raw,
    chain: chain.map((c) => c.raw),
    keyAlgorithm: 'rsa',
    sign: (data) => pkcs11Sign(ref, pin, data),
  };
}
