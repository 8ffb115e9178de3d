import { HttpException, HttpStatus } from '@nestjs/common';

/** Error codes shared by every feature; feature-specific codes live next to their feature. */
export enum CommonErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  BAD_REQUEST = 'BAD_REQUEST',
  MALFORMED_JSON = 'MALFORMED_JSON',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  HEADERS_TOO_LARGE = 'HEADERS_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  NOT_FOUND = 'NOT_FOUND',
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
  IDEMPOTENCY_KEY_REQUIRED = 'IDEMPOTENCY_KEY_REQUIRED',
  IDEMPOTENCY_KEY_INVALID = 'IDEMPOTENCY_KEY_INVALID',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  IDEMPOTENCY_REQUEST_IN_PROGRESS = 'IDEMPOTENCY_REQUEST_IN_PROGRESS',
  IDEMPOTENCY_CLAIM_LOST = 'IDEMPOTENCY_CLAIM_LOST',
  IDEMPOTENCY_ANSWER_LOST = 'IDEMPOTENCY_ANSWER_LOST',
  DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE',
  DATABASE_BUSY = 'DATABASE_BUSY',
  TEMPORAL_UNAVAILABLE = 'TEMPORAL_UNAVAILABLE',
  INTERNAL_ERROR = 'INTERNAL_ERROR',
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Every error the API answers with: a stable code, a message naming the field, optional details. */
export class ApiError extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Sent as the Retry-After header (seconds): when a retry may succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(
      { error: { code, message, ...(details === undefined ? {} : { details }) } } satisfies ErrorBody,
      status,
    );
  }
}
