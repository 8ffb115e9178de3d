import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentPrincipal } from '../auth/decorators';
import type { RequestPrincipal } from '../auth/principal';
import { IDEMPOTENCY_HEADER, IdempotencyKey } from '../common/idempotency-key';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { CancelDto, ReviewDto, VersionDto } from '../directives/dto/directive.dto';
import { ReviewService } from './review.service';
import { SignDto } from './sign.dto';

/** Review and signing: submit to the review chain, review, sign, cancel, verify. */
@ApiTags('review')
@ApiBearerAuth()
@Controller()
export class ReviewController {
  constructor(private readonly reviews: ReviewService) {}

  @Post('directives/:id/submit')
  @HttpCode(HttpStatus.OK)
  @Idempotent()
  @Authorize({ capability: 'draft', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({ summary: "Submit a version to the issuer's review chain" })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({
    status: 409,
    description: 'DIRECTIVE_REVIEW_CHAIN_EMPTY, DIRECTIVE_VERSION_STALE, DIRECTIVE_INVALID_STATE',
  })
  submit(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: VersionDto,
    @IdempotencyKey() key: string,
  ) {
    return this.reviews.submit(principal, id, dto.version, key);
  }

  @Post('directives/:id/review')
  @HttpCode(HttpStatus.OK)
  @Idempotent()
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({ summary: 'The current reviewer approves, returns for changes (back to draft) or rejects' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 403, description: 'DIRECTIVE_NOT_YOUR_TURN' })
  review(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: ReviewDto,
    @IdempotencyKey() key: string,
  ) {
    return this.reviews.review(principal, id, dto, key);
  }

  @Post('directives/:id/sign')
  @HttpCode(HttpStatus.OK)
  @Idempotent()
  @Authorize({ capability: 'sign', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary: 'Sign an approved version: number allocated, Ed25519 signature, content immutable',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({
    status: 403,
    description:
      'SIGNER_NO_AUTHORITY; under a relation: DELEGATION_NOT_HELD, DELEGATION_REVOKED, DELEGATION_NOT_YET_VALID, ' +
      'DELEGATION_EXPIRED, DELEGATION_OUT_OF_SCOPE, DELEGATION_REDELEGATED',
  })
  sign(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: SignDto,
    @IdempotencyKey() key: string,
  ) {
    return this.reviews.sign(principal, id, dto, key);
  }

  @Get('directives/:id/signing-options')
  @Authorize({ capability: 'sign', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary:
      "What the caller may sign under: their own authority in the issuer (or null) and the relations (KT., Q., TL., TUQ.) they hold there, in force and covering the directive's type",
  })
  signingOptions(@CurrentPrincipal() principal: RequestPrincipal, @Param('id') id: string) {
    return this.reviews.signingOptions(principal, id);
  }

  @Post('directives/:id/cancel')
  @HttpCode(HttpStatus.OK)
  @Idempotent()
  @Authorize({ capability: 'draft', unit: { param: 'id' }, via: 'directive' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  cancel(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: CancelDto,
    @IdempotencyKey() key: string,
  ) {
    return this.reviews.cancel(principal, id, dto, key);
  }

  @Get('directives/:id/verify')
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({ summary: 'Check the signature, the hash and that the record still says what was signed' })
  verify(@Param('id') id: string) {
    return this.reviews.verify(id);
  }
}
