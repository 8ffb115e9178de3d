import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '@cascade/domain';
import {
  claimOutcome,
  claimParams,
  claimWithin,
  type ClaimColumns,
  type ClaimOutcome,
  type ClaimRequest,
} from './idempotency';

/**
 * Sign-in: the attempts counted for throttling (`login_attempt`), the sessions (`session_family`, one per sign-in)
 * and their rotating refresh tokens (`refresh_token`): this file is their one writer. Migration
 * Organisation1763790000000 creates them.
 */
type Db = DataSource | EntityManager;

/** What the throttle of sign-ins decided for one attempt. */
export interface LoginAdmission {
  /** The attempt's row, counted as a failure until `markLoginSucceeded`; null when it was refused. */
  attemptId: string | null;
  /** When refused: seconds until the next attempt is admitted. */
  retryAfterSeconds: number;
}

export interface LoginThrottle {
  /** Failures of an e-mail (since its last success) before each next attempt waits. */
  maxFailures: number;
  /** Failures from one address within the window before it is refused until they age out. */
  maxFailuresPerAddress: number;
  windowSeconds: number;
  /** The longest wait that an e-mail's failures impose. */
  maxDelaySeconds: number;
}

/**
 * Admits a sign-in attempt or refuses it, atomically. Under a transaction-scoped advisory lock per e-mail and per
 * address (so concurrent attempts for one account, or from one address, queue instead of all reading the same count),
 * one statement counts the recent failures and, when the attempt may go ahead, records it at once, pending: the
 * password is checked afterwards, and the row is then marked failed or succeeded. The e-mail's count takes a pending
 * attempt as a failure, so of 20 parallel wrong passwords for one e-mail only `maxFailures` are checked; the address's
 * count takes only attempts known to have failed, so that many people signing in at once from one address (an office
 * behind NAT, a connector) are not refused while their passwords are being checked.
 *
 * The e-mail gets a growing delay instead of a lock: after n ≥ maxFailures failures since its last success, the next
 * attempt is admitted 2^(n − maxFailures + 1) seconds after the last failure (capped), so a stranger who knows a
 * leader's e-mail slows its sign-in down for minutes at most. The delay runs from when a failure was known (the mark
 * sets its time), and an attempt still being checked holds it at now: otherwise, on a busy host where checking a
 * password takes seconds, the next of many parallel guesses found the delay already passed and was checked too. An
 * attempt left pending for a minute (its process died) counts from when it began. An address past its (larger) limit waits until its
 * oldest failure in the window ages out.
 */
export async function admitLoginAttempt(
  dataSource: DataSource,
  attempt: { email: string; ip: string },
  throttle: LoginThrottle,
): Promise<LoginAdmission> {
  return dataSource.transaction(async (m) => {
    await m.query(
      `SELECT pg_advisory_xact_lock(7301, hashtext($1)), pg_advisory_xact_lock(7302, hashtext($2))`,
      [attempt.email, attempt.ip],
    );
    const rows: { attempt_id: string | null; retry_after: number }[] = await m.query(
      `WITH last_success AS (
         SELECT coalesce(max(at), '-infinity'::timestamptz) AS at FROM login_attempt WHERE lower(email) = $1 AND success
       ), by_email AS (
         SELECT count(*)::int AS failures,
                max(CASE WHEN a.success IS NULL AND a.at > now() - interval '60 seconds' THEN now() ELSE a.at END)
                  AS last_failure
           FROM login_attempt a, last_success s
          WHERE lower(a.email) = $1 AND a.success IS NOT TRUE AND a.at > s.at AND a.at > now() - make_interval(secs => $3)
       ), by_ip AS (
         SELECT count(*)::int AS failures, min(at) AS oldest
           FROM login_attempt WHERE ip = $2 AND success = false AND at > now() - make_interval(secs => $3)
       ), wait AS (
         SELECT greatest(
                  CASE WHEN e.failures >= $4 THEN extract(epoch FROM e.last_failure
                         + make_interval(secs => least($6::float8, power(2, e.failures - $4 + 1))) - now())
                       ELSE 0 END,
                  CASE WHEN i.failures >= $5 THEN extract(epoch FROM i.oldest + make_interval(secs => $3) - now())
                       ELSE 0 END,
                  0)::float8 AS seconds
           FROM by_email e, by_ip i
       ), admitted AS (
         INSERT INTO login_attempt (email, ip, success) SELECT $1, $2, NULL FROM wait WHERE seconds <= 0 RETURNING id
       )
       SELECT (SELECT id::text FROM admitted) AS attempt_id, ceil((SELECT seconds FROM wait))::int AS retry_after`,
      [
        attempt.email,
        attempt.ip,
        throttle.windowSeconds,
        throttle.maxFailures,
        throttle.maxFailuresPerAddress,
        throttle.maxDelaySeconds,
      ],
    );
    return { attemptId: rows[0].attempt_id, retryAfterSeconds: Math.max(1, rows[0].retry_after) };
  });
}

/** The admitted attempt turned out wrong: a failure for the e-mail and for the address. */
export async function markLoginFailed(db: Db, attemptId: string): Promise<void> {
  await db.query(`UPDATE login_attempt SET success = false, at = clock_timestamp() WHERE id = $1`, [
    attemptId,
  ]);
}

/** The admitted attempt turned out right: it stops counting as a failure (and resets the e-mail's delay). */
export async function markLoginSucceeded(db: Db, attemptId: string): Promise<void> {
  await db.query(`UPDATE login_attempt SET success = true WHERE id = $1`, [attemptId]);
}

/** Opens a session (a family of refresh tokens) for the user. */
export async function openSession(db: Db, sessionId: string, userId: string): Promise<void> {
  await db.query(`INSERT INTO session_family (id, user_id) VALUES ($1, $2)`, [sessionId, userId]);
}

/**
 * Stores a refresh token of the session by its hash, expiring in `ttlSeconds` but never after the session's absolute
 * end (`maxAgeSeconds` after it opened): rotation does not extend a sign-in. Returns the seconds it is valid for.
 */
export async function storeRefreshToken(
  db: Db,
  token: { sessionId: string; userId: string; tokenHash: string; ttlSeconds: number; maxAgeSeconds: number },
): Promise<number> {
  const rows: { valid_for: number }[] = await db.query(
    `INSERT INTO refresh_token (id, family_id, user_id, token_hash, expires_at)
     SELECT $1, f.id, $3, $4,
            least(now() + make_interval(secs => $5), f.created_at + make_interval(secs => $6))
       FROM session_family f WHERE f.id = $2
     RETURNING greatest(0, floor(extract(epoch FROM expires_at - now())))::int AS valid_for`,
    [randomUUID(), token.sessionId, token.userId, token.tokenHash, token.ttlSeconds, token.maxAgeSeconds],
  );
  return rows[0]?.valid_for ?? 0;
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

/**
 * The refresh token with this hash, with the state of its session and user, or null when there is none. A token of a
 * session older than `maxAgeSeconds` is expired, whatever its own expiry says.
 */
export async function refreshTokenByHash(
  db: Db,
  tokenHash: string,
  maxAgeSeconds: number,
): Promise<StoredRefreshToken | null> {
  const rows: {
    id: string;
    family_id: string;
    user_id: string;
    expired: boolean;
    used_at: Date | null;
    family_revoked: boolean;
    user_active: boolean;
  }[] = await db.query(
    `SELECT t.id, t.family_id, t.user_id,
            t.expires_at < now() OR f.created_at + make_interval(secs => $2) < now() AS expired, t.used_at,
            f.revoked_at IS NOT NULL AS family_revoked, u.active AS user_active
       FROM refresh_token t JOIN session_family f ON f.id = t.family_id JOIN app_user u ON u.id = t.user_id
      WHERE t.token_hash = $1`,
    [tokenHash, maxAgeSeconds],
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

/** Revokes every session of the user (its password was reset from outside, `cascade bootstrap-admin`). */
export async function revokeSessionsOfUser(db: Db, userId: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE session_family SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL`,
    [userId, reason],
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

/**
 * What an authenticating statement does besides, in the same round trip: read the unit a request targets (its
 * path, for the authorization), and claim the request's Idempotency-Key (only when the principal authenticated).
 */
export interface AlongWithAuthentication {
  unitId?: string | null;
  claim?: ClaimRequest | null;
}

/** What it found: the target unit's path (ltree text; null: no such unit) and the claim's outcome. */
export interface FoundAlong {
  unitPath: string | null;
  claim: ClaimOutcome;
}

/**
 * The user, the session and the grants in one round trip, with what `along` asks (the target unit's path, the claim
 * of the request's key for `user:<id>` when the user is active and the session live); null when the user has no
 * such session. A session older than `maxAgeSeconds` counts as revoked.
 */
export async function sessionUser(
  db: Db,
  userId: string,
  sessionId: string,
  maxAgeSeconds: number,
  along: AlongWithAuthentication = {},
): Promise<(SessionUser & { along: FoundAlong }) | null> {
  const claim = claimWithin(`'user:' || who.id::text`, 'who', 'who.active AND NOT who.revoked', 5);
  const rows: ({
    email: string;
    name: string;
    system_admin: boolean;
    active: boolean;
    revoked: boolean;
    grants: { role: Role; path: string }[];
    unit_path: string | null;
  } & ClaimColumns)[] = await db.query(
    `WITH who AS (
       SELECT u.id, u.email, u.name, u.system_admin, u.active,
              f.revoked_at IS NOT NULL OR f.created_at + make_interval(secs => $3) < now() AS revoked
         FROM app_user u JOIN session_family f ON f.user_id = u.id
        WHERE u.id = $1 AND f.id = $2),
     ${claim.ctes}
     SELECT who.email, who.name, who.system_admin, who.active, who.revoked,
            COALESCE((SELECT json_agg(json_build_object('role', m.role, 'path', un.path::text))
                        FROM membership m JOIN unit un ON un.id = m.unit_id WHERE m.user_id = who.id), '[]') AS grants,
            (SELECT path::text FROM unit WHERE id = $4::uuid) AS unit_path, ${claim.columns}
       FROM who ${claim.join}`,
    [userId, sessionId, maxAgeSeconds, along.unitId ?? null, ...claimParams(along.claim)],
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
    along: { unitPath: row.unit_path, claim: along.claim ? claimOutcome(row) : undefined },
  };
}

/**
 * Deletes sign-in attempts older than `olderThanSeconds` (throttling reads only the last LOGIN_WINDOW_SECONDS), at most
 * `batch` at a time. Returns how many it deleted.
 */
export async function purgeLoginAttempts(db: Db, olderThanSeconds: number, batch = 5_000): Promise<number> {
  // (Counted in SQL: TypeORM answers a DELETE with [rows, count], not with the rows.)
  const rows: { n: number }[] = await db.query(
    `WITH gone AS (
       DELETE FROM login_attempt WHERE ctid IN (
         SELECT ctid FROM login_attempt WHERE at < now() - make_interval(secs => $1) LIMIT $2)
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [olderThanSeconds, batch],
  );
  return rows[0].n;
}
