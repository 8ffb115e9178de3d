import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { canonicalJson } from '@cascade/domain';
import { sealPendingEvents, verifyChain } from './audit';

type Db = DataSource | EntityManager;

/**
 * Signed checkpoints of the trail, kept outside the database. The hash chain proves that no event was changed by
 * anyone who could not also rewrite every hash after it; an attacker who owns the database can. A checkpoint is the
 * list of every directive's chain head at an instant, signed with an Ed25519 key the database does not hold (the
 * auditor's): verified later with the auditor's public key, it proves that the event at each recorded position still
 * has the hash it had then — a rewritten history, however consistent, no longer does.
 */

export const CHECKPOINT_FORMAT = 'cascade.checkpoint.v1' as const;

export interface ChainHead {
  directiveId: string;
  seq: number;
  hash: string;
}

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  takenAt: string;
  heads: ChainHead[];
  /** Ed25519 over the canonical JSON of the other fields, base64. */
  signature: string;
}

/** Every directive's chain head, once every pending event is sealed. */
export async function chainHeads(db: Db): Promise<ChainHead[]> {
  while ((await sealPendingEvents(db)) > 0) {
    // seal until nothing is left (500 directives a pass)
  }
  return db.query(
    `SELECT directive_id::text AS "directiveId", seq, hash FROM directive_chain_head WHERE seq > 0 ORDER BY directive_id`,
  );
}

const signedBytes = (checkpoint: Omit<Checkpoint, 'signature'>): Buffer =>
  Buffer.from(
    canonicalJson({ format: checkpoint.format, takenAt: checkpoint.takenAt, heads: checkpoint.heads }),
    'utf8',
  );

/** Takes a checkpoint of the trail, signed with the auditor's private key. */
export async function takeCheckpoint(db: Db, privateKey: KeyObject): Promise<Checkpoint> {
  const unsigned = {
    format: CHECKPOINT_FORMAT,
    takenAt: new Date().toISOString(),
    heads: await chainHeads(db),
  };
  return { ...unsigned, signature: sign(null, signedBytes(unsigned), privateKey).toString('base64') };
}

export interface CheckpointVerdict {
  valid: boolean;
  /** The checkpoint's own signature, with the public key given (never one the file carries). */
  signatureValid: boolean;
  takenAt: string | null;
  directives: number;
  /** Each directive whose trail no longer holds what the checkpoint recorded, and why. */
  broken: { directiveId: string; seq: number; problem: string }[];
}

/**
 * Checks a checkpoint against the database: its signature with the auditor's public key, then, for each recorded
 * head, that the directive's event at that position still has the recorded hash and that its whole chain still
 * verifies (so the events before it, which the hash covers, are unchanged, and those after it follow on).
 */
export async function verifyCheckpoint(
  db: Db,
  checkpoint: unknown,
  publicKeyPem: string,
): Promise<CheckpointVerdict> {
  const given = checkpoint as Partial<Checkpoint>;
  const wellFormed =
    given?.format === CHECKPOINT_FORMAT &&
    typeof given.takenAt === 'string' &&
    typeof given.signature === 'string' &&
    Array.isArray(given.heads) &&
    given.heads.every(
      (h) => typeof h?.directiveId === 'string' && Number.isInteger(h.seq) && typeof h.hash === 'string',
    );
  if (!wellFormed) {
    return { valid: false, signatureValid: false, takenAt: null, directives: 0, broken: [] };
  }
  const { signature, ...unsigned } = given as Checkpoint;
  let signatureValid = false;
  try {
    signatureValid = verify(
      null,
      signedBytes(unsigned),
      createPublicKey(publicKeyPem),
      Buffer.from(signature, 'base64'),
    );
  } catch {
    signatureValid = false;
  }
  const broken: CheckpointVerdict['broken'] = [];
  if (signatureValid) {
    const heads = unsigned.heads;
    const found: { directiveId: string; seq: number; hash: string }[] = await db.query(
      `SELECT e.directive_id::text AS "directiveId", e.seq, e.hash
         FROM directive_event e JOIN unnest($1::uuid[], $2::int[]) AS c(directive_id, seq)
           ON e.directive_id = c.directive_id AND e.seq = c.seq`,
      [heads.map((h) => h.directiveId), heads.map((h) => h.seq)],
    );
    const now = new Map(found.map((f) => [`${f.directiveId}/${f.seq}`, f.hash]));
    for (const head of heads) {
      const hash = now.get(`${head.directiveId}/${head.seq}`);
      if (hash === undefined) {
        broken.push({ directiveId: head.directiveId, seq: head.seq, problem: 'the event is missing' });
      } else if (hash !== head.hash) {
        broken.push({
          directiveId: head.directiveId,
          seq: head.seq,
          problem: 'the trail was rewritten: the event no longer has the hash the checkpoint recorded',
        });
      } else {
        const chain = await verifyChain(db, head.directiveId);
        if (!chain.valid) {
          broken.push({
            directiveId: head.directiveId,
            seq: chain.firstBroken!.seq,
            problem: chain.firstBroken!.problem,
          });
        }
      }
    }
  }
  return {
    valid: signatureValid && broken.length === 0,
    signatureValid,
    takenAt: unsigned.takenAt,
    directives: unsigned.heads.length,
    broken,
  };
}
