import { Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentPrincipal } from '../auth/decorators';
import type { RequestPrincipal } from '../auth/principal';
import { IDEMPOTENCY_HEADER, IdempotencyKey } from '../common/idempotency-key';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import {
  AcknowledgeDto,
  CancelDto,
  CloseDto,
  CreateDirectiveDto,
  EditDirectiveDto,
  CyclesQueryDto,
  EscalationQueryDto,
  ForwardDto,
  RecallDto,
  RecallResponseDto,
  ReviewChainDto,
  ReceivedQueryDto,
  ReportQueryDto,
  ReviewDto,
  RoutingQueryDto,
  SubmitReportDto,
  VersionDto,
} from './dto/directive.dto';
import { AuditService } from './audit.service';
import { DirectivesService } from './directives.service';

@ApiTags('directives')
@ApiBearerAuth()
@Controller()
export class DirectivesController {
  constructor(
    private readonly directives: DirectivesService,
    private readonly audit: AuditService,
  ) {}

  @Post('directives')
  @Idempotent()
  @Authorize({ capability: 'draft', unit: { body: 'issuerId' } })
  @ApiOperation({ summary: 'Draft a directive (clerks and specialists of the issuer); its workflow starts' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  create(@CurrentPrincipal() principal: RequestPrincipal, @Body() dto: CreateDirectiveDto) {
    return this.directives.create(principal, dto);
  }

  @Get('directives/:id')
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({ summary: 'The directive: content, status, number, signature, live review state' })
  @ApiQuery({
    name: 'live',
    required: false,
    description: 'true: also query the workflow for the live review state',
  })
  async get(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Query('live') live?: string,
  ) {
    const directive = await this.directives.get(id, live === 'true' ? 'query' : null);
    await this.audit.recordRead(principal, id, 'directive'); // who viewed which document (one row a minute)
    return directive;
  }

  @Patch('directives/:id')
  @Authorize({ capability: 'draft', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary: 'Edit a draft: a new version (the old ones are kept); `version` must be the current one',
  })
  @ApiResponse({ status: 409, description: 'DIRECTIVE_INVALID_STATE (not a draft), DIRECTIVE_VERSION_STALE' })
  edit(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: EditDirectiveDto,
  ) {
    return this.directives.edit(principal, id, dto);
  }

  @Get('directives/:id/versions')
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  versions(@Param('id') id: string) {
    return this.directives.versions(id);
  }

  @Get('directives/:id/events')
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({ summary: 'Every step: who, role, unit, when, what, why' })
  events(@Param('id') id: string) {
    return this.directives.events(id);
  }

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
    return this.directives.submit(principal, id, dto.version, key);
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
    return this.directives.review(principal, id, dto, key);
  }

  @Post('directives/:id/sign')
  @HttpCode(HttpStatus.OK)
  @Idempotent()
  @Authorize({ capability: 'sign', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary: 'Sign an approved version: number allocated, Ed25519 signature, content immutable',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 403, description: 'SIGNER_NO_AUTHORITY' })
  sign(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: VersionDto,
    @IdempotencyKey() key: string,
  ) {
    return this.directives.sign(principal, id, dto.version, key);
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
    return this.directives.cancel(principal, id, dto, key);
  }

  @Get('directives/:id/verify')
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({ summary: 'Check the signature, the hash and that the record still says what was signed' })
  verify(@Param('id') id: string) {
    return this.directives.verify(id);
  }

  @Get('directives/:id/routing')
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary: 'Routing nodes of the dispatch: each addressee, its routing parent, tier and status',
  })
  routing(@Param('id') id: string, @Query() query: RoutingQueryDto) {
    return this.directives.routing(id, query);
  }

  @Post('directives/:id/acknowledge')
  @HttpCode(HttpStatus.OK)
  @Idempotent({ selfIdempotent: true })
  @Authorize({ capability: 'report', unit: { body: 'unitId' } })
  @ApiOperation({ summary: 'A receiving unit accepts (03) or returns (02, with the reason) the directive' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 404, description: 'ROUTING_NODE_NOT_FOUND: not routed to that unit' })
  acknowledge(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: AcknowledgeDto,
  ) {
    return this.directives.acknowledge(principal, id, dto);
  }

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
    return this.directives.submitReport(principal, id, dto, key);
  }

  @Get('directives/:id/received')
  @Authorize({ capability: 'view', unit: { query: 'unitId' } })
  @ApiOperation({
    summary:
      'The directive as a unit it was routed to sees it: its content, the report form and the unit’s own routing node (404 if not routed there)',
  })
  received(@Param('id') id: string, @Query() query: ReceivedQueryDto) {
    return this.directives.received(id, query.unitId);
  }

  @Get('directives/:id/reports')
  @Authorize({ capability: 'view', unit: { query: 'unitId' } })
  @ApiOperation({ summary: 'Current reports of a cycle from the unit and the routed units below it' })
  reports(@Param('id') id: string, @Query() query: ReportQueryDto) {
    return this.directives.reports(id, query);
  }

  @Get('directives/:id/aggregate')
  @Authorize({ capability: 'view', unit: { query: 'unitId' } })
  @ApiOperation({
    summary: 'The aggregated report of a cycle at a node, with coverage (on time, late, missing units)',
  })
  aggregate(@Param('id') id: string, @Query() query: ReportQueryDto) {
    return this.directives.aggregateAt(id, query);
  }

  @Get('directives/:id/aggregate/revisions')
  @Authorize({ capability: 'view', unit: { query: 'unitId' } })
  @ApiOperation({ summary: "Every revision of a node's aggregate of a cycle, as it was reported upward" })
  aggregateRevisions(@Param('id') id: string, @Query() query: ReportQueryDto) {
    return this.directives.aggregateRevisions(id, query);
  }

  @Get('directives/:id/escalations')
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({ summary: 'Reminders, overdue marks and escalations per unit and cycle' })
  escalations(@Param('id') id: string, @Query() query: EscalationQueryDto) {
    return this.directives.escalations(id, query);
  }

  @Get('directives/:id/cycles')
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary:
      "A dispatched directive's cycles from `from` (default 0), `count` of them (default 12): label, opening, data " +
      "period, each tier's deadline, whether it is provisional and open — as stored when planned",
  })
  cycles(@Param('id') id: string, @Query() query: CyclesQueryDto) {
    return this.directives.cycles(id, query);
  }

  @Get('directives/:id/links')
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary:
      'The chain both ways: directives this one implements or supersedes, and those that implement or supersede it',
  })
  links(@Param('id') id: string) {
    return this.directives.links(id);
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
    return this.directives.finish(principal, id, 'close', dto.reason ?? null, key);
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
    return this.directives.finish(principal, id, 'recall', dto.reason, key);
  }

  @Post('directives/:id/recall-response')
  @HttpCode(HttpStatus.OK)
  @Idempotent()
  @Authorize({ capability: 'report', unit: { body: 'unitId' } })
  @ApiOperation({ summary: 'A receiving unit gives a recalled directive back (edXML 15) or refuses (16)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  answerRecall(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: RecallResponseDto,
  ) {
    return this.directives.answerRecall(principal, id, dto);
  }

  @Post('directives/:id/forward')
  @HttpCode(HttpStatus.OK)
  @Idempotent()
  @Authorize({ capability: 'report', unit: { body: 'unitId' } })
  @ApiOperation({
    summary:
      'A receiving unit forwards the directive as it is to its own subordinates (it then aggregates them)',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 422, description: 'FORWARD_NOT_POSSIBLE' })
  forward(@CurrentPrincipal() principal: RequestPrincipal, @Param('id') id: string, @Body() dto: ForwardDto) {
    return this.directives.forward(principal, id, dto);
  }

  @Get('units/:id/review-chain')
  @Authorize({ capability: 'view', unit: { param: 'id' } })
  reviewChain(@Param('id') id: string) {
    return this.directives.reviewChain(id);
  }

  @Put('units/:id/review-chain')
  @Authorize({ capability: 'manage', unit: { param: 'id' } })
  @ApiOperation({ summary: 'The approval chain of the unit: its leaders, in order' })
  setReviewChain(@Param('id') id: string, @Body() dto: ReviewChainDto) {
    return this.directives.setReviewChain(id, dto.reviewerIds);
  }
}
