import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../auth/decorators';
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
  setReviewChain(@Param('id') id: string, @Body() dto: ReviewChainDto) {
    return this.reviewChains.setReviewChain(id, dto.reviewerIds);
  }
}
