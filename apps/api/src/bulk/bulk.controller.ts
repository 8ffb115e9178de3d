import { Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/decorators';
import type { RequestPrincipal } from '../auth/principal';
import { BatchDto } from './dto/bulk.dto';
import { BatchBody } from './batch-body';
import { BulkService } from './bulk.service';
import { LongRunning } from '../common/long-running';

/**
 * Batched ingest: acknowledgements and reports, up to 1,000 items a request, each with its own key and result. The
 * caller must be able to act (`report`) for each item's unit; an item it may not act for is that item's 403 (404
 * when it cannot see the unit), the others applied.
 */
@ApiTags('bulk')
@ApiBearerAuth()
@Controller()
export class BulkController {
  constructor(private readonly bulk: BulkService) {}

  @Post('directives/:id/acknowledgements/batch')
  @LongRunning()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Acknowledge (accept 03 / return 02) for up to 1,000 units, one result per item' })
  @ApiBody({ type: BatchDto })
  @ApiResponse({ status: 413, description: 'BATCH_TOO_LARGE: more than 1,000 items' })
  acknowledge(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @BatchBody() dto: BatchDto,
  ) {
    return this.bulk.acknowledge(principal, id, dto.items);
  }

  @Post('directives/:id/reports/batch')
  @LongRunning()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'File up to 1,000 reports (any units, cycles), one result per item' })
  @ApiBody({ type: BatchDto })
  @ApiResponse({ status: 413, description: 'BATCH_TOO_LARGE: more than 1,000 items' })
  report(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @BatchBody() dto: BatchDto,
  ) {
    return this.bulk.report(principal, id, dto.items);
  }
}
