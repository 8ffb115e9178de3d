import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '@cascade/domain';

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

export interface UnitApiKey {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** A unit's keys (never their hashes), oldest first. */
export async function apiKeysOfUnit(db: Db, unitId: string): Promise<UnitApiKey[]> {
  return db.query(
    `SELECT id, name, role, prefix, created_at AS "createdAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"
       FROM api_key WHERE unit_id = $1 ORDER BY created_at`,
    [unitId],
  );
}

/** Revokes a key (no change when it already is). */
export async function revokeApiKey(db: Db, id: string): Promise<void> {
  await db.query(`UPDATE api_key SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [id]);
}

/** A key as it authenticates: its hash, role, its unit's path (ltree text) and whether it is revoked. */
export interface ApiKeyCredentials {
  id: string;
  keyHash: string;
  role: Role;
  path: string;
  revoked: boolean;
}

export async function apiKeyByPrefix(db: Db, prefix: string): Promise<ApiKeyCredentials | null> {
  const rows: { id: string; key_hash: string; role: Role; path: string; revoked: boolean }[] = await db.query(
    `SELECT k.id, k.key_hash, k.role, u.path::text AS path, k.revoked_at IS NOT NULL AS revoked
       FROM api_key k JOIN unit u ON u.id = k.unit_id WHERE k.prefix = $1`,
    [prefix],
  );
  const row = rows[0];
  if (!row) return null;
  return { id: row.id, keyHash: row.key_hash, role: row.role, path: row.path, revoked: row.revoked };
}

/** Records that the key was used, at most once a minute. */
export async function touchApiKey(db: Db, id: string): Promise<void> {
  await db.query(
    `UPDATE api_key SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [id],
  );
}
