import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError, CommonErrorCode, ErrorBody } from './api-error';
import { databaseError } from './database-errors';

const STATUS_CODES: Partial<Record<number, CommonErrorCode>> = {
  404: CommonErrorCode.NOT_FOUND,
  405: CommonErrorCode.METHOD_NOT_ALLOWED,
  413: CommonErrorCode.PAYLOAD_TOO_LARGE,
  415: CommonErrorCode.UNSUPPORTED_MEDIA_TYPE,
  400: CommonErrorCode.BAD_REQUEST,
};

/**
 * Answers every error as `{ error: { code, message, details } }`. Unknown errors become a 500 whose body says
 * nothing of the cause; the stack goes to the log with the request id.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(thrown: unknown, host: ArgumentsHost): void {
    // A busy or unreachable database is a 503 with Retry-After, never a 500.
    const exception = thrown instanceof HttpException ? thrown : (databaseError(thrown) ?? thrown);
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const { status, body } = this.toResponse(exception, req);
    if (exception instanceof ApiError && status >= 500) {
      // Expected unavailability (a dependency down): no stack, the code says it all.
      this.logger.warn(`${req.method} ${req.url} → ${status} ${exception.code}`);
    } else if (status >= 500) {
      const err = exception as Error;
      this.logger.error(
        { err, requestId: (req as Request & { id?: unknown }).id, path: req.url },
        `unhandled error on ${req.method} ${req.url}`,
      );
    }
    if (res.headersSent) return;
    if (exception instanceof ApiError && exception.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(exception.retryAfterSeconds))));
    }
    res.status(status).json(body);
  }

  private toResponse(exception: unknown, req: Request): { status: number; body: ErrorBody } {
    if (exception instanceof ApiError) {
      return { status: exception.getStatus(), body: exception.getResponse() as ErrorBody };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      // Nest's own errors: 404 for unknown routes, 400 for a malformed path, ….
      const raw: unknown =
        typeof response === 'string' ? response : (response as { message?: unknown }).message;
      const message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : exception.message;
      const code =
        STATUS_CODES[status] ?? (status >= 500 ? CommonErrorCode.INTERNAL_ERROR : `HTTP_${status}`);
      const text = status === 404 ? `no route for ${req.method} ${req.path}` : message;
      return this.body(status, code, status >= 500 ? 'internal error' : text);
    }
    return this.body(HttpStatus.INTERNAL_SERVER_ERROR, CommonErrorCode.INTERNAL_ERROR, 'internal error');
  }

  private body(status: number, code: string, message: string): { status: number; body: ErrorBody } {
    return { status, body: { error: { code, message } } };
  }
}
