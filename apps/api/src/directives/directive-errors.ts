import { HttpStatus } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import { DirectiveErrorCode } from './directive-error-codes';

export const directiveNotFound = (id: string) =>
  new ApiError(HttpStatus.NOT_FOUND, DirectiveErrorCode.DIRECTIVE_NOT_FOUND, `directive ${id}: not found`);

/** The answer for a unit the directive was not routed to. */
export const notRouted = () =>
  new ApiError(
    HttpStatus.NOT_FOUND,
    DirectiveErrorCode.ROUTING_NODE_NOT_FOUND,
    'unitId: the directive was not routed to this unit',
  );
