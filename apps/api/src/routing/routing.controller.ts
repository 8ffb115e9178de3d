import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentPrincipal } from '../auth/decorators';
import type { RequestPrincipal } from '../auth/principal';
import { IDEMPOTENCY_HEADER, IdempotencyKey } from '../common/idempotency-key';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import {
  AcknowledgeDto,
  CloseDto,
  ForwardDto,
  RecallDto,
  RecallResponseDto,
  ReceivedQueryDto,
  RoutingQueryDto,
} from '../directives/dto/directive.dto';
import { RoutingService } from './routing.service';

/** Routing: the dispatch tree, acknowledgements, what a unit received, close and recall, forwarding. */
@ApiTags('routing')
@ApiBearerAuth()
@Controller()
export class RoutingController {
  constructor(private readonly routes: RoutingService) {}

  @Get('directives/:id/routing')
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary: 'Routing nodes of the dispatch: each addressee, its routing parent, tier and status',
  })
  routing(@Param('id') id: string, @Query() query: RoutingQueryDto) {
    return this.routes.routing(id, query);
  }

  @Post('directives/:id/acknowledge')
  @HttpCode(HttpStatus.OK)
  @Idempotent({ selfIdempotent: true })
  @Authorize({ capability: 'report', action: 'acknowledge', unit: { body: 'unitId' } })
  @ApiOperation({ summary: 'A receiving unit accepts (03) or returns (02, with the reason) the directive' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({
    status: 404,
    description:
      'DIRECTIVE_NOT_FOUND: no such directive, or it was not routed to that unit (the same answer)',
  })
  acknowledge(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: AcknowledgeDto,
  ) {
    return this.routes.acknowledge(principal, id, dto);
  }

  @Get('directives/:id/received')
  @Authorize({ capability: 'view', unit: { query: 'unitId' } })
  @ApiOperation({
    summary:
      'The directive as a unit it was routed to sees it: its content, the report form and the unit’s own routing node (404 DIRECTIVE_NOT_FOUND if not routed there)',
  })
  received(@Param('id') id: string, @Query() query: ReceivedQueryDto) {
    return this.routes.received(id, query.unitId);
  }

  @Post('directives/:id/close')
  @HttpCode(HttpStatus.OK)
  @Idempotent()
  @Authorize({ capability: 'sign', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary: 'Close a dispatched directive: timers stop, open routing nodes get their final status',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 409, description: 'DIRECTIVE_INVALID_STATE: not dispatched' })
  close(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: CloseDto,
    @IdempotencyKey() key: string,
  ) {
    return this.routes.finish(principal, id, 'close', dto.reason ?? null, key);
  }

  @Post('directives/:id/recall')
  @HttpCode(HttpStatus.OK)
  @Idempotent()
  @Authorize({ capability: 'sign', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary:
      'Recall a dispatched directive (edXML 13): timers stop, every receiving unit is asked to give it back',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  recall(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: RecallDto,
    @IdempotencyKey() key: string,
  ) {
    return this.routes.finish(principal, id, 'recall', dto.reason, key);
  }

  @Post('directives/:id/recall-response')
  @HttpCode(HttpStatus.OK)
  @Idempotent()
  @Authorize({ capability: 'report', action: 'answer a recall', unit: { body: 'unitId' } })
  @ApiOperation({ summary: 'A receiving unit gives a recalled directive back (edXML 15) or refuses (16)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  answerRecall(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: RecallResponseDto,
  ) {
    return this.routes.answerRecall(principal, id, dto);
  }

  @Post('directives/:id/forward')
  @HttpCode(HttpStatus.OK)
  @Idempotent()
  @Authorize({ capability: 'report', action: 'forward', unit: { body: 'unitId' } })
  @ApiOperation({
    summary:
      'A receiving unit forwards the directive as it is to its own subordinates (it then aggregates them)',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 422, description: 'FORWARD_NOT_POSSIBLE' })
  forward(@CurrentPrincipal() principal: RequestPrincipal, @Param('id') id: string, @Body() dto: ForwardDto) {
    return this.routes.forward(principal, id, dto);
  }
}
