import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentPrincipal } from '../auth/decorators';
import type { RequestPrincipal } from '../auth/principal';
import { IDEMPOTENCY_HEADER, IdempotencyKey } from '../common/idempotency-key';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { CreateDirectiveDto, EditDirectiveDto } from '../directives/dto/directive.dto';
import { AuditService } from '../audit/audit.service';
import { DirectivesService } from '../directives/directives.service';
import { PAGE_400, PageQueryDto } from '../common/page';
import { DraftingService } from './drafting.service';

/** Drafting: a directive's draft, its versions, its trail and its links. */
@ApiTags('drafting')
@ApiBearerAuth()
@Controller()
export class DraftingController {
  constructor(
    private readonly drafting: DraftingService,
    private readonly directives: DirectivesService,
    private readonly audit: AuditService,
  ) {}

  @Post('directives')
  // Self-idempotent: the directive's id derives from the caller and the key, so a retry finds its own directive.
  @Idempotent({ selfIdempotent: true })
  @Authorize({ capability: 'draft', unit: { body: 'issuerId' } })
  @ApiOperation({ summary: 'Draft a directive (clerks and specialists of the issuer); its workflow starts' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  create(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Body() dto: CreateDirectiveDto,
    @IdempotencyKey() key: string,
  ) {
    return this.drafting.create(principal, dto, key);
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
    return this.drafting.edit(principal, id, dto);
  }

  @Get('directives/:id/versions')
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  versions(@Param('id') id: string) {
    return this.drafting.versions(id);
  }

  @Get('directives/:id/events')
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary: 'Every step: who, role, unit, when, what, why; a page ({ items, nextCursor }), in order',
  })
  events(@Param('id') id: string, @Query() q: PageQueryDto) {
    return this.drafting.events(id, q);
  }

  @Get('directives/:id/links')
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary:
      'The chain both ways: directives this one implements or supersedes, and those that supersede it; those that ' +
      'implement it are a page (implementedBy: { items, nextCursor }, `limit`, `cursor`), in the order linked',
  })
  @ApiResponse({ status: 400, description: PAGE_400 })
  links(@Param('id') id: string, @Query() q: PageQueryDto) {
    return this.drafting.links(id, q);
  }
}
