import { createHash, randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { ClaimOutcome, ClaimRequest } from '@cascade/persistence';

/** The request's body as one string whatever the order of its keys: a retry's hash is the first request's. */
function canonical(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** What identifies a request under its key: its method, its path and the hash of both with its body. */
export function requestOf(req: Request): { method: string; path: string; hash: string } {
  const path = req.originalUrl;
  const hash = createHash('sha256')
    .update(`${req.method} ${path}\n${canonical(req.body)}`)
    .digest('hex');
  return { method: req.method, path, hash };
}

/** A new claim of the caller's key for this request (its token is what the fence checks). */
export function newClaim(req: Request, principal: string, key: string, leaseSeconds: number): ClaimRequest {
  const { method, path, hash } = requestOf(req);
  return { principal, key, token: randomUUID(), method, path, requestHash: hash, leaseSeconds };
}

/**
 * A claim the guard made in its authentication's round trip (for an @Idempotent route with no guard of its own and
 * a valid key), which the interceptor takes instead of claiming again; the guard releases it if it refuses the
 * request.
 */
export const earlyClaims = new WeakMap<Request, { claim: ClaimRequest; outcome: ClaimOutcome }>();
