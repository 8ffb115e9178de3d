import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { leaderAuthorities, reviewerIdsOf, verifyDirectiveSignature } from '@cascade/persistence';
import { updateDirective } from '@cascade/temporal';
import { cancelUpdate, reviewUpdate, signUpdate, submitForReviewUpdate } from '@cascade/contracts';
import { ApiError } from '../common/api-error';
import { type RequestPrincipal } from '../auth/principal';
import { CancelDto, ReviewDto } from '../directives/dto/directive.dto';
import { DirectiveErrorCode } from '../directives/directive-error-codes';
import { DirectivesService } from '../directives/directives.service';

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
  ) {}

  async submit(principal: RequestPrincipal, id: string, version: number, key: string) {
    const directive = await this.directives.row(id);
    const reviewers = await reviewerIdsOf(this.dataSource, directive.issuer_id);
    const actor = await this.directives.actor(principal, directive.issuer_id);
    return this.directives.update(id, principal, key, (client, workflowId, updateId) =>
      updateDirective(client, workflowId, submitForReviewUpdate, [{ actor, version, reviewers }], updateId),
    );
  }

  async review(principal: RequestPrincipal, id: string, dto: ReviewDto, key: string) {
    const directive = await this.directives.row(id);
    const actor = await this.directives.actor(principal, directive.issuer_id);
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

  /** Only a leader of the issuer holding a signing authority (TM., KT., …) signs. */
  async sign(principal: RequestPrincipal, id: string, version: number, key: string) {
    const directive = await this.directives.row(id);
    const holder = (await leaderAuthorities(this.dataSource, principal.id, directive.issuer_id)).find(
      (r) => r.authority && r.position,
    );
    if (!holder) {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        DirectiveErrorCode.SIGNER_NO_AUTHORITY,
        'you hold no signing authority and position for the issuer',
      );
    }
    const actor = await this.directives.actor(principal, directive.issuer_id);
    return this.directives.update(id, principal, key, (client, workflowId, updateId) =>
      updateDirective(
        client,
        workflowId,
        signUpdate,
        [{ actor, version, authority: holder.authority!, position: holder.position! }],
        updateId,
      ),
    );
  }

  async cancel(principal: RequestPrincipal, id: string, dto: CancelDto, key: string) {
    const directive = await this.directives.row(id);
    const actor = await this.directives.actor(principal, directive.issuer_id);
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
