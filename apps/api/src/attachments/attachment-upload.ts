import { HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import { ApiError } from '../common/api-error';
import { ATTACHMENT_UPLOAD_PATH } from '../common/body-errors';
import { AttachmentErrorCode } from './attachment-error-codes';

/**
 * Parses the upload in memory (never on disk), before the route: at most one file of `maxBytes`, no other fields.
 * File names are read as UTF-8 (Vietnamese names). Its errors are ApiErrors naming the field.
 */
export function attachmentUpload(maxBytes: number) {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: 1, fields: 0, parts: 1 },
    defParamCharset: 'utf8',
  }).single('file');
  return (req: Request, res: Response, next: NextFunction) =>
    req.method === 'POST' && ATTACHMENT_UPLOAD_PATH.test(req.path) && req.is('multipart/form-data')
      ? upload(req, res, (err?: unknown) => next(err ? attachmentUploadError(err, maxBytes) : undefined))
      : next();
}

function attachmentUploadError(err: unknown, maxBytes: number): ApiError {
  const code = (err as { code?: string })?.code;
  if (code === 'LIMIT_FILE_SIZE')
    return new ApiError(
      HttpStatus.PAYLOAD_TOO_LARGE,
      AttachmentErrorCode.ATTACHMENT_TOO_LARGE,
      `file: larger than the limit of ${maxBytes} bytes`,
      [{ field: 'file', problems: [`larger than ${maxBytes} bytes`] }],
    );
  return new ApiError(
    HttpStatus.BAD_REQUEST,
    AttachmentErrorCode.ATTACHMENT_UPLOAD_MALFORMED,
    'file: send one file in the multipart field "file" and nothing else',
    [{ field: 'file', problems: [code ?? 'malformed multipart body'] }],
  );
}
