import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '@cascade/domain';
import { EXACT_TIME, keysetPage, type KeysetPage, type PageRequest } from './keyset';
import { claimOutcome, claimParams, claimWithin, type ClaimColumns } from './idempotency';
import type { AlongWithAuthentication, FoundAlong } from './sessions';

/**
 * API keys (`api_key`): a unit's keys for machines, each with one role there, stored by prefix and the hash of their
 * secret. This file is their one writer. Migration Organisation1763790000000 creates the table.
 */
type Db = DataSource | EntityManager;

export async function insertApiKey(
  db: Db,
  key: {
    id: string;
    unitId: string;
    role: Role;
    name: string;
    prefix: string;
    keyHash: string;
    createdBy: string | null;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO api_key (id, unit_id, role, name, prefix, key_hash, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
    [key.id, key.unitId, key.role, key.name, key.prefix, key.keyHash, key.createdBy],
  );
}

/** Keys of one bulk request: `batchKey` is its caller and Idempotency-Key, `row` each key's row there. */
export interface ApiKeyBatch {
  batchKey: string;
  createdBy: string | null;
  keys: {
    id: string;
    row: number;
    unitId: string;
    role: Role;
    name: string;
    prefix: string;
    keyHash: string;
  }[];
}

/**
 * Inserts a bulk request's keys in one statement. A row the same batch already made (a retry whose stored answer is
 * gone) is not made again: it comes back in `existing` with the id it has, its secret never again.
 */
export async function insertApiKeys(
  db: Db,
  batch: ApiKeyBatch,
): Promise<{ inserted: Set<number>; existing: Map<number, { id: string; prefix: string }> }> {
  const k = batch.keys;
  const inserted: { batch_row: number }[] = await db.query(
    `INSERT INTO api_key (id, unit_id, role, name, prefix, key_hash, created_by, batch_key, batch_row)
     SELECT r.id, r.unit_id, r.role, r.name, r.prefix, r.key_hash, $7, $8, r.batch_row
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $9::int[])
            AS r(id, unit_id, role, name, prefix, key_hash, batch_row)
     ON CONFLICT (batch_key, batch_row) WHERE batch_key IS NOT NULL DO NOTHING
     RETURNING batch_row`,
    [
      k.map((x) => x.id),
      k.map((x) => x.unitId),
      k.map((x) => x.role),
      k.map((x) => x.name),
      k.map((x) => x.prefix),
      k.map((x) => x.keyHash),
      batch.createdBy,
      batch.batchKey,
      k.map((x) => x.row),
    ],
  );
  const done = new Set(inserted.map((r) => r.batch_row));
  const existing = new Map<number, { id: string; prefix: string }>();
  if (done.size < k.length) {
    const rows: { id: string; prefix: string; batch_row: number }[] = await db.query(
      `SELECT id, prefix, batch_row FROM api_key WHERE batch_key = $1 AND batch_row = ANY($2::int[])`,
      [batch.batchKey, k.filter((x) => !done.has(x.row)).map((x) => x.row)],
    );
    for (const r of rows) existing.set(r.batch_row, { id: r.id, prefix: r.prefix });
  }
  return { inserted: done, existing };
}

export interface UnitApiKey {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The key of an API key in a page of a unit's keys: when it was made (exact, UTC), then its id. */
export type ApiKeyKey = [at: string, id: string];

/** A page of a unit's keys (never their hashes), oldest first (the index `api_key_unit_page`). */
export async function apiKeysOfUnit(
  db: Db,
  unitId: string,
  page: PageRequest<ApiKeyKey>,
): Promise<KeysetPage<UnitApiKey & Record<string, unknown>, ApiKeyKey>> {
  const [at, id] = page.after ?? [null, null];
  const rows: (UnitApiKey & Record<string, unknown>)[] = await db.query(
    `SELECT id, name, role, prefix, created_at AS "createdAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt",
            ${EXACT_TIME('created_at')} AS k_at
       FROM api_key WHERE unit_id = $1 AND ($3::timestamptz IS NULL OR (created_at, id) > ($3, $4::uuid))
      ORDER BY created_at, id LIMIT $2`,
    [unitId, page.limit + 1, at, id],
  );
  return keysetPage(rows, page.limit, (r) => [r.k_at as string, r.id]);
}

/** Revokes a key (no change when it already is). */
export async function revokeApiKey(db: Db, id: string): Promise<void> {
  await db.query(`UPDATE api_key SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [id]);
}

/** A key as it authenticates: its hash, role, name, its unit's path (ltree text) and whether it is revoked. */
export interface ApiKeyCredentials {
  id: string;
  name: string;
  keyHash: string;
  role: Role;
  path: string;
  revoked: boolean;
}

interface CredentialsRow {
  id: string;
  name: string;
  key_hash: string;
  role: Role;
  path: string;
  revoked: boolean;
}

const credentialsOf = (row: CredentialsRow): ApiKeyCredentials => ({
  id: row.id,
  name: row.name,
  keyHash: row.key_hash,
  role: row.role,
  path: row.path,
  revoked: row.revoked,
});

export async function apiKeyByPrefix(db: Db, prefix: string): Promise<ApiKeyCredentials | null> {
  const rows: CredentialsRow[] = await db.query(
    `SELECT k.id, k.name, k.key_hash, k.role, u.path::text AS path, k.revoked_at IS NOT NULL AS revoked
       FROM api_key k JOIN unit u ON u.id = k.unit_id WHERE k.prefix = $1`,
    [prefix],
  );
  return rows[0] ? credentialsOf(rows[0]) : null;
}

/**
 * A key as it authenticates, in one round trip: found by its prefix; when its secret's hash is `keyHash` and it is
 * not revoked, marked used (at most once a minute) and, as `along` asks, the request's Idempotency-Key claimed for
 * `apiKey:<id>`; with the target unit's path (`along.unitId`).
 */
export async function authenticateApiKeyRow(
  db: Db,
  prefix: string,
  keyHash: string,
  along: AlongWithAuthentication = {},
): Promise<(ApiKeyCredentials & { along: FoundAlong }) | null> {
  const claim = claimWithin(`'apiKey:' || who.id::text`, 'who', 'who.valid', 4);
  const rows: (CredentialsRow & { unit_path: string | null } & ClaimColumns)[] = await db.query(
    `WITH who AS (
       SELECT k.id, k.name, k.key_hash, k.role, u.path::text AS path, k.revoked_at IS NOT NULL AS revoked,
              k.key_hash = $2 AND k.revoked_at IS NULL AS valid
         FROM api_key k JOIN unit u ON u.id = k.unit_id WHERE k.prefix = $1),
     touched AS (
       UPDATE api_key k SET last_used_at = now() FROM who
        WHERE k.id = who.id AND who.valid AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute')),
     ${claim.ctes}
     SELECT who.id, who.name, who.key_hash, who.role, who.path, who.revoked,
            (SELECT path::text FROM unit WHERE id = $3::uuid) AS unit_path, ${claim.columns}
       FROM who ${claim.join}`,
    [prefix, keyHash, along.unitId ?? null, ...claimParams(along.claim)],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    ...credentialsOf(row),
    along: { unitPath: row.unit_path, claim: along.claim ? claimOutcome(row) : undefined },
  };
}

/** Records that the key was used, at most once a minute. */
export async function touchApiKey(db: Db, id: string): Promise<void> {
  await db.query(
    `UPDATE api_key SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [id],
  );
}
