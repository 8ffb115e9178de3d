import { createParamDecorator, ExecutionContext, HttpStatus } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError, CommonErrorCode } from './api-error';

const KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The `Idempotency-Key` header, required on every state-changing request: a retry with the same key gets the same
 * answer and changes nothing more. It becomes the workflow id or the update id, so Temporal itself dedupes.
 */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string =>
  readIdempotencyKey(ctx.switchToHttp().getRequest<Request>()),
);

/** The validated header, or a 400 naming it. */
export function readIdempotencyKey(req: Request): string {
  const header = req.header('idempotency-key');
  if (header === undefined || header === '') {
    throw new ApiError(
      HttpStatus.BAD_REQUEST,
      CommonErrorCode.IDEMPOTENCY_KEY_REQUIRED,
      'Idempotency-Key: header is required on this request',
    );
  }
  if (!KEY_PATTERN.test(header)) {
    throw new ApiError(
      HttpStatus.BAD_REQUEST,
      CommonErrorCode.IDEMPOTENCY_KEY_INVALID,
      'Idempotency-Key: must be 8-128 characters of [A-Za-z0-9._:-]',
    );
  }
  return header;
}

/** The header when it is a valid key, else null (the interceptor answers its 400 later, in its turn). */
export function validIdempotencyKey(req: Request): string | null {
  const header = req.header('idempotency-key');
  return header !== undefined && KEY_PATTERN.test(header) ? header : null;
}

/** The OpenAPI description of the header, for @ApiHeader. */
export const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: true,
  description: '8-128 characters of [A-Za-z0-9._:-]; a retry with the same key gets the same answer',
};
