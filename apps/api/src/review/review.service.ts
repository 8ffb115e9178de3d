import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { reviewerIdsOf, verifyDirectiveSignature } from '@cascade/persistence';
import { updateDirective } from '@cascade/temporal';
import { delegationLines } from '@cascade/domain';
import {
  cancelUpdate,
  reviewUpdate,
  signUpdate,
  submitForReviewUpdate,
  type SigningOptions,
} from '@cascade/contracts';
import { ApiError } from '../common/api-error';
import { type RequestPrincipal } from '../auth/principal';
import { CancelDto, ReviewDto } from '../directives/dto/directive.dto';
import { DirectivesService } from '../directives/directives.service';
import { ReviewErrorCode } from './review-error-codes';
import { requireSigningAuthority, signingAuthorityOf } from './signing-authority';
import { SignDto } from './sign.dto';
import { DelegationService } from '../delegation/delegation.service';

/**
 * Review and signing: a draft goes to the issuer's review chain, each reviewer decides in turn, and a leader holding a
 * signing authority signs (the workflow numbers, signs and dispatches). All of it runs as the directive workflow's
 * updates; this service finds who acts and with what.
 */
@Injectable()
export class ReviewService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directives: DirectivesService,
    private readonly delegations: DelegationService,
  ) {}

  async submit(principal: RequestPrincipal, id: string, version: number, key: string) {
    const directive = await this.directives.row(id);
    const reviewers = await reviewerIdsOf(this.dataSource, directive.issuer_id);
    if (reviewers.length > 0 && reviewers.every((reviewerId) => reviewerId === principal.id)) {
      // The chain was set before the draft: whoever is its only reviewer does not also submit, or one person would
      // draft, approve and (with an authority) sign alone.
      throw new ApiError(
        HttpStatus.CONFLICT,
        ReviewErrorCode.REVIEW_CHAIN_ONLY_SUBMITTER,
        "reviewers: the issuer's review chain holds only you; another leader must review what you submit",
      );
    }
    const actor = await this.directives.actor(principal, directive.issuer_id, 'draft');
    return this.directives.update(id, principal, key, (client, workflowId, updateId) =>
      updateDirective(client, workflowId, submitForReviewUpdate, [{ actor, version, reviewers }], updateId),
    );
  }

  async review(principal: RequestPrincipal, id: string, dto: ReviewDto, key: string) {
    const directive = await this.directives.row(id);
    const actor = await this.directives.actor(principal, directive.issuer_id, 'review');
    return this.directives.update(id, principal, key, (client, workflowId, updateId) =>
      updateDirective(
        client,
        workflowId,
        reviewUpdate,
        [{ actor, version: dto.version, decision: dto.decision, comment: dto.comment }],
        updateId,
      ),
    );
  }

  /**
   * Only a leader of the issuer signs: under the authority their membership bears (TM., …), or under a signing
   * relation (KT., Q., TL., TUQ.) that is theirs in the issuer. The relation's period, scope and grantor are checked
   * by the signing activity, at the signing's time, which prints the relation's lines.
   */
  async sign(principal: RequestPrincipal, id: string, dto: SignDto, key: string) {
    const directive = await this.directives.row(id);
    let held: { authority: string; position: string; delegationId?: string };
    if (dto.delegationId || dto.authority) {
      const relation = await this.delegations.chosenForSigning(principal, directive.issuer_id, {
        delegationId: dto.delegationId,
        kind: dto.authority,
      });
      held = { ...delegationLines(relation), delegationId: relation.id };
    } else {
      held = await requireSigningAuthority(this.dataSource, principal, directive.issuer_id);
    }
    const actor = await this.directives.actor(principal, directive.issuer_id, 'sign');
    return this.directives.update(id, principal, key, (client, workflowId, updateId) =>
      updateDirective(client, workflowId, signUpdate, [{ actor, version: dto.version, ...held }], updateId),
    );
  }

  /**
   * What the caller may sign the directive under: the authority their membership in the issuer bears (null when none)
   * and the signing relations they hold there, in force now and covering its type. Nothing else is offered.
   */
  async signingOptions(principal: RequestPrincipal, id: string): Promise<SigningOptions> {
    const directive = await this.directives.row(id);
    return {
      own: await signingAuthorityOf(this.dataSource, principal, directive.issuer_id),
      relations: await this.delegations.inForceFor(principal, directive.issuer_id, directive.doc_type),
    };
  }

  async cancel(principal: RequestPrincipal, id: string, dto: CancelDto, key: string) {
    const directive = await this.directives.row(id);
    const actor = await this.directives.actor(principal, directive.issuer_id, 'draft');
    return this.directives.update(id, principal, key, (client, workflowId, updateId) =>
      updateDirective(client, workflowId, cancelUpdate, [{ actor, reason: dto.reason }], updateId),
    );
  }

  /**
   * Recomputes the signed bytes' hash, checks the Ed25519 signature with the signer's public key, and checks that the
   * record (content, number, signer) still says what was signed.
   */
  async verify(id: string) {
    await this.directives.row(id);
    return verifyDirectiveSignature(this.dataSource, id);
  }
}
