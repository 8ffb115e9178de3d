import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@cascade/config';
import { DUMMY_PASSWORD_HASH, parseApiKey, randomToken, sha256, verifyPassword } from '@cascade/auth';
import { idsFromPath } from '@cascade/domain';
import {
  apiKeyByPrefix,
  claimRefreshToken,
  openSession,
  admitLoginAttempt,
  markLoginFailed,
  markLoginSucceeded,
  refreshTokenByHash,
  revokeSession,
  sessionUser,
  storeRefreshToken,
  touchApiKey,
  userCredentialsByEmail,
} from '@cascade/persistence';
import { ApiError } from '../common/api-error';
import { AuthErrorCode } from './auth-error-codes';
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
 * replayed). Access tokens carry their family id, so logout and revocation take effect at once. A family lives at most
 * SESSION_MAX_AGE_SECONDS from its sign-in, however often it is rotated.
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
    // Counted before the password is checked, in one atomic step: parallel guesses queue on the count.
    const admission = await admitLoginAttempt(
      this.dataSource,
      { email, ip },
      {
        maxFailures: this.config.LOGIN_MAX_FAILURES,
        maxFailuresPerAddress:
          this.config.LOGIN_MAX_FAILURES_PER_ADDRESS ?? this.config.LOGIN_MAX_FAILURES * 4,
        windowSeconds: this.config.LOGIN_WINDOW_SECONDS,
        maxDelaySeconds: this.config.LOGIN_MAX_DELAY_SECONDS,
      },
    );
    if (admission.attemptId === null) {
      throw new ApiError(
        HttpStatus.TOO_MANY_REQUESTS,
        AuthErrorCode.LOGIN_THROTTLED,
        'too many failed sign-ins; retry later',
        { retryAfterSeconds: admission.retryAfterSeconds },
      );
    }
    const user = await userCredentialsByEmail(this.dataSource, email);
    // Always run scrypt, so that response time does not tell which e-mails exist.
    const ok = (await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH)) && !!user?.active;
    if (!ok || !user) {
      await markLoginFailed(this.dataSource, admission.attemptId);
      throw unauthorized(AuthErrorCode.INVALID_CREDENTIALS, 'email or password: not recognised');
    }
    await markLoginSucceeded(this.dataSource, admission.attemptId);
    const sessionId = randomUUID();
    await openSession(this.dataSource, sessionId, user.id);
    return this.issue(user.id, sessionId);
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
    const refreshExpiresIn = await storeRefreshToken(this.dataSource, {
      sessionId,
      userId,
      tokenHash: sha256(refreshToken),
      ttlSeconds: this.config.REFRESH_TOKEN_TTL_SECONDS,
      maxAgeSeconds: this.config.SESSION_MAX_AGE_SECONDS,
    });
    return {
      tokenType: 'Bearer',
      accessToken,
      expiresIn: this.config.ACCESS_TOKEN_TTL_SECONDS,
      refreshToken,
      refreshExpiresIn,
    };
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    this.principals.assertDatabase();
    const token = await refreshTokenByHash(
      this.dataSource,
      sha256(refreshToken),
      this.config.SESSION_MAX_AGE_SECONDS,
    );
    if (!token) throw unauthorized(AuthErrorCode.REFRESH_TOKEN_INVALID, 'refreshToken: not recognised');
    if (token.sessionRevoked || !token.userActive)
      throw unauthorized(AuthErrorCode.TOKEN_REVOKED, 'refreshToken: revoked');
    if (token.expired) throw unauthorized(AuthErrorCode.REFRESH_TOKEN_INVALID, 'refreshToken: expired');
    // Claim the token atomically: of two concurrent uses, one wins and the other counts as reuse.
    const claimed = await claimRefreshToken(this.dataSource, token.id);
    if (token.usedAt || !claimed) {
      await this.revokeSession(token.sessionId, 'refresh token reused');
      throw unauthorized(
        AuthErrorCode.REFRESH_TOKEN_REUSED,
        'refreshToken: already used; the session is revoked',
      );
    }
    return this.issue(token.userId, token.sessionId);
  }

  async revokeSession(sessionId: string, reason: string): Promise<void> {
    await revokeSession(this.dataSource, sessionId, reason);
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
    const user = await sessionUser(
      this.dataSource,
      claims.sub,
      claims.sid,
      this.config.SESSION_MAX_AGE_SECONDS,
    );
    if (!user || user.sessionRevoked || !user.active)
      throw unauthorized(AuthErrorCode.TOKEN_REVOKED, 'Authorization: session revoked');
    return {
      kind: 'user',
      id: claims.sub,
      sessionId: claims.sid,
      email: user.email,
      name: user.name,
      systemAdmin: user.systemAdmin,
      grants: user.grants.map((g) => ({ role: g.role, unitPath: idsFromPath(g.path) })),
    };
  }

  async authenticateApiKey(key: string): Promise<RequestPrincipal> {
    const parsed = parseApiKey(key);
    if (!parsed) throw unauthorized(AuthErrorCode.API_KEY_INVALID, 'X-API-Key: not recognised');
    this.principals.assertDatabase();
    const apiKey = await apiKeyByPrefix(this.dataSource, parsed.prefix);
    if (!apiKey || apiKey.keyHash !== sha256(parsed.secret)) {
      throw unauthorized(AuthErrorCode.API_KEY_INVALID, 'X-API-Key: not recognised');
    }
    if (apiKey.revoked) throw unauthorized(AuthErrorCode.TOKEN_REVOKED, 'X-API-Key: revoked');
    await touchApiKey(this.dataSource, apiKey.id);
    return {
      kind: 'apiKey',
      id: apiKey.id,
      name: apiKey.name,
      systemAdmin: false,
      grants: [{ role: apiKey.role, unitPath: idsFromPath(apiKey.path) }],
    };
  }
}
