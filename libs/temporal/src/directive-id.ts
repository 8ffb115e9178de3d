import { createHash } from 'node:crypto';

/** The namespace of directive ids (a fixed, random UUID: ids derived under it are Cascade's directives). */
export const DIRECTIVE_ID_NAMESPACE = '6f7c1d2e-5b8a-4e43-9a61-3c2b9d0e7f15';

/** An RFC 9562 UUID version 5 (SHA-1, name-based) of `name` in `namespace`. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`not a UUID: ${namespace}`);
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of the directive a caller drafts with an Idempotency-Key: derived from both, so that a retried start (one
 * that timed out, perhaps after Temporal started the workflow) finds the same directive and its workflow instead of
 * leaving an orphan. `caller` is the principal (`user:<id>` or `api-key:<id>`), so another caller's same key is
 * another directive.
 */
export const directiveIdFor = (caller: string, idempotencyKey: string): string =>
  uuidV5(DIRECTIVE_ID_NAMESPACE, `${caller}\n${idempotencyKey}`);
