import { HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ApiError, CommonErrorCode } from './api-error';

interface ParserError {
  type?: string;
  limit?: number;
}

/**
 * Express error middleware placed right after the body parsers: turns their errors into ApiErrors before Nest
 * flattens them into a bare 400, so that clients get MALFORMED_JSON / PAYLOAD_TOO_LARGE with a stable code.
 */
export function bodyParserErrors(err: unknown, _req: Request, _res: Response, next: NextFunction): void {
  const e = err as ParserError;
  switch (e?.type) {
    case 'entity.parse.failed':
      return next(
        new ApiError(HttpStatus.BAD_REQUEST, CommonErrorCode.MALFORMED_JSON, 'body: not valid JSON'),
      );
    case 'entity.too.large':
      return next(
        new ApiError(
          HttpStatus.PAYLOAD_TOO_LARGE,
          CommonErrorCode.PAYLOAD_TOO_LARGE,
          `body: larger than the limit of ${e.limit ?? '?'} bytes`,
        ),
      );
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return next(
        new ApiError(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          CommonErrorCode.UNSUPPORTED_MEDIA_TYPE,
          'body: unsupported encoding',
        ),
      );
    default:
      return next(err);
  }
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** Routes that also take CSV or plain text uploads. */
export const TEXT_UPLOAD_PATHS = ['/units/import'];

/** Requests that carry a body must say it is JSON (or CSV where accepted): anything else is 415, never `{}`. */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  const textOk = TEXT_UPLOAD_PATHS.includes(req.path) && !!req.is(['text/csv', 'text/plain']);
  const jsonOk = !!req.is(['application/json', 'application/*+json']);
  if (WITH_BODY.has(req.method) && hasBody && !textOk && !jsonOk) {
    return next(
      new ApiError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        CommonErrorCode.UNSUPPORTED_MEDIA_TYPE,
        `Content-Type: expected application/json, got ${req.headers['content-type'] ?? 'none'}`,
      ),
    );
  }
  next();
}
