import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ROLE_CAPABILITIES } from '@cascade/domain';
import { ApiError } from '../common/api-error';
import { AuthErrorCode } from '../auth/auth-error-codes';
import { Authorize, CurrentPrincipal } from '../auth/decorators';
import type { RequestPrincipal } from '../auth/principal';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import {
  CreateUnitDto,
  ExportQueryDto,
  MoveUnitDto,
  SearchUnitsQueryDto,
  SetReportTargetsDto,
  TreeQueryDto,
  UnitDto,
  UnitPageDto,
  UpdateUnitDto,
} from './dto/unit.dto';
import { UnitsService } from './units.service';
import { IDEMPOTENCY_HEADER } from '../common/idempotency-key';
import { LongRunning } from '../common/long-running';

@ApiTags('units')
@ApiBearerAuth()
@Controller('units')
export class UnitsController {
  constructor(private readonly units: UnitsService) {}

  @Post()
  @Idempotent()
  @Authorize({ capability: 'manage', unit: { body: 'parentId' }, nullable: true })
  @ApiOperation({ summary: 'Create a unit under a parent you administer (a root: system administrators)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 201, type: UnitDto })
  @ApiResponse({ status: 409, description: 'UNIT_CODE_TAKEN, UNIT_PARENT_INACTIVE' })
  create(@Body() dto: CreateUnitDto): Promise<UnitDto> {
    return this.units.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'Search the units you can see by name or code, ignoring accents and case' })
  @ApiResponse({ status: 200, type: UnitPageDto })
  search(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Query() query: SearchUnitsQueryDto,
  ): Promise<UnitPageDto> {
    return this.units.search(principal, query);
  }

  @Get('export')
  @LongRunning()
  @ApiOperation({
    summary: 'Export the units you can see (or one subtree) as JSON or CSV, in the import format',
  })
  async export(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Query() query: ExportQueryDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const body = await this.units.export(principal, query.under, query.format);
    if (query.format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="units.csv"');
    }
    return body;
  }

  @Post('import')
  @LongRunning()
  @HttpCode(HttpStatus.OK)
  @Idempotent()
  @ApiOperation({
    summary: 'Import units (upsert by code) from CSV or JSON',
    description:
      'CSV header: code,name,kind,parentCode,symbol,active. JSON: an array of the same fields, or { "units": [...] }. ' +
      'A bad row rejects only itself (and rows below it); unknown parents and cycles are rejected; accepted rows are ' +
      'written in one transaction. Each row must fall under a unit you administer, where that unit stands now; a ' +
      'parent you may not see is an unknown parent.',
  })
  @ApiConsumes('text/csv', 'application/json')
  @ApiBody({
    schema: {
      type: 'string',
      example: 'code,name,kind,parentCode\nLDLD-SL,Liên đoàn Lao động tỉnh Sơn La,federation,',
    },
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async import(@CurrentPrincipal() principal: RequestPrincipal, @Req() req: Request) {
    if (!principal.systemAdmin && !principal.grants.some((g) => ROLE_CAPABILITIES[g.role].manage)) {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        AuthErrorCode.FORBIDDEN,
        'import: only administrators import units',
      );
    }
    const rows = this.units.parseImport(req.body, req.headers['content-type']);
    return this.units.import(principal, rows);
  }

  @Get(':id')
  @Authorize({ capability: 'view', unit: { param: 'id' } })
  @ApiResponse({ status: 200, type: UnitDto })
  @ApiResponse({ status: 404, description: 'UNIT_NOT_FOUND (also when you may not see it)' })
  get(@Param('id') id: string): Promise<UnitDto> {
    return this.units.get(id);
  }

  @Patch(':id')
  @Authorize({ capability: 'manage', unit: { param: 'id' } })
  @ApiOperation({ summary: 'Rename, change the symbol or kind' })
  @ApiResponse({ status: 200, type: UnitDto })
  update(@Param('id') id: string, @Body() dto: UpdateUnitDto): Promise<UnitDto> {
    return this.units.update(id, dto);
  }

  @Post(':id/move')
  @HttpCode(HttpStatus.OK)
  @Idempotent()
  @Authorize({ capability: 'manage', unit: { param: 'id' } })
  @ApiOperation({
    summary: 'Move a unit and its subtree under another parent (recorded; routing already done is kept)',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 200, type: UnitDto })
  @ApiResponse({ status: 409, description: 'UNIT_MOVE_CYCLE, UNIT_PARENT_INACTIVE' })
  move(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: MoveUnitDto,
  ): Promise<UnitDto> {
    return this.units.move(principal, id, dto);
  }

  @Get(':id/moves')
  @Authorize({ capability: 'view', unit: { param: 'id' } })
  @ApiOperation({ summary: 'The recorded moves of a unit' })
  moves(@Param('id') id: string) {
    return this.units.moves(id);
  }

  @Post(':id/deactivate')
  @HttpCode(HttpStatus.OK)
  @Idempotent()
  @Authorize({ capability: 'manage', unit: { param: 'id' } })
  @ApiOperation({ summary: 'Deactivate: no new dispatch to it; its history is kept' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  deactivate(@Param('id') id: string): Promise<UnitDto> {
    return this.units.setActive(id, false);
  }

  @Post(':id/activate')
  @HttpCode(HttpStatus.OK)
  @Idempotent()
  @Authorize({ capability: 'manage', unit: { param: 'id' } })
  @ApiHeader(IDEMPOTENCY_HEADER)
  activate(@Param('id') id: string): Promise<UnitDto> {
    return this.units.setActive(id, true);
  }

  @Get(':id/tree')
  @Authorize({ capability: 'view', unit: { param: 'id' } })
  @ApiOperation({ summary: 'The units below, down to `depth` levels, depth-first, paginated (nextCursor)' })
  @ApiResponse({ status: 200, type: UnitPageDto })
  tree(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Query() query: TreeQueryDto,
  ): Promise<UnitPageDto> {
    return this.units.tree(principal, id, query);
  }

  @Get(':id/report-targets')
  @Authorize({ capability: 'view', unit: { param: 'id' } })
  @ApiOperation({
    summary: 'Bodies the unit reports to besides its parent (and the department it goes through)',
  })
  reportTargets(@Param('id') id: string) {
    return this.units.reportTargets(id);
  }

  @Put(':id/report-targets')
  @Authorize({ capability: 'manage', unit: { param: 'id' } })
  @ApiOperation({
    summary: 'Replace the extra report targets',
    description:
      'Targets and departments by code: units you may see, the unit’s own ancestors, or links it already has ' +
      '(a unit you may not see is answered as a code that does not exist).',
  })
  @ApiResponse({ status: 422, description: 'UNIT_REPORT_TARGET_INVALID' })
  setReportTargets(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: SetReportTargetsDto,
  ) {
    return this.units.setReportTargets(principal, id, dto);
  }
}
