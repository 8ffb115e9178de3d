import { HttpStatus } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import { DirectiveErrorCode } from './directive-error-codes';

export const directiveNotFound = (id: string) =>
  new ApiError(HttpStatus.NOT_FOUND, DirectiveErrorCode.DIRECTIVE_NOT_FOUND, `directive ${id}: not found`);

/**
 * A directive is answered as not found (`directiveNotFound`) to a unit it was neither issued by nor routed to; this
 * answer is for a unit that knows it, but no longer takes part (it returned the directive).
 */
export const notRouted = () =>
  new ApiError(
    HttpStatus.NOT_FOUND,
    DirectiveErrorCode.ROUTING_NODE_NOT_FOUND,
    'unitId: the directive was not routed to this unit',
  );
