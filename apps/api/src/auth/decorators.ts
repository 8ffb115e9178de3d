import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { Capability } from '@cascade/domain';
import type { UnitOfResource } from '@cascade/persistence';
import type { AuthenticatedRequest, RequestPrincipal } from './principal';

export const PUBLIC_KEY = 'cascade:public';
export const AUTHORIZE_KEY = 'cascade:authorize';

/** No authentication (login, refresh, health). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export interface AuthorizeRule {
  capability: Capability;
  /** The action a refusal names ("acknowledge" for an acknowledgement, which needs `report`): the capability if not given. */
  action?: string;
  /** Where the target unit id is: a route parameter, a body field or a query parameter. */
  unit: { param: string } | { body: string } | { query: string };
  /** A body/query field that may be null or absent (e.g. parentId of a new root): then only system admins pass. */
  nullable?: boolean;
  /**
   * How to find the unit when the route names another resource (a directive, a membership, an API key): the
   * resource the parameter is the id of, whose unit persistence looks up (`unitOfResource`).
   */
  via?: UnitOfResource;
}

/** The guard resolves the target unit and decides by role and hierarchy scope: 404 when hidden, 403 when visible. */
export const Authorize = (...rules: AuthorizeRule[]) => SetMetadata(AUTHORIZE_KEY, rules);

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): RequestPrincipal =>
    ctx.switchToHttp().getRequest<Request & AuthenticatedRequest>().principal!,
);
