import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { leadersAmong, replaceReviewChain, reviewChainOf, type Reviewer } from '@cascade/persistence';
import { ApiError } from '../common/api-error';
import type { RequestPrincipal } from '../auth/principal';
import { DirectiveErrorCode } from '../directives/directive-error-codes';
import { ReviewErrorCode } from '../review/review-error-codes';

/** A unit's review chain: the leaders who review its drafts, in order (the directive's workflow reads it at submit). */
@Injectable()
export class ReviewChainService {
  constructor(private readonly dataSource: DataSource) {}

  async reviewChain(unitId: string): Promise<Reviewer[]> {
    return reviewChainOf(this.dataSource, unitId);
  }

  /**
   * Reviewers are leaders of the unit, in order. Nobody makes a chain of only themselves: with a signing authority
   * they would then draft, approve and sign alone.
   */
  async setReviewChain(
    principal: RequestPrincipal,
    unitId: string,
    reviewerIds: string[],
  ): Promise<Reviewer[]> {
    if (reviewerIds.length > 0 && reviewerIds.every((reviewerId) => reviewerId === principal.id)) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        ReviewErrorCode.REVIEW_CHAIN_SELF_ONLY,
        'reviewerIds: a review chain of only yourself is refused; name another leader',
      );
    }
    if (new Set(reviewerIds).size !== reviewerIds.length) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        DirectiveErrorCode.DIRECTIVE_INVALID_INPUT,
        'reviewerIds: a reviewer is listed twice',
      );
    }
    const leaders = await leadersAmong(this.dataSource, unitId, reviewerIds);
    const bad = reviewerIds.findIndex((r) => !leaders.has(r));
    if (bad >= 0) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        DirectiveErrorCode.REVIEWER_NOT_LEADER,
        `reviewerIds.${bad}: not a leader of this unit`,
      );
    }
    await replaceReviewChain(this.dataSource, unitId, reviewerIds);
    return this.reviewChain(unitId);
  }
}
