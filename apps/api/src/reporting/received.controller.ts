import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentPrincipal } from '../auth/decorators';
import type { RequestPrincipal } from '../auth/principal';
import { IDEMPOTENCY_HEADER } from '../common/idempotency-key';
import { PAGE_400 } from '../common/page';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import {
  CloseCycleDto,
  ReceivedOnQueryDto,
  ReceivedRegisterQueryDto,
  RouteNamesQueryDto,
} from './received.dto';
import { ReceivedService } from './received.service';

/** Reports as their receivers see them, and the closing of open-ended cycles. */
@ApiTags('reporting')
@ApiBearerAuth()
@Controller()
export class ReceivedController {
  constructor(private readonly received: ReceivedService) {}

  @Get('registers/reports-received')
  @Authorize({ capability: 'view', unit: { query: 'unitId' } })
  @ApiOperation({
    summary:
      "The unit's register of reports received: aggregates delivered to it (or through it, its department) and the " +
      'hubs it collects for, newest first; a page ({ items, nextCursor })',
  })
  @ApiResponse({ status: 400, description: PAGE_400 })
  register(@Query() q: ReceivedRegisterQueryDto) {
    return this.received.register(q);
  }

  @Get('directives/:id/reports-received')
  @Authorize({ capability: 'view', unit: { query: 'unitId' } })
  @ApiOperation({
    summary:
      "What a unit received on a directive for a cycle: each sender's aggregate, the totals, and how many senders reported",
  })
  receivedOn(@Param('id') id: string, @Query() q: ReceivedOnQueryDto) {
    return this.received.receivedOn(id, q);
  }

  @Get('directives/:id/route-names')
  @Authorize({ capability: 'view', unit: { query: 'unitId' } })
  @ApiOperation({ summary: "The names of the units the directive's report routes name" })
  routeNames(@Param('id') id: string, @Query() q: RouteNamesQueryDto) {
    return this.received.routeNames(id, q.unitId);
  }

  @Post('directives/:id/cycles/close')
  @Idempotent({ selfIdempotent: true })
  @Authorize({ capability: 'sign', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({ summary: 'The issuer closes an open-ended cycle (a phase with no end date)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  closeCycle(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: CloseCycleDto,
  ) {
    return this.received.closeCycle(principal, id, dto);
  }
}
