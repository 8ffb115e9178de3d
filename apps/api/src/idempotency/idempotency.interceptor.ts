import {
  CallHandler,
  ExecutionContext,
  HttpStatus,
  Injectable,
  NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { catchError, from, map, Observable, of, switchMap, throwError } from 'rxjs';
import { DataSource } from 'typeorm';
import { ApiError, CommonErrorCode } from '../common/api-error';
import { readIdempotencyKey } from '../common/idempotency-key';
import type { AuthenticatedRequest } from '../auth/principal';

export const IDEMPOTENT_KEY = 'cascade:idempotent';

/**
 * How long a request's claim on its key lasts without an answer: past it, a retry runs the request again (the
 * handlers that matter are idempotent themselves: a report remembers the key that filed it).
 */
export const IDEMPOTENCY_LEASE_SECONDS = 30;

/**
 * Marks a state-changing route whose effect lives in PostgreSQL: the `Idempotency-Key` header is required, the first
 * answer is stored, a retry with the same key and body gets it again, the same key with another body gets 409.
 * (Routes whose effect lives in Temporal use the key as workflow or update id instead.)
 */
export const Idempotent = (options: IdempotentOptions = {}) => SetMetadata(IDEMPOTENT_KEY, options);

export interface IdempotentOptions {
  /** Top-level response fields never stored (secrets shown once): a replay answers them as null. */
  redact?: string[];
  /**
   * The handler answers a retry the same by itself (a report remembers the key that filed it; an acknowledgement is
   * a state that a second one finds): the stored answer is then a shortcut, not the only guard, and is committed
   * without waiting for the disk.
   */
  selfIdempotent?: boolean;
}

/**
 * A statement's transaction commits without waiting for its WAL to reach the disk (`synchronous_commit = off`,
 * for this transaction only): PostgreSQL may lose it in a crash, never half of it. Used for the records of the keys:
 * a claim is made durable by the request's own commit (whose WAL follows it), and an answer only where the handler
 * is idempotent by itself.
 */
const ASYNC_COMMIT = `async_commit AS (SELECT set_config('synchronous_commit', 'off', true))`;

function canonical(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function redact(body: unknown, fields: string[] | undefined): unknown {
  if (!fields?.length || !body || typeof body !== 'object' || Array.isArray(body)) return body;
  return { ...body, ...Object.fromEntries(fields.map((f) => [f, null])) };
}

interface StoredRecord {
  request_hash: string;
  status: number | null;
  response: unknown;
}

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly dataSource: DataSource,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.getAllAndOverride<IdempotentOptions | undefined>(IDEMPOTENT_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!options) return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<Request & AuthenticatedRequest>();
    const res = http.getResponse<Response>();
    const key = readIdempotencyKey(req);
    const principal = req.principal ? `${req.principal.kind}:${req.principal.id}` : 'anonymous';
    const path = req.originalUrl;
    const hash = createHash('sha256')
      .update(`${req.method} ${path}\n${canonical(req.body)}`)
      .digest('hex');

    return from(this.claim(principal, key, req.method, path, hash)).pipe(
      switchMap((stored) => {
        if (stored) {
          if (stored.request_hash !== hash) {
            throw new ApiError(
              HttpStatus.CONFLICT,
              CommonErrorCode.IDEMPOTENCY_KEY_REUSED,
              'Idempotency-Key: already used for a different request',
            );
          }
          if (stored.status === null) {
            throw new ApiError(
              HttpStatus.CONFLICT,
              CommonErrorCode.IDEMPOTENCY_REQUEST_IN_PROGRESS,
              'Idempotency-Key: the first request with this key is still running; retry shortly',
            );
          }
          res.status(stored.status);
          res.setHeader('Idempotent-Replayed', 'true');
          return of(stored.response);
        }
        return next.handle().pipe(
          // Store before answering, so that a retry right after the answer finds it.
          switchMap((body: unknown) =>
            from(
              this.complete(
                principal,
                key,
                res.statusCode,
                redact(body, options.redact),
                options.selfIdempotent ?? false,
              ),
            ).pipe(map(() => body)),
          ),
          catchError((error: unknown) =>
            from(this.release(principal, key)).pipe(switchMap(() => throwError(() => error))),
          ),
        );
      }),
    );
  }

  /** Inserts a pending record; returns the existing one when the key was used before. */
  private async claim(
    principal: string,
    key: string,
    method: string,
    path: string,
    hash: string,
  ): Promise<StoredRecord | null> {
    if (!this.dataSource.isInitialized) {
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        CommonErrorCode.DATABASE_UNAVAILABLE,
        'the database is unreachable',
      );
    }
    // A pending record older than the lease belongs to a request whose process died (or whose database went away
    // before it could release it): the retry takes it over instead of waiting for ever.
    const inserted: unknown[] = await this.dataSource.query(
      `WITH ${ASYNC_COMMIT}
       INSERT INTO idempotency_record (principal, key, method, path, request_hash)
       SELECT $1, $2, $3, $4, $5 FROM async_commit
       ON CONFLICT (principal, key) DO UPDATE SET created_at = now()
         WHERE idempotency_record.status IS NULL AND idempotency_record.request_hash = EXCLUDED.request_hash
           AND idempotency_record.created_at < now() - make_interval(secs => $6)
       RETURNING key`,
      [principal, key, method, path, hash, IDEMPOTENCY_LEASE_SECONDS],
    );
    if (inserted.length) return null;
    const rows: StoredRecord[] = await this.dataSource.query(
      `SELECT request_hash, status, response FROM idempotency_record WHERE principal = $1 AND key = $2`,
      [principal, key],
    );
    return rows[0] ?? null;
  }

  private async complete(
    principal: string,
    key: string,
    status: number,
    body: unknown,
    asynchronously: boolean,
  ): Promise<void> {
    await this.dataSource.query(
      asynchronously
        ? `WITH ${ASYNC_COMMIT} UPDATE idempotency_record SET status = $3, response = $4::jsonb, completed_at = now()
             FROM async_commit WHERE principal = $1 AND key = $2`
        : `UPDATE idempotency_record SET status = $3, response = $4::jsonb, completed_at = now() WHERE principal = $1 AND key = $2`,
      [principal, key, status, JSON.stringify(body ?? null)],
    );
  }

  /** A failed request leaves nothing behind, so that the client can fix it and retry with the same key. */
  private async release(principal: string, key: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_record WHERE principal = $1 AND key = $2 AND status IS NULL`,
      [principal, key],
    );
  }
}
