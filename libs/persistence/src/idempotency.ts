import { DataSource, EntityManager } from 'typeorm';

/**
 * The records of `Idempotency-Key`s (`idempotency_record`): one per principal and key, pending until the first answer
 * is stored. This file is their one writer. Migration Organisation1763790000000 creates the table.
 */
type Db = DataSource | EntityManager;

/**
 * A statement's transaction commits without waiting for its WAL to reach the disk (`synchronous_commit = off`,
 * for this transaction only): PostgreSQL may lose it in a crash, never half of it. Used for the records of the keys:
 * a claim is made durable by the request's own commit (whose WAL follows it), and an answer only where the handler
 * is idempotent by itself.
 */
const ASYNC_COMMIT = `async_commit AS (SELECT set_config('synchronous_commit', 'off', true))`;

/** A key's record: the hash of the request that used it, and its answer (status null while pending). */
export interface IdempotencyRecord {
  requestHash: string;
  status: number | null;
  response: unknown;
}

/**
 * Inserts a pending record for the key; returns null when it did (the request runs), else the key's record. A
 * pending record of the same request older than `leaseSeconds` is taken over (its request's process died, or its
 * database went away before it could release it): the retry runs instead of waiting for ever.
 */
export async function claimIdempotencyKey(
  db: Db,
  claim: { principal: string; key: string; method: string; path: string; requestHash: string },
  leaseSeconds: number,
): Promise<IdempotencyRecord | null> {
  const inserted: { key: string }[] = await db.query(
    `WITH ${ASYNC_COMMIT}
     INSERT INTO idempotency_record (principal, key, method, path, request_hash)
     SELECT $1, $2, $3, $4, $5 FROM async_commit
     ON CONFLICT (principal, key) DO UPDATE SET created_at = now()
       WHERE idempotency_record.status IS NULL AND idempotency_record.request_hash = EXCLUDED.request_hash
         AND idempotency_record.created_at < now() - make_interval(secs => $6)
     RETURNING key`,
    [claim.principal, claim.key, claim.method, claim.path, claim.requestHash, leaseSeconds],
  );
  if (inserted.length) return null;
  const rows: { request_hash: string; status: number | null; response: unknown }[] = await db.query(
    `SELECT request_hash, status, response FROM idempotency_record WHERE principal = $1 AND key = $2`,
    [claim.principal, claim.key],
  );
  const row = rows[0];
  return row ? { requestHash: row.request_hash, status: row.status, response: row.response } : null;
}

/**
 * Stores the answer of the key's request. `asynchronously`: committed without waiting for the disk (for a handler
 * that answers a retry the same by itself).
 */
export async function completeIdempotencyKey(
  db: Db,
  principal: string,
  key: string,
  answer: { status: number; body: unknown },
  asynchronously: boolean,
): Promise<void> {
  await db.query(
    asynchronously
      ? `WITH ${ASYNC_COMMIT} UPDATE idempotency_record SET status = $3, response = $4::jsonb, completed_at = now()
           FROM async_commit WHERE principal = $1 AND key = $2`
      : `UPDATE idempotency_record SET status = $3, response = $4::jsonb, completed_at = now() WHERE principal = $1 AND key = $2`,
    [principal, key, answer.status, JSON.stringify(answer.body ?? null)],
  );
}

/** Deletes the key's pending record (a failed request leaves nothing behind). */
export async function releaseIdempotencyKey(db: Db, principal: string, key: string): Promise<void> {
  await db.query(`DELETE FROM idempotency_record WHERE principal = $1 AND key = $2 AND status IS NULL`, [
    principal,
    key,
  ]);
}

/**
 * Deletes the records of requests older than `olderThanSeconds` (a retry comes within minutes; a day is generous), at
 * most `batch` at a time so that no purge holds many rows' locks at once. Returns how many it deleted.
 */
export async function purgeIdempotencyRecords(
  db: Db,
  olderThanSeconds: number,
  batch = 5_000,
): Promise<number> {
  // (Counted in SQL: TypeORM answers a DELETE with [rows, count], not with the rows.)
  const rows: { n: number }[] = await db.query(
    `WITH gone AS (
       DELETE FROM idempotency_record WHERE ctid IN (
         SELECT ctid FROM idempotency_record WHERE created_at < now() - make_interval(secs => $1) LIMIT $2)
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [olderThanSeconds, batch],
  );
  return rows[0].n;
}
