import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@cascade/config';
import {
  DUMMY_PASSWORD_HASH,
  hashPassword,
  parseApiKey,
  randomToken,
  sha256,
  verifyPassword,
} from '@cascade/auth';
import { idsFromPath, passwordProblems } from '@cascade/domain';
import {
  activateUser,
  authenticateApiKeyRow,
  type AlongWithAuthentication,
  type FoundAlong,
  claimRefreshToken,
  openSession,
  admitLoginAttempt,
  markLoginFailed,
  markLoginSucceeded,
  refreshTokenByHash,
  revokeSession,
  sessionUser,
  storeRefreshToken,
  userByActivationHash,
  userCredentialsByEmail,
} from '@cascade/persistence';
import { ApiError } from '../common/api-error';
import { PeopleErrorCode } from '../people/people-error-codes';
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

/** A principal, and what its authentication's round trip found besides. */
export interface Authenticated {
  principal: RequestPrincipal;
  found: FoundAlong;
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

  /**
   * Counts an attempt before its secret is checked, in one atomic step (parallel guesses queue on the count), or
   * refuses it (429). `subject` is the e-mail for a sign-in; an activation's subject is its address.
   */
  private async admit(subject: string, ip: string): Promise<string> {
    const admission = await admitLoginAttempt(
      this.dataSource,
      { email: subject, ip },
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
    return admission.attemptId;
  }

  async login(emailInput: string, password: string, ip: string): Promise<TokenPair> {
    this.principals.assertDatabase();
    const email = emailInput.trim().toLowerCase();
    const attemptId = await this.admit(email, ip);
    const user = await userCredentialsByEmail(this.dataSource, email);
    // Always run scrypt, so that response time does not tell which e-mails exist.
    const ok = (await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH)) && !!user?.active;
    if (!ok || !user) {
      await markLoginFailed(this.dataSource, attemptId);
      throw unauthorized(AuthErrorCode.INVALID_CREDENTIALS, 'email or password: not recognised');
    }
    await markLoginSucceeded(this.dataSource, attemptId);
    const sessionId = randomUUID();
    await openSession(this.dataSource, sessionId, user.id);
    return this.issue(user.id, sessionId);
  }

  /**
   * Activates a user made in bulk: its one-time token sets its first password (the password policy applies) and is
   * consumed, and the answer is a session as from a sign-in. An unknown, used or expired token (or a deactivated
   * account's) gets one answer, whichever it was; each counts as a failed sign-in from the caller's address, so
   * guessing tokens is throttled as guessing passwords is.
   */
  async activate(token: string, password: string, ip: string): Promise<TokenPair> {
    this.principals.assertDatabase();
    // The throttle's subject is the address (a token names no account before it is checked); no e-mail has a colon.
    const attemptId = await this.admit(`activation:${ip}`, ip);
    const hash = sha256(token);
    const invalid = async () => {
      await markLoginFailed(this.dataSource, attemptId);
      return unauthorized(AuthErrorCode.ACTIVATION_TOKEN_INVALID, 'token: not recognised, used or expired');
    };
    const user = await userByActivationHash(this.dataSource, hash);
    if (!user) throw await invalid();
    // The token was right: whatever follows, this attempt is no failure.
    await markLoginSucceeded(this.dataSource, attemptId);
    const problems = passwordProblems(password, { email: user.email });
    if (problems.length) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        PeopleErrorCode.PASSWORD_TOO_WEAK,
        `password: ${problems.join('; ')}`,
        [{ field: 'password', problems }],
      );
    }
    // The hash (scrypt) outside any transaction; then one statement sets it and consumes the token.
    const userId = await activateUser(this.dataSource, hash, await hashPassword(password));
    if (!userId)
      throw unauthorized(AuthErrorCode.ACTIVATION_TOKEN_INVALID, 'token: not recognised, used or expired');
    const sessionId = randomUUID();
    await openSession(this.dataSource, sessionId, userId);
    return this.issue(userId, sessionId);
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

  /**
   * Verifies an access token and loads its principal; revoked sessions and deactivated users are refused. `along`:
   * what the same round trip does besides (the target unit's path, the claim of the request's key).
   */
  async authenticateBearer(token: string, along: AlongWithAuthentication = {}): Promise<Authenticated> {
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
    return this.sessionPrincipal(claims.sub, claims.sid, along);
  }

  /**
   * A ticket for one live stream (an EventSource cannot send headers): the caller's session, valid `seconds`, of its
   * own type so that it is never an access token, and only worth opening a stream (the session is checked again).
   */
  streamTicket(principal: RequestPrincipal, seconds: number): string {
    return jwt.sign({ typ: 'stream', sid: principal.sessionId }, this.jwtKey, {
      algorithm: 'HS256',
      issuer: 'cascade',
      subject: principal.id,
      expiresIn: seconds,
    });
  }

  async authenticateStreamTicket(ticket: string): Promise<RequestPrincipal> {
    let claims: AccessClaims;
    try {
      claims = jwt.verify(ticket, this.jwtKey, { algorithms: ['HS256'], issuer: 'cascade' }) as AccessClaims;
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError)
        throw unauthorized(AuthErrorCode.TOKEN_EXPIRED, 'ticket: expired');
      throw unauthorized(AuthErrorCode.TOKEN_INVALID, 'ticket: invalid');
    }
    if (
      (claims.typ as string) !== 'stream' ||
      typeof claims.sub !== 'string' ||
      typeof claims.sid !== 'string'
    )
      throw unauthorized(AuthErrorCode.TOKEN_INVALID, 'ticket: invalid');
    return (await this.sessionPrincipal(claims.sub, claims.sid)).principal;
  }

  private async sessionPrincipal(
    sub: string,
    sid: string,
    along: AlongWithAuthentication = {},
  ): Promise<Authenticated> {
    const claims = { sub, sid };
    this.principals.assertDatabase();
    // The user, the session and the grants in one round trip, with what `along` asks.
    const user = await sessionUser(
      this.dataSource,
      claims.sub,
      claims.sid,
      this.config.SESSION_MAX_AGE_SECONDS,
      along,
    );
    if (!user || user.sessionRevoked || !user.active)
      throw unauthorized(AuthErrorCode.TOKEN_REVOKED, 'Authorization: session revoked');
    return {
      principal: {
        kind: 'user',
        id: claims.sub,
        sessionId: claims.sid,
        email: user.email,
        name: user.name,
        systemAdmin: user.systemAdmin,
        grants: user.grants.map((g) => ({ role: g.role, unitPath: idsFromPath(g.path) })),
      },
      found: user.along,
    };
  }

  /** An API key's principal; its use is recorded (and `along` done) in the round trip that finds it. */
  async authenticateApiKey(key: string, along: AlongWithAuthentication = {}): Promise<Authenticated> {
    const parsed = parseApiKey(key);
    if (!parsed) throw unauthorized(AuthErrorCode.API_KEY_INVALID, 'X-API-Key: not recognised');
    this.principals.assertDatabase();
    const hash = sha256(parsed.secret);
    const apiKey = await authenticateApiKeyRow(this.dataSource, parsed.prefix, hash, along);
    if (!apiKey || apiKey.keyHash !== hash) {
      throw unauthorized(AuthErrorCode.API_KEY_INVALID, 'X-API-Key: not recognised');
    }
    if (apiKey.revoked) throw unauthorized(AuthErrorCode.TOKEN_REVOKED, 'X-API-Key: revoked');
    return {
      principal: {
        kind: 'apiKey',
        id: apiKey.id,
        name: apiKey.name,
        systemAdmin: false,
        grants: [{ role: apiKey.role, unitPath: idsFromPath(apiKey.path) }],
      },
      found: apiKey.along,
    };
  }
}
