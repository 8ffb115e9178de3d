import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { decide } from '@cascade/domain';
import { unitOfResource } from '@cascade/persistence';
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
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    req.principal = await this.authenticate(req);

    const rules = this.reflector.getAllAndOverride<AuthorizeRule[] | undefined>(AUTHORIZE_KEY, targets) ?? [];
    for (const rule of rules) await this.check(req, rule);
    return true;
  }

  private async authenticate(req: Request) {
    const header = req.header('authorization');
    const apiKey =
      req.header('x-api-key') ?? (header?.startsWith('ApiKey ') ? header.slice(7).trim() : undefined);
    if (apiKey) return this.auth.authenticateApiKey(apiKey);
    if (header?.startsWith('Bearer ')) return this.auth.authenticateBearer(header.slice(7).trim());
    throw new ApiError(
      HttpStatus.UNAUTHORIZED,
      AuthErrorCode.UNAUTHENTICATED,
      'Authorization: a bearer token or X-API-Key is required',
    );
  }

  private async check(req: Request & AuthenticatedRequest, rule: AuthorizeRule): Promise<void> {
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
    // A unit the caller is a member of: its path came with the grants, read in this request.
    const path =
      principal.grants.find((g) => g.unitPath[g.unitPath.length - 1] === id)?.unitPath ??
      (await this.principals.unitPath(id as string));
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
