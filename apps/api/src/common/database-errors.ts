import { HttpStatus } from '@nestjs/common';
import { ApiError, CommonErrorCode } from './api-error';

/** PostgreSQL's answers that mean "too busy now, retry soon": statement or lock timeout, too many connections, …. */
const BUSY_CODES = new Set([
  '57014', // query_canceled: statement_timeout
  '55P03', // lock_not_available: lock_timeout
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

/** The answers that mean "the database is not there": refused, reset, shutting down, connection lost. */
const DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

/** How soon to retry: a busy database soon, one that is down a little later. */
export const BUSY_RETRY_AFTER_SECONDS = 2;
export const DOWN_RETRY_AFTER_SECONDS = 5;

/**
 * A database error as the API answers it: busy (a full pool, a lock or statement timeout) is 503 DATABASE_BUSY,
 * unreachable is 503 DATABASE_UNAVAILABLE, both with Retry-After; null for any other error (a 500 stays a bug).
 */
export function databaseError(exception: unknown): ApiError | null {
  if (!exception || typeof exception !== 'object') return null;
  const error = exception as { code?: unknown; message?: unknown; driverError?: { code?: unknown } };
  const raw = error.driverError?.code ?? error.code;
  const code = typeof raw === 'string' ? raw : '';
  const message = typeof error.message === 'string' ? error.message : '';
  // pg-pool's "no connection free within connectionTimeoutMillis", pg's client-side query_timeout.
  if (BUSY_CODES.has(code) || /timeout exceeded when trying to connect|Query read timeout/.test(message)) {
    return new ApiError(
      HttpStatus.SERVICE_UNAVAILABLE,
      CommonErrorCode.DATABASE_BUSY,
      'the database is too busy to answer now; retry after the delay in Retry-After',
      undefined,
      BUSY_RETRY_AFTER_SECONDS,
    );
  }
  if (
    DOWN_CODES.has(code) ||
    /Connection terminated|connection timeout|is not yet established/i.test(message)
  ) {
    return new ApiError(
      HttpStatus.SERVICE_UNAVAILABLE,
      CommonErrorCode.DATABASE_UNAVAILABLE,
      'the database is unreachable',
      undefined,
      DOWN_RETRY_AFTER_SECONDS,
    );
  }
  return null;
}
