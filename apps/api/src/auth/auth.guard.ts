import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { GUARDS_METADATA } from '@nestjs/common/constants';
import { APP_CONFIG, type AppConfig } from '@cascade/config';
import { decide, idsFromPath } from '@cascade/domain';
import {
  releaseIdempotencyKey,
  unitOfResource,
  type AlongWithAuthentication,
  type ClaimRequest,
} from '@cascade/persistence';
import { validIdempotencyKey } from '../common/idempotency-key';
import { earlyClaims, newClaim } from '../idempotency/early-claim';
import { callerOf, IDEMPOTENT_KEY } from '../idempotency/idempotency.interceptor';
import { ApiError, CommonErrorCode } from '../common/api-error';
import { AuthErrorCode } from './auth-error-codes';
import { AuthService } from './auth.service';
import { AUTHORIZE_KEY, AuthorizeRule, PUBLIC_KEY } from './decorators';
import type { AuthenticatedRequest } from './principal';
import { PrincipalService } from './principal.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one guard: authenticates every request (bearer token or API key) unless the route is @Public, then decides
 * each @Authorize rule by role and hierarchy scope. A target the caller may not see is answered 404 exactly as one
 * that does not exist; a visible target with a missing permission is 403.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly principals: PrincipalService,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const rules = this.reflector.getAllAndOverride<AuthorizeRule[] | undefined>(AUTHORIZE_KEY, targets) ?? [];

    // In the authentication's round trip: the first rule's unit (its path, unless the caller is a member there) and,
    // for an @Idempotent route that no guard of its own may refuse after this one, the claim of the request's key.
    const unitId = rules.map((r) => this.targetOf(req, r)).find((id) => id !== null) ?? null;
    const idempotent = this.reflector.getAllAndOverride<object | undefined>(IDEMPOTENT_KEY, targets);
    const ownGuards = targets.some((t) => (Reflect.getMetadata(GUARDS_METADATA, t) as unknown[])?.length);
    const key = idempotent && !ownGuards ? validIdempotencyKey(req) : null;
    const claim = key ? this.earlyClaim(req, key) : null;
    const { principal, found } = await this.authenticate(req, { unitId, claim });
    req.principal = principal;
    if (claim && found.claim) {
      claim.principal = callerOf(principal);
      earlyClaims.set(req, { claim, outcome: found.claim });
    }

    try {
      for (const rule of rules) await this.check(req, rule, unitId, found.unitPath);
    } catch (error) {
      // Refused: the key's claim is let go, as the interceptor lets a failed request's go.
      if (claim && found.claim?.claimed)
        await releaseIdempotencyKey(this.dataSource, claim).catch(() => undefined);
      throw error;
    }
    return true;
  }

  /**
   * The request's claim, its principal set once authenticated; none when its body cannot be hashed (JSON nested past
   * the stack: the rules refuse it first, as before, and the interceptor claims whatever passes them).
   */
  private earlyClaim(req: Request, key: string): ClaimRequest | null {
    try {
      return newClaim(req, '', key, this.config.IDEMPOTENCY_LEASE_SECONDS);
    } catch (error) {
      if (error instanceof RangeError) return null;
      throw error;
    }
  }

  /** The unit id a rule names directly (not through a resource), when it is one. */
  private targetOf(req: Request, rule: AuthorizeRule): string | null {
    if (rule.via) return null;
    const u = rule.unit;
    const id =
      'param' in u
        ? (req.params as Record<string, unknown>)?.[u.param]
        : 'body' in u
          ? (req.body as Record<string, unknown> | undefined)?.[u.body]
          : (req.query as Record<string, unknown>)?.[u.query];
    return typeof id === 'string' && UUID.test(id) ? id : null;
  }

  private async authenticate(req: Request, along: AlongWithAuthentication) {
    const header = req.header('authorization');
    const apiKey =
      req.header('x-api-key') ?? (header?.startsWith('ApiKey ') ? header.slice(7).trim() : undefined);
    if (apiKey) return this.auth.authenticateApiKey(apiKey, along);
    if (header?.startsWith('Bearer ')) return this.auth.authenticateBearer(header.slice(7).trim(), along);
    throw new ApiError(
      HttpStatus.UNAUTHORIZED,
      AuthErrorCode.UNAUTHENTICATED,
      'Authorization: a bearer token or X-API-Key is required',
    );
  }

  private async check(
    req: Request & AuthenticatedRequest,
    rule: AuthorizeRule,
    foundUnit: string | null,
    foundPath: string | null,
  ): Promise<void> {
    const principal = req.principal!;
    const [where, field] =
      'param' in rule.unit
        ? (['param', rule.unit.param] as const)
        : 'body' in rule.unit
          ? (['body', rule.unit.body] as const)
          : (['query', rule.unit.query] as const);
    const source = (where === 'param' ? req.params : where === 'body' ? req.body : req.query) as
      Record<string, unknown> | undefined;
    let id = source?.[field];

    if (id === undefined || id === null || id === '') {
      if (rule.nullable) {
        if (principal.systemAdmin) return;
        throw new ApiError(
          HttpStatus.FORBIDDEN,
          AuthErrorCode.FORBIDDEN,
          `${field}: only a system administrator may act without a unit`,
        );
      }
      throw new ApiError(HttpStatus.BAD_REQUEST, CommonErrorCode.VALIDATION_FAILED, `${field}: is required`);
    }
    if (typeof id !== 'string' || !UUID.test(id)) {
      if (where === 'param') throw this.notFound(rule, typeof id === 'string' ? id : '?');
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        CommonErrorCode.VALIDATION_FAILED,
        `${field}: must be a UUID`,
      );
    }
    this.principals.assertDatabase();
    if (rule.via) {
      const unitId = await unitOfResource(this.dataSource, rule.via, id);
      if (unitId === null) throw this.notFound(rule, id);
      id = unitId;
    }
    // A unit the caller is a member of: its path came with the grants, read in this request; else with them.
    const path =
      principal.grants.find((g) => g.unitPath[g.unitPath.length - 1] === id)?.unitPath ??
      (id === foundUnit
        ? foundPath === null
          ? null
          : idsFromPath(foundPath)
        : await this.principals.unitPath(id as string));
    if (!path) throw this.notFound(rule, id as string);
    const decision = decide(principal, rule.capability, path);
    if (decision === 'hidden') throw this.notFound(rule, source?.[field] as string);
    if (decision === 'forbidden') {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        AuthErrorCode.FORBIDDEN,
        `${field}: your roles do not permit "${rule.action ?? rule.capability}" here`,
      );
    }
  }

  private notFound(rule: AuthorizeRule, id: string): ApiError {
    const what = rule.via ? 'resource' : 'unit';
    return new ApiError(
      HttpStatus.NOT_FOUND,
      rule.via ? CommonErrorCode.NOT_FOUND : 'UNIT_NOT_FOUND',
      `${what} ${id}: not found`,
    );
  }
}
