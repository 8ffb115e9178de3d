import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '../common/api-error';
import { AuthErrorCode } from './auth-error-codes';
import type { AuthenticatedRequest } from './principal';

/**
 * Routes that belong to the installation, not to a tree (the wiring probe): only system administrators, whatever
 * the route names, so that nothing a tenant may not touch answers differently for one id than for another.
 */
@Injectable()
export class SystemAdminOnly implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const principal = context.switchToHttp().getRequest<Request & AuthenticatedRequest>().principal;
    if (principal?.systemAdmin) return true;
    throw new ApiError(
      HttpStatus.FORBIDDEN,
      AuthErrorCode.SYSTEM_ADMIN_ONLY,
      'only system administrators may use this route',
    );
  }
}
