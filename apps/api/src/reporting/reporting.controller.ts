import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentPrincipal } from '../auth/decorators';
import type { RequestPrincipal } from '../auth/principal';
import { IDEMPOTENCY_HEADER, IdempotencyKey } from '../common/idempotency-key';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { PAGE_400 } from '../common/page';
import { CyclesQueryDto, ReportQueryDto, SubmitReportDto } from '../directives/dto/directive.dto';
import {
  AnswersQueryDto,
  EscalationPageQueryDto,
  ReportPageQueryDto,
  RevisionPageQueryDto,
  RollupPageQueryDto,
} from './reporting.dto';
import { ReportingService } from './reporting.service';

/** Reporting: reports, aggregates, cycles and escalations. */
@ApiTags('reporting')
@ApiBearerAuth()
@Controller()
export class ReportingController {
  constructor(private readonly reporting: ReportingService) {}

  @Post('directives/:id/reports')
  @Idempotent({ selfIdempotent: true })
  @Authorize({ capability: 'report', unit: { body: 'unitId' } })
  @ApiOperation({
    summary:
      'A routed unit reports for a cycle (validated against the form; late after its deadline; revisions kept)',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 400, description: 'REPORT_INVALID (details name each field)' })
  submitReport(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: SubmitReportDto,
    @IdempotencyKey() key: string,
  ) {
    return this.reporting.submitReport(principal, id, dto, key);
  }

  @Get('directives/:id/reports')
  @Authorize({ capability: 'view', unit: { query: 'unitId' } })
  @ApiOperation({
    summary:
      'Current reports of a cycle from the unit and the routed units below it, by unit id (an ad hoc stream: every ' +
      'report, newest first); a page ({ items, nextCursor })',
  })
  @ApiResponse({ status: 400, description: PAGE_400 })
  reports(@Param('id') id: string, @Query() query: ReportPageQueryDto) {
    return this.reporting.reports(id, query);
  }

  @Get('directives/:id/aggregate')
  @Authorize({ capability: 'view', unit: { query: 'unitId' } })
  @ApiOperation({
    summary:
      'The aggregated report of a cycle at a node, with coverage (on time, late, missing units); a `collect` field ' +
      'as { count, items (the first 100 answers), nextCursor } (the rest: /aggregate/answers)',
  })
  aggregate(@Param('id') id: string, @Query() query: ReportQueryDto) {
    return this.reporting.aggregateAt(id, query);
  }

  @Get('directives/:id/aggregate/missing')
  @Authorize({ capability: 'view', unit: { query: 'unitId' } })
  @ApiOperation({
    summary:
      'A page of the units below a node expected to report the cycle that have not, by unit id (exact, from the ' +
      "routing tree; the aggregate's coverage lists the first 100 and `missingCursor`)",
  })
  @ApiResponse({ status: 400, description: PAGE_400 })
  missing(@Param('id') id: string, @Query() query: ReportPageQueryDto) {
    return this.reporting.missing(id, query);
  }

  @Get('directives/:id/aggregate/answers')
  @Authorize({ capability: 'view', unit: { query: 'unitId' } })
  @ApiOperation({
    summary:
      "A page of the answers collected for a `collect` field of a node's aggregate ({ count, items, nextCursor }): " +
      "of one revision (the cursor keeps it), or of the live preview before the node's aggregation closes",
  })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED: field not a collect field, limit, or cursor' })
  aggregateAnswers(@Param('id') id: string, @Query() query: AnswersQueryDto) {
    return this.reporting.aggregateAnswers(id, query);
  }

  @Get('directives/:id/aggregate/revisions')
  @Authorize({ capability: 'view', unit: { query: 'unitId' } })
  @ApiOperation({
    summary:
      "The revisions of a node's aggregate of a cycle, as it was reported upward, oldest first; a page ({ items, nextCursor })",
  })
  @ApiResponse({ status: 400, description: PAGE_400 })
  aggregateRevisions(@Param('id') id: string, @Query() query: RevisionPageQueryDto) {
    return this.reporting.aggregateRevisions(id, query);
  }

  @Get('directives/:id/rollups')
  @Authorize({ capability: 'view', unit: { query: 'unitId' } })
  @ApiOperation({
    summary:
      "Reports that arrived through implementing directives: each body's closed aggregate on its own directive, as its " +
      'report here, newest first; a page ({ items, nextCursor })',
  })
  @ApiResponse({ status: 400, description: PAGE_400 })
  rollups(@Param('id') id: string, @Query() query: RollupPageQueryDto) {
    return this.reporting.rollups(id, query);
  }

  @Get('directives/:id/escalations')
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary:
      'Reminders, overdue marks and escalations per unit and cycle, by cycle, time, unit and level; a page ' +
      '({ items, nextCursor })',
  })
  escalations(@Param('id') id: string, @Query() query: EscalationPageQueryDto) {
    return this.reporting.escalations(id, query);
  }

  @Get('directives/:id/cycles')
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary:
      "A dispatched directive's cycles from `from` (default 0), `count` of them (default 12): label, opening, data " +
      "period, each tier's deadline, whether it is provisional and open — as stored when planned",
  })
  cycles(@Param('id') id: string, @Query() query: CyclesQueryDto) {
    return this.reporting.cycles(id, query);
  }
}
