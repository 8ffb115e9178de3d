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
  /** While pending: whether a fenced transaction of the first request has committed (no takeover any more). */
  effectCommitted: boolean;
  /** While pending: seconds until a retry may take the claim over (0: it may now, unless the effect committed). */
  leaseLeftSeconds: number;
}

/** One request's claim on its key: the token that its fenced transactions check before they commit. */
export interface IdempotencyClaim {
  principal: string;
  key: string;
  token: string;
}

/**
 * Inserts a pending record for the key with the claim's token; returns null when it did (the request runs), else the
 * key's record. A pending record of the same request older than `leaseSeconds` is taken over with the new token (its
 * request's process died, or its database went away before it could release it, or it still runs): the retry runs
 * instead of waiting for ever, and the first request, fenced, can no longer commit (`fenceIdempotencyClaim`). A
 * record whose first request committed a fenced transaction is never taken over.
 */
export async function claimIdempotencyKey(
  db: Db,
  claim: IdempotencyClaim & { method: string; path: string; requestHash: string },
  leaseSeconds: number,
): Promise<IdempotencyRecord | null> {
  const inserted: { key: string }[] = await db.query(
    `WITH ${ASYNC_COMMIT}
     INSERT INTO idempotency_record (principal, key, method, path, request_hash, claim_token)
     SELECT $1, $2, $3, $4, $5, $7::uuid FROM async_commit
     ON CONFLICT (principal, key) DO UPDATE SET created_at = now(), claim_token = EXCLUDED.claim_token
       WHERE idempotency_record.status IS NULL AND idempotency_record.request_hash = EXCLUDED.request_hash
         AND idempotency_record.effect_committed_at IS NULL
         AND idempotency_record.created_at < now() - make_interval(secs => $6)
     RETURNING key`,
    [claim.principal, claim.key, claim.method, claim.path, claim.requestHash, leaseSeconds, claim.token],
  );
  if (inserted.length) return null;
  const rows: {
    request_hash: string;
    status: number | null;
    response: unknown;
    effect_committed: boolean;
    lease_left: number;
  }[] = await db.query(
    `SELECT request_hash, status, response, effect_committed_at IS NOT NULL AS effect_committed,
            greatest(0, ceil(extract(epoch FROM created_at + make_interval(secs => $3) - now())))::int AS lease_left
       FROM idempotency_record WHERE principal = $1 AND key = $2`,
    [claim.principal, claim.key, leaseSeconds],
  );
  const row = rows[0];
  return row
    ? {
        requestHash: row.request_hash,
        status: row.status,
        response: row.response,
        effectCommitted: row.effect_committed,
        leaseLeftSeconds: row.lease_left,
      }
    : null;
}

/** A claim to make inside another statement (the request's authentication): the claim, the key's route and hash. */
export interface ClaimRequest extends IdempotencyClaim {
  method: string;
  path: string;
  requestHash: string;
  leaseSeconds: number;
}

/**
 * The outcome of a claim made inside another statement: `claimed` (the request runs), the key's record (it was used
 * before), or undefined when the statement could not tell (a concurrent request inserted the key meanwhile): then
 * the caller claims alone (`claimIdempotencyKey`).
 */
export type ClaimOutcome = { claimed: true } | { claimed: false; record: IdempotencyRecord } | undefined;

/**
 * The pieces of a statement that claims a key as `claimIdempotencyKey` does, for the row `from` (a CTE of one row
 * that the claim needs, the authenticated principal) when `when` holds, the key's principal being the SQL expression
 * `principal`; its parameters are six from `$first` (`claimParams`). With no claim asked (the key null), nothing is
 * written and the statement's commit waits for the disk as usual.
 */
export function claimWithin(principal: string, from: string, when: string, first: number) {
  const [key, method, path, hash, lease, token] = [0, 1, 2, 3, 4, 5].map((i) => `$${first + i}`);
  return {
    ctes: `async_commit AS (SELECT set_config('synchronous_commit', 'off', true) WHERE ${key}::text IS NOT NULL),
     claimed AS (
       INSERT INTO idempotency_record (principal, key, method, path, request_hash, claim_token)
       SELECT ${principal}, ${key}, ${method}, ${path}, ${hash}, ${token}::uuid FROM ${from}, async_commit WHERE ${when}
       ON CONFLICT (principal, key) DO UPDATE SET created_at = now(), claim_token = EXCLUDED.claim_token
         WHERE idempotency_record.status IS NULL AND idempotency_record.request_hash = EXCLUDED.request_hash
           AND idempotency_record.effect_committed_at IS NULL
           AND idempotency_record.created_at < now() - make_interval(secs => ${lease})
       RETURNING key)`,
    columns: `EXISTS (SELECT 1 FROM claimed) AS claimed, r.request_hash, r.status AS record_status,
       r.response AS record_response, r.effect_committed_at IS NOT NULL AS effect_committed,
       greatest(0, ceil(extract(epoch FROM r.created_at + make_interval(secs => ${lease}) - now())))::int AS lease_left`,
    // The key's record as the statement's snapshot shows it (one that committed before it).
    join: `LEFT JOIN idempotency_record r ON ${key}::text IS NOT NULL AND r.principal = ${principal} AND r.key = ${key}`,
  };
}

export const claimParams = (c: ClaimRequest | null | undefined): unknown[] =>
  c
    ? [c.key, c.method, c.path, c.requestHash, c.leaseSeconds, c.token]
    : [null, null, null, null, null, null];

/** The columns `claimWithin` adds to the row of an authentication query. */
export interface ClaimColumns {
  claimed: boolean;
  request_hash: string | null;
  record_status: number | null;
  record_response: unknown;
  effect_committed: boolean;
  lease_left: number | null;
}

/** The outcome of `claimWithin`'s columns, for a row whose principal authenticated (`when` held). */
export function claimOutcome(row: ClaimColumns): ClaimOutcome {
  if (row.claimed) return { claimed: true };
  if (row.request_hash === null) return undefined;
  return {
    claimed: false,
    record: {
      requestHash: row.request_hash,
      status: row.record_status,
      response: row.record_response,
      effectCommitted: row.effect_committed,
      leaseLeftSeconds: row.lease_left ?? 0,
    },
  };
}

/**
 * The fence, run in a request's own transaction just before it commits: true when the key's claim still holds this
 * request's token (and marks the record, so that no retry takes it over once this commits); false when a retry took
 * the claim over, and the caller must roll back. The row lock it takes makes a concurrent takeover wait for the
 * outcome of this transaction.
 */
export async function fenceIdempotencyClaim(db: Db, claim: IdempotencyClaim): Promise<boolean> {
  const rows: { n: number }[] = await db.query(
    `WITH fenced AS (
       UPDATE idempotency_record SET effect_committed_at = coalesce(effect_committed_at, now())
        WHERE principal = $1 AND key = $2 AND claim_token = $3::uuid AND status IS NULL
       RETURNING 1)
     SELECT count(*)::int AS n FROM fenced`,
    [claim.principal, claim.key, claim.token],
  );
  return rows[0].n > 0;
}

/**
 * Stores the answer of the key's request, if its claim is still this one's. `asynchronously`: committed without
 * waiting for the disk (for a handler that answers a retry the same by itself).
 */
export async function completeIdempotencyKey(
  db: Db,
  claim: IdempotencyClaim,
  answer: { status: number; body: unknown },
  asynchronously: boolean,
): Promise<void> {
  await db.query(
    asynchronously
      ? `WITH ${ASYNC_COMMIT} UPDATE idempotency_record SET status = $3, response = $4::jsonb, completed_at = now()
           FROM async_commit WHERE principal = $1 AND key = $2 AND claim_token = $5::uuid`
      : `UPDATE idempotency_record SET status = $3, response = $4::jsonb, completed_at = now()
          WHERE principal = $1 AND key = $2 AND claim_token = $5::uuid`,
    [claim.principal, claim.key, answer.status, JSON.stringify(answer.body ?? null), claim.token],
  );
}

/**
 * Deletes the key's pending record if the claim is still this one's (a failed request leaves nothing behind; one that
 * lost its claim leaves the retry's) and none of its fenced transactions committed (then a retry must not run again).
 */
export async function releaseIdempotencyKey(db: Db, claim: IdempotencyClaim): Promise<void> {
  await db.query(
    `DELETE FROM idempotency_record
      WHERE principal = $1 AND key = $2 AND claim_token = $3::uuid AND status IS NULL AND effect_committed_at IS NULL`,
    [claim.principal, claim.key, claim.token],
  );
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
