import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentPrincipal } from '../auth/decorators';
import type { RequestPrincipal } from '../auth/principal';
import { ReviewChainDto } from '../directives/dto/directive.dto';
import { ReviewChainService } from './review-chain.service';

/** A unit's review chain: its leaders who review its drafts, in order. */
@ApiTags('units')
@ApiBearerAuth()
@Controller()
export class ReviewChainController {
  constructor(private readonly reviewChains: ReviewChainService) {}

  @Get('units/:id/review-chain')
  @Authorize({ capability: 'view', unit: { param: 'id' } })
  reviewChain(@Param('id') id: string) {
    return this.reviewChains.reviewChain(id);
  }

  @Put('units/:id/review-chain')
  @Authorize({ capability: 'manage', unit: { param: 'id' } })
  @ApiOperation({ summary: 'The approval chain of the unit: its leaders, in order' })
  @ApiResponse({ status: 422, description: 'REVIEWER_NOT_LEADER, REVIEW_CHAIN_SELF_ONLY' })
  setReviewChain(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: ReviewChainDto,
  ) {
    return this.reviewChains.setReviewChain(principal, id, dto.reviewerIds);
  }
}
