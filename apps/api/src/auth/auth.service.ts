import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@cascade/config';
import { DUMMY_PASSWORD_HASH, parseApiKey, randomToken, sha256, verifyPassword } from '@cascade/auth';
import { idsFromPath, type Role } from '@cascade/domain';
import { ApiError } from '../common/api-error';
import { AuthErrorCode } from './auth.exceptions';
import { PrincipalService } from './principal.service';
import type { RequestPrincipal } from './principal';

export interface TokenPair {
  tokenType: 'Bearer';
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}

interface AccessClaims {
  sub: string;
  sid: string;
  typ: 'access';
}

const unauthorized = (code: AuthErrorCode, message: string) =>
  new ApiError(HttpStatus.UNAUTHORIZED, code, message);

/**
 * Sign-in with short-lived access JWTs and rotating refresh tokens. Refresh tokens live in families (one per
 * sign-in): each use replaces the token; presenting a used one again revokes the whole family (it was stolen or
 * replayed). Access tokens carry their family id, so logout and revocation take effect at once.
 */
@Injectable()
export class AuthService {
  /** The signing key, made once: given the secret as a string, jsonwebtoken would parse it on every token. */
  private readonly jwtKey: KeyObject;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly principals: PrincipalService,
  ) {
    this.jwtKey = createSecretKey(Buffer.from(config.JWT_SECRET, 'utf8'));
  }

  async login(emailInput: string, password: string, ip: string): Promise<TokenPair> {
    this.principals.assertDatabase();
    const email = emailInput.trim().toLowerCase();
    await this.throttle(email, ip);
    const users: { id: string; password_hash: string; active: boolean }[] = await this.dataSource.query(
      `SELECT id, password_hash, active FROM app_user WHERE lower(email) = $1`,
      [email],
    );
    const user = users[0];
    // Always run scrypt, so that response time does not tell which e-mails exist.
    const ok = (await verifyPassword(password, user?.password_hash ?? DUMMY_PASSWORD_HASH)) && !!user?.active;
    await this.dataSource.query(`INSERT INTO login_attempt (email, ip, success) VALUES ($1, $2, $3)`, [
      email,
      ip,
      ok,
    ]);
    if (!ok || !user)
      throw unauthorized(AuthErrorCode.INVALID_CREDENTIALS, 'email or password: not recognised');
    const sessionId = randomUUID();
    await this.dataSource.query(`INSERT INTO session_family (id, user_id) VALUES ($1, $2)`, [
      sessionId,
      user.id,
    ]);
    return this.issue(user.id, sessionId);
  }

  private async throttle(email: string, ip: string): Promise<void> {
    const window = this.config.LOGIN_WINDOW_SECONDS;
    const rows: { by_email: number; by_ip: number; oldest: Date | null }[] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE lower(email) = $1)::int AS by_email,
              count(*) FILTER (WHERE ip = $2)::int AS by_ip,
              min(at) FILTER (WHERE lower(email) = $1 OR ip = $2) AS oldest
         FROM login_attempt
        WHERE NOT success AND at > now() - make_interval(secs => $3) AND (lower(email) = $1 OR ip = $2)`,
      [email, ip, window],
    );
    const { by_email, by_ip, oldest } = rows[0];
    if (by_email >= this.config.LOGIN_MAX_FAILURES || by_ip >= this.config.LOGIN_MAX_FAILURES * 4) {
      const retryAfter = oldest
        ? Math.max(1, Math.ceil((oldest.getTime() + window * 1000 - Date.now()) / 1000))
        : window;
      throw new ApiError(
        HttpStatus.TOO_MANY_REQUESTS,
        AuthErrorCode.LOGIN_THROTTLED,
        'too many failed sign-ins; retry later',
        {
          retryAfterSeconds: retryAfter,
        },
      );
    }
  }

  private async issue(userId: string, sessionId: string): Promise<TokenPair> {
    const claims: AccessClaims = { sub: userId, sid: sessionId, typ: 'access' };
    const accessToken = jwt.sign(claims, this.jwtKey, {
      algorithm: 'HS256',
      expiresIn: this.config.ACCESS_TOKEN_TTL_SECONDS,
      jwtid: randomUUID(),
      issuer: 'cascade',
    });
    const refreshToken = randomToken(32);
    await this.dataSource.query(
      `INSERT INTO refresh_token (id, family_id, user_id, token_hash, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [randomUUID(), sessionId, userId, sha256(refreshToken), this.config.REFRESH_TOKEN_TTL_SECONDS],
    );
    return {
      tokenType: 'Bearer',
      accessToken,
      expiresIn: this.config.ACCESS_TOKEN_TTL_SECONDS,
      refreshToken,
      refreshExpiresIn: this.config.REFRESH_TOKEN_TTL_SECONDS,
    };
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    this.principals.assertDatabase();
    const rows: {
      id: string;
      family_id: string;
      user_id: string;
      expired: boolean;
      used_at: Date | null;
      family_revoked: boolean;
      user_active: boolean;
    }[] = await this.dataSource.query(
      `SELECT t.id, t.family_id, t.user_id, t.expires_at < now() AS expired, t.used_at,
              f.revoked_at IS NOT NULL AS family_revoked, u.active AS user_active
         FROM refresh_token t JOIN session_family f ON f.id = t.family_id JOIN app_user u ON u.id = t.user_id
        WHERE t.token_hash = $1`,
      [sha256(refreshToken)],
    );
    const row = rows[0];
    if (!row) throw unauthorized(AuthErrorCode.REFRESH_TOKEN_INVALID, 'refreshToken: not recognised');
    if (row.family_revoked || !row.user_active)
      throw unauthorized(AuthErrorCode.TOKEN_REVOKED, 'refreshToken: revoked');
    if (row.expired) throw unauthorized(AuthErrorCode.REFRESH_TOKEN_INVALID, 'refreshToken: expired');
    // Claim the token atomically: of two concurrent uses, one wins and the other counts as reuse.
    const claimed: unknown[] = await this.dataSource.query(
      `UPDATE refresh_token SET used_at = now() WHERE id = $1 AND used_at IS NULL RETURNING id`,
      [row.id],
    );
    if (row.used_at || claimed.length === 0) {
      await this.revokeSession(row.family_id, 'refresh token reused');
      throw unauthorized(
        AuthErrorCode.REFRESH_TOKEN_REUSED,
        'refreshToken: already used; the session is revoked',
      );
    }
    return this.issue(row.user_id, row.family_id);
  }

  async revokeSession(sessionId: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE session_family SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL`,
      [sessionId, reason],
    );
  }

  /** Verifies an access token and loads its principal; revoked sessions and deactivated users are refused. */
  async authenticateBearer(token: string): Promise<RequestPrincipal> {
    let claims: AccessClaims;
    try {
      claims = jwt.verify(token, this.jwtKey, {
        algorithms: ['HS256'],
        issuer: 'cascade',
      }) as AccessClaims;
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError)
        throw unauthorized(AuthErrorCode.TOKEN_EXPIRED, 'Authorization: token expired');
      throw unauthorized(AuthErrorCode.TOKEN_INVALID, 'Authorization: token invalid');
    }
    if (claims.typ !== 'access' || typeof claims.sub !== 'string' || typeof claims.sid !== 'string') {
      throw unauthorized(AuthErrorCode.TOKEN_INVALID, 'Authorization: token invalid');
    }
    this.principals.assertDatabase();
    // The user, the session and the grants in one round trip.
    const rows: {
      email: string;
      name: string;
      system_admin: boolean;
      active: boolean;
      revoked: boolean;
      grants: { role: Role; path: string }[];
    }[] = await this.dataSource.query(
      `SELECT u.email, u.name, u.system_admin, u.active, f.revoked_at IS NOT NULL AS revoked,
              COALESCE((SELECT json_agg(json_build_object('role', m.role, 'path', un.path::text))
                          FROM membership m JOIN unit un ON un.id = m.unit_id WHERE m.user_id = u.id), '[]') AS grants
         FROM app_user u JOIN session_family f ON f.user_id = u.id
        WHERE u.id = $1 AND f.id = $2`,
      [claims.sub, claims.sid],
    );
    const user = rows[0];
    if (!user || user.revoked || !user.active)
      throw unauthorized(AuthErrorCode.TOKEN_REVOKED, 'Authorization: session revoked');
    return {
      kind: 'user',
      id: claims.sub,
      sessionId: claims.sid,
      email: user.email,
      name: user.name,
      systemAdmin: user.system_admin,
      grants: user.grants.map((g) => ({ role: g.role, unitPath: idsFromPath(g.path) })),
    };
  }

  async authenticateApiKey(key: string): Promise<RequestPrincipal> {
    const parsed = parseApiKey(key);
    if (!parsed) throw unauthorized(AuthErrorCode.API_KEY_INVALID, 'X-API-Key: not recognised');
    this.principals.assertDatabase();
    const rows: { id: string; key_hash: string; role: Role; path: string; revoked: boolean }[] =
      await this.dataSource.query(
        `SELECT k.id, k.key_hash, k.role, u.path::text AS path, k.revoked_at IS NOT NULL AS revoked
         FROM api_key k JOIN unit u ON u.id = k.unit_id WHERE k.prefix = $1`,
        [parsed.prefix],
      );
    const row = rows[0];
    if (!row || row.key_hash !== sha256(parsed.secret)) {
      throw unauthorized(AuthErrorCode.API_KEY_INVALID, 'X-API-Key: not recognised');
    }
    if (row.revoked) throw unauthorized(AuthErrorCode.TOKEN_REVOKED, 'X-API-Key: revoked');
    await this.dataSource.query(
      `UPDATE api_key SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [row.id],
    );
    return {
      kind: 'apiKey',
      id: row.id,
      systemAdmin: false,
      grants: [{ role: row.role, unitPath: idsFromPath(row.path) }],
    };
  }
}
