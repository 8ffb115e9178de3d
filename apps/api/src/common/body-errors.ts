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
export const TEXT_UPLOAD_PATHS = ['/units/import', '/api-keys/bulk', '/users/bulk'];

/** Routes that take a document: its text, a .docx, edXML, or a multipart upload. */
export const DOCUMENT_UPLOAD_PATHS = [
  '/directives/import',
  '/registers/incoming/received/import',
  '/edxml/messages',
];

/** The attachment upload route, `POST /directives/:id/attachments`: multipart only. */
export const ATTACHMENT_UPLOAD_PATH = /^\/directives\/[^/]+\/attachments\/?$/;

/** The media types of a document sent as the body (besides multipart uploads and JSON `{ "text" }`). */
export const DOCUMENT_MEDIA_TYPES = [
  'text/plain',
  'application/xml',
  'text/xml',
  'application/edxml+xml',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/octet-stream',
];

interface UploadError {
  name?: string;
  code?: string;
  field?: string;
}

/** Multer's errors (a file too large, another field, a broken form) as ApiErrors naming the field. */
export function uploadError(err: unknown, limit: number): ApiError {
  const e = err as UploadError;
  if (e?.code === 'LIMIT_FILE_SIZE' || e?.code === 'LIMIT_FIELD_VALUE')
    return new ApiError(
      HttpStatus.PAYLOAD_TOO_LARGE,
      CommonErrorCode.PAYLOAD_TOO_LARGE,
      `file: larger than the limit of ${limit} bytes`,
    );
  if (e?.code === 'LIMIT_UNEXPECTED_FILE' || e?.code === 'LIMIT_FILE_COUNT')
    return new ApiError(
      HttpStatus.BAD_REQUEST,
      CommonErrorCode.VALIDATION_FAILED,
      `file: send one document in the multipart field "file" (got "${e.field ?? '?'}")`,
    );
  return new ApiError(
    HttpStatus.BAD_REQUEST,
    CommonErrorCode.VALIDATION_FAILED,
    'file: a malformed multipart upload',
  );
}

/** Requests that carry a body must say it is JSON (or CSV where accepted): anything else is 415, never `{}`. */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  const textOk =
    (TEXT_UPLOAD_PATHS.includes(req.path) && !!req.is(['text/csv', 'text/plain'])) ||
    (DOCUMENT_UPLOAD_PATHS.includes(req.path) &&
      !!req.is([...DOCUMENT_MEDIA_TYPES, 'multipart/form-data'])) ||
    (ATTACHMENT_UPLOAD_PATH.test(req.path) && !!req.is('multipart/form-data'));
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
