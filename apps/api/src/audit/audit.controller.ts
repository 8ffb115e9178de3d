import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Authorize, CurrentPrincipal } from '../auth/decorators';
import type { RequestPrincipal } from '../auth/principal';
import { PAGE_400, PageQueryDto } from '../common/page';
import { AuditService } from './audit.service';

export class TimelineQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'events by this unit, or about it' })
  @IsOptional()
  @IsUUID()
  unitId?: string;
  @ApiPropertyOptional({ description: 'an action, or a family of them (`report` matches `report.*`)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;
}

export class AsOfQueryDto {
  @ApiProperty({ description: 'ISO instant' }) @IsISO8601({ strict: true }) at!: string;
}

/** `GET …/audit/case-file`: the format, and the page of the timeline (`limit`, `cursor`). */
export class CaseFileQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'html'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'html'])
  format?: 'json' | 'html';
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('directives/:id/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('timeline')
  @Authorize({ capability: 'audit', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary:
      'Every event of the directive and of the directives implementing it, in time order, with its hash; a page ' +
      '({ items, nextCursor })',
  })
  timeline(@Param('id') id: string, @Query() q: TimelineQueryDto) {
    return this.audit.timeline(id, q);
  }

  @Get('verify')
  @Authorize({ capability: 'audit', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary:
      'Recompute every hash chain and check every signature of the family; the first broken link if any',
  })
  verify(@Param('id') id: string) {
    return this.audit.verify(id);
  }

  @Get('as-of')
  @Authorize({ capability: 'audit', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({ summary: 'The routing tree as it stood at a time, rebuilt from the trail' })
  asOf(@Param('id') id: string, @Query() q: AsOfQueryDto) {
    return this.audit.asOf(id, q.at);
  }

  @Get('histories')
  @Authorize({ capability: 'audit', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary:
      'Every Temporal workflow run of the directive and its implementing directives, with its history (JSON)',
  })
  histories(@Param('id') id: string) {
    return this.audit.histories(id);
  }

  @Get('replay')
  @Authorize({ capability: 'audit', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary:
      'Replay every run against the current workflow code: per run, reproduces or the first divergence',
  })
  replay(@Param('id') id: string) {
    return this.audit.replay(id);
  }

  @Get('case-file')
  @Authorize({ capability: 'audit', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary:
      'The case file: directive, verification and a page of the timeline ({ items, nextCursor }), as JSON or ' +
      'printable HTML (which links to the next page)',
  })
  @ApiResponse({ status: 400, description: PAGE_400 })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'html'] })
  @ApiProduces('application/json', 'text/html')
  async caseFile(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Query() q: CaseFileQueryDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const file = await this.audit.caseFile(principal, id, q);
    if (q.format !== 'html') return file;
    res.type('html');
    return this.audit.caseFileHtml(file, q.limit);
  }
}
