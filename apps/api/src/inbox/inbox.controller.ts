import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/decorators';
import type { RequestPrincipal } from '../auth/principal';
import { IDEMPOTENCY_HEADER } from '../common/idempotency-key';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { InboxQueryDto, MarkReadDto } from './inbox.dto';
import { InboxService } from './inbox.service';

/** The signed-in person's notifications, from its own units only: nothing here is another unit's. */
@ApiTags('inbox')
@ApiBearerAuth()
@Controller('inbox')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @Get()
  @ApiOperation({
    summary:
      'A page of my inbox of one kind ({ items, nextCursor }): arrived and escalated newest first, due soonest first',
  })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED: kind, limit (1–100) or cursor' })
  page(@CurrentPrincipal() principal: RequestPrincipal, @Query() q: InboxQueryDto) {
    return this.inbox.page(principal, q);
  }

  @Get('unread')
  @ApiOperation({ summary: 'How many items of each kind I have not read (up to 100 each)' })
  unread(@CurrentPrincipal() principal: RequestPrincipal) {
    return this.inbox.unread(principal);
  }

  @Post('read')
  @HttpCode(200)
  @Idempotent({ selfIdempotent: true })
  @ApiOperation({ summary: 'Marks inbox items read (again: no change)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  markRead(@CurrentPrincipal() principal: RequestPrincipal, @Body() dto: MarkReadDto) {
    return this.inbox.markRead(principal, dto);
  }
}
