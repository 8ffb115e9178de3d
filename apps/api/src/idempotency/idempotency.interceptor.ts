import {
  CallHandler,
  ExecutionContext,
  HttpStatus,
  Inject,
  Injectable,
  NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { catchError, from, map, Observable, of, switchMap, throwError } from 'rxjs';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@cascade/config';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
  type ClaimRequest,
  type IdempotencyRecord,
} from '@cascade/persistence';
import { ApiError, CommonErrorCode } from '../common/api-error';
import { readIdempotencyKey } from '../common/idempotency-key';
import type { AuthenticatedRequest, RequestPrincipal } from '../auth/principal';
import { earlyClaims, newClaim } from './early-claim';
import { fencedClaim, installIdempotencyFence } from './idempotency-fence';

export const IDEMPOTENT_KEY = 'cascade:idempotent';

/**
 * Marks a state-changing route whose effect lives in PostgreSQL: the `Idempotency-Key` header is required, the first
 * answer is stored, a retry with the same key and body gets it again, the same key with another body gets 409.
 * (Routes whose effect lives in Temporal use the key as workflow or update id instead.)
 */
export const Idempotent = (options: IdempotentOptions = {}) => SetMetadata(IDEMPOTENT_KEY, options);

export interface IdempotentOptions {
  /**
   * Response fields never stored (secrets shown once): a replay answers them as null. A field is top-level (`key`) or
   * in each item of a top-level list (`results[].key`).
   */
  redact?: string[];
  /** Top-level fields a replay answers instead of the first answer's (`{ secretsShown: false }`). */
  replayed?: Record<string, unknown>;
  /**
   * The handler answers a retry the same by itself (a report remembers its caller's key that filed it, and refuses
   * that key for another report; an acknowledgement is
   * a state that a second one finds): the stored answer is then a shortcut, not the only guard, and is committed
   * without waiting for the disk.
   */
  selfIdempotent?: boolean;
}

/** Who a key belongs to: a key is its caller's, so that another caller's same key is another request. */
export const callerOf = (principal: RequestPrincipal | undefined): string =>
  principal ? `${principal.kind}:${principal.id}` : 'anonymous';

/** The answer to a key used before for another request, by every route (the report route's own guard included). */
export const idempotencyKeyReused = () =>
  new ApiError(
    HttpStatus.CONFLICT,
    CommonErrorCode.IDEMPOTENCY_KEY_REUSED,
    'Idempotency-Key: already used for a different request',
  );

function redact(body: unknown, options: IdempotentOptions): unknown {
  const fields = options.redact ?? [];
  if ((!fields.length && !options.replayed) || !body || typeof body !== 'object' || Array.isArray(body))
    return body;
  const stored: Record<string, unknown> = { ...body, ...options.replayed };
  for (const field of fields) {
    const [list, item] = field.split('[].');
    if (item === undefined) stored[field] = null;
    else if (Array.isArray(stored[list]))
      stored[list] = (stored[list] as unknown[]).map((x) =>
        x && typeof x === 'object' && item in x ? { ...x, [item]: null } : x,
      );
  }
  return stored;
}

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
    // Claimed by the guard with the authentication (the same principal, key and request), or now.
    const early = earlyClaims.get(req);
    const claim: ClaimRequest =
      early?.claim ?? newClaim(req, callerOf(req.principal), key, this.config.IDEMPOTENCY_LEASE_SECONDS);
    const hash = claim.requestHash;
    const selfIdempotent = options.selfIdempotent ?? false;
    const claimed = early?.outcome
      ? this.installFence().then(() => (early.outcome!.claimed ? null : early.outcome!.record))
      : this.claim(claim);
    return from(claimed).pipe(
      switchMap((stored) => {
        if (stored) {
          if (stored.requestHash !== hash) throw idempotencyKeyReused();
          if (stored.status === null) throw inProgress(stored);
          res.status(stored.status);
          res.setHeader('Idempotent-Replayed', 'true');
          return of(stored.response);
        }
        // A handler that is not idempotent by itself runs fenced: its transactions check the claim before commit.
        const handled = selfIdempotent
          ? next.handle()
          : new Observable<unknown>((subscriber) =>
              fencedClaim.run(claim, () => next.handle().subscribe(subscriber)),
            );
        return handled.pipe(
          // Store before answering, so that a retry right after the answer finds it.
          switchMap((body: unknown) =>
            from(
              completeIdempotencyKey(
                this.dataSource,
                claim,
                { status: res.statusCode, body: redact(body, options) },
                selfIdempotent,
              ),
            ).pipe(map(() => body)),
          ),
          // A failed request leaves nothing behind, so that the client can fix it and retry with the same key.
          catchError((error: unknown) =>
            from(releaseIdempotencyKey(this.dataSource, claim)).pipe(
              switchMap(() => throwError(() => error)),
            ),
          ),
        );
      }),
    );
  }

  private async installFence(): Promise<void> {
    if (!this.dataSource.isInitialized) {
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        CommonErrorCode.DATABASE_UNAVAILABLE,
        'the database is unreachable',
      );
    }
    // (Each time: initializing the DataSource, at boot or on reconnecting, replaces its list of subscribers.)
    installIdempotencyFence(this.dataSource);
  }

  /** Inserts a pending record; returns the existing one when the key was used before. */
  private async claim(claim: ClaimRequest): Promise<IdempotencyRecord | null> {
    await this.installFence();
    // A pending record older than the lease belongs to a request whose process died (or whose database went away
    // before it could release it, or that still runs, fenced): the retry takes it over instead of waiting for ever.
    return claimIdempotencyKey(
      this.dataSource,
      claim,
      // How long a claim lasts without an answer (IDEMPOTENCY_LEASE_SECONDS): past it a retry takes it over and
      // runs. Safe on every route: a self-idempotent handler finds its own effect (a report remembers the key that
      // filed it); every other one is fenced (idempotency-fence.ts): its transactions commit only while the claim is
      // its own, and once one has committed no retry takes the key over.
      this.config.IDEMPOTENCY_LEASE_SECONDS,
    );
  }
}

/** The answer to a retry that finds the first request's claim still pending. */
function inProgress(stored: IdempotencyRecord): ApiError {
  if (stored.effectCommitted && stored.leaseLeftSeconds === 0) {
    // Its transaction committed, then its process died before it stored the answer: running it again would repeat
    // the effect, so the key's answer is lost (the record is purged with the others after a day).
    return new ApiError(
      HttpStatus.CONFLICT,
      CommonErrorCode.IDEMPOTENCY_ANSWER_LOST,
      'Idempotency-Key: the first request with this key took effect but its answer was lost; look the result up',
    );
  }
  return new ApiError(
    HttpStatus.CONFLICT,
    CommonErrorCode.IDEMPOTENCY_REQUEST_IN_PROGRESS,
    'Idempotency-Key: the first request with this key is still running; retry shortly',
    undefined,
    // Its effect committed: the answer comes at once; else the claim may be taken over when the lease ends.
    stored.effectCommitted ? 1 : Math.min(Math.max(stored.leaseLeftSeconds, 1), 5),
  );
}
