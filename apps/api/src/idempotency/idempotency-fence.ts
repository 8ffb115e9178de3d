import { HttpStatus } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';
import { fenceIdempotencyClaim, type IdempotencyClaim } from '@cascade/persistence';
import { ApiError, CommonErrorCode } from '../common/api-error';

/** The claim of the request being handled, when its route is fenced (not idempotent by itself). */
export const fencedClaim = new AsyncLocalStorage<IdempotencyClaim>();

export const idempotencyClaimLost = () =>
  new ApiError(
    HttpStatus.CONFLICT,
    CommonErrorCode.IDEMPOTENCY_CLAIM_LOST,
    'Idempotency-Key: this request ran past its claim and a retry took the key over; nothing was changed by it',
  );

/**
 * Before any transaction of a fenced request commits, in that transaction: check that the request's claim on its
 * key is still its own, and mark it; else throw, and TypeORM rolls the transaction back. So a request whose claim a
 * retry took over (it ran past the lease) can never commit a second effect, and once it has committed, no retry can
 * take its key over.
 */
export class IdempotencyFenceSubscriber implements EntitySubscriberInterface {
  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const claim = fencedClaim.getStore();
    if (!claim) return;
    if (!(await fenceIdempotencyClaim(event.manager, claim))) throw idempotencyClaimLost();
  }
}

/** Registers the fence on the API's DataSource (once). */
export function installIdempotencyFence(dataSource: DataSource): void {
  if (!dataSource.subscribers.some((s) => s instanceof IdempotencyFenceSubscriber)) {
    dataSource.subscribers.push(new IdempotencyFenceSubscriber());
  }
}
