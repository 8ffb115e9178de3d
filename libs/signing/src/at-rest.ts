import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Secrets of certificate signers at rest (an imported private key, a token's PIN): AES-256-GCM under a key derived
 * from SIGNING_KEY_SECRET, as the Ed25519 signer keys are (libs/auth/src/signing.ts) but with its own derivation,
 * so that a copy of the database alone cannot sign.
 */
function key(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'cascade', 'certificate signer secrets v1', 32));
}

export function sealSecret(plain: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(secret), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['c1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(
    '.',
  );
}

export function openSecret(sealed: string, secret: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'c1') throw new Error('unknown sealed secret format');
  const decipher = createDecipheriv('aes-256-gcm', key(secret), Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
}
