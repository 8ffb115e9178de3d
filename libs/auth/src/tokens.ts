import { createHash, randomBytes } from 'node:crypto';

/** Opaque secrets (refresh tokens, API keys) are stored as SHA-256: they are long and random, so no salt is needed. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** API keys read `ck_<prefix>_<secret>`: the prefix finds the row, the secret is compared by hash. */
export function newApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomToken(32);
  return { key: `ck_${prefix}_${secret}`, prefix, hash: sha256(secret) };
}

export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const match = /^ck_([0-9a-f]{12})_([A-Za-z0-9_-]{40,64})$/.exec(key);
  return match ? { prefix: match[1], secret: match[2] } : null;
}
