import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '@cascade/domain';

/**
 * Sign-in: the attempts counted for throttling (`login_attempt`), the sessions (`session_family`, one per sign-in)
 * and their rotating refresh tokens (`refresh_token`): this file is their one writer. Migration
 * Organisation1763790000000 creates them.
 */
type Db = DataSource | EntityManager;

export async function recordLoginAttempt(
  db: Db,
  attempt: { email: string; ip: string; success: boolean },
): Promise<void> {
  await db.query(`INSERT INTO login_attempt (email, ip, success) VALUES ($1, $2, $3)`, [
    attempt.email,
    attempt.ip,
    attempt.success,
  ]);
}

export interface RecentLoginFailures {
  /** Failures for this e-mail (any case). */
  byEmail: number;
  /** Failures from this address. */
  byIp: number;
  /** When the oldest of them happened, or null when there is none. */
  oldest: Date | null;
}

/** Failed sign-ins for the e-mail (lower-cased) or from the address in the last `windowSeconds`. */
export async function recentLoginFailures(
  db: Db,
  email: string,
  ip: string,
  windowSeconds: number,
): Promise<RecentLoginFailures> {
  const rows: { by_email: number; by_ip: number; oldest: Date | null }[] = await db.query(
    `SELECT count(*) FILTER (WHERE lower(email) = $1)::int AS by_email,
            count(*) FILTER (WHERE ip = $2)::int AS by_ip,
            min(at) FILTER (WHERE lower(email) = $1 OR ip = $2) AS oldest
       FROM login_attempt
      WHERE NOT success AND at > now() - make_interval(secs => $3) AND (lower(email) = $1 OR ip = $2)`,
    [email, ip, windowSeconds],
  );
  return { byEmail: rows[0].by_email, byIp: rows[0].by_ip, oldest: rows[0].oldest };
}

/** Opens a session (a family of refresh tokens) for the user. */
export async function openSession(db: Db, sessionId: string, userId: string): Promise<void> {
  await db.query(`INSERT INTO session_family (id, user_id) VALUES ($1, $2)`, [sessionId, userId]);
}

/** Stores a refresh token of the session by its hash, expiring in `ttlSeconds`. */
export async function storeRefreshToken(
  db: Db,
  token: { sessionId: string; userId: string; tokenHash: string; ttlSeconds: number },
): Promise<void> {
  await db.query(
    `INSERT INTO refresh_token (id, family_id, user_id, token_hash, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
    [randomUUID(), token.sessionId, token.userId, token.tokenHash, token.ttlSeconds],
  );
}

export interface StoredRefreshToken {
  id: string;
  sessionId: string;
  userId: string;
  expired: boolean;
  usedAt: Date | null;
  sessionRevoked: boolean;
  userActive: boolean;
}

/** The refresh token with this hash, with the state of its session and user, or null when there is none. */
export async function refreshTokenByHash(db: Db, tokenHash: string): Promise<StoredRefreshToken | null> {
  const rows: {
    id: string;
    family_id: string;
    user_id: string;
    expired: boolean;
    used_at: Date | null;
    family_revoked: boolean;
    user_active: boolean;
  }[] = await db.query(
    `SELECT t.id, t.family_id, t.user_id, t.expires_at < now() AS expired, t.used_at,
            f.revoked_at IS NOT NULL AS family_revoked, u.active AS user_active
       FROM refresh_token t JOIN session_family f ON f.id = t.family_id JOIN app_user u ON u.id = t.user_id
      WHERE t.token_hash = $1`,
    [tokenHash],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    sessionId: row.family_id,
    userId: row.user_id,
    expired: row.expired,
    usedAt: row.used_at,
    sessionRevoked: row.family_revoked,
    userActive: row.user_active,
  };
}

/** Marks the token used, atomically: of two concurrent uses, one gets true and the other false. */
export async function claimRefreshToken(db: Db, id: string): Promise<boolean> {
  const claimed: { id: string }[] = await db.query(
    `UPDATE refresh_token SET used_at = now() WHERE id = $1 AND used_at IS NULL RETURNING id`,
    [id],
  );
  return claimed.length > 0;
}

/** Revokes a session (no change when it already is): its access and refresh tokens stop working. */
export async function revokeSession(db: Db, sessionId: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE session_family SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL`,
    [sessionId, reason],
  );
}

/** After a change of password: revokes every session of the user but `keptSessionId` (the caller's). */
export async function revokeSessionsOnPasswordChange(
  db: Db,
  userId: string,
  keptSessionId: string | null,
): Promise<void> {
  await db.query(
    `UPDATE session_family SET revoked_at = now(), revoked_reason = 'password changed' WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL`,
    [userId, keptSessionId],
  );
}

/** After an account is deactivated: revokes every session of the user. */
export async function revokeSessionsOfDeactivatedUser(db: Db, userId: string): Promise<void> {
  await db.query(
    `UPDATE session_family SET revoked_at = now(), revoked_reason = 'account deactivated' WHERE user_id = $1 AND revoked_at IS NULL`,
    [userId],
  );
}

/** A session's user as an access token authenticates it, with its grants (role and unit path, ltree text). */
export interface SessionUser {
  email: string;
  name: string;
  systemAdmin: boolean;
  active: boolean;
  sessionRevoked: boolean;
  grants: { role: Role; path: string }[];
}

/** The user, the session and the grants in one round trip; null when the user has no such session. */
export async function sessionUser(db: Db, userId: string, sessionId: string): Promise<SessionUser | null> {
  const rows: {
    email: string;
    name: string;
    system_admin: boolean;
    active: boolean;
    revoked: boolean;
    grants: { role: Role; path: string }[];
  }[] = await db.query(
    `SELECT u.email, u.name, u.system_admin, u.active, f.revoked_at IS NOT NULL AS revoked,
            COALESCE((SELECT json_agg(json_build_object('role', m.role, 'path', un.path::text))
                        FROM membership m JOIN unit un ON un.id = m.unit_id WHERE m.user_id = u.id), '[]') AS grants
       FROM app_user u JOIN session_family f ON f.user_id = u.id
      WHERE u.id = $1 AND f.id = $2`,
    [userId, sessionId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    email: row.email,
    name: row.name,
    systemAdmin: row.system_admin,
    active: row.active,
    sessionRevoked: row.revoked,
    grants: row.grants,
  };
}
