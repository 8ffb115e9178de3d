import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { SystemAdminOnly } from '../auth/system-admin.guard';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IDEMPOTENCY_HEADER, IdempotencyKey } from '../common/idempotency-key';
import { FinishProbeDto, ProbeDto, StartProbeDto } from './dto/start-probe.dto';
import { ProbesService } from './probes.service';

/**
 * The wiring probe: a workflow started here, whose activity writes a row through TypeORM and whose state is read
 * back through a query. Operators use it to check a deployment end to end: system administrators only (`403
 * SYSTEM_ADMIN_ONLY` for anyone else, whichever probe the route names).
 */
@ApiTags('probes')
@ApiBearerAuth()
@UseGuards(SystemAdminOnly)
@ApiResponse({ status: 403, description: 'SYSTEM_ADMIN_ONLY' })
@Controller('probes')
export class ProbesController {
  constructor(private readonly probes: ProbesService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Start a probe workflow' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 201, type: ProbeDto })
  @ApiResponse({ status: 409, description: 'IDEMPOTENCY_KEY_REUSED: same key, different message' })
  start(@IdempotencyKey() key: string, @Body() dto: StartProbeDto): Promise<ProbeDto> {
    return this.probes.start(key, dto);
  }

  @Get(':id')
  @ApiOperation({ summary: "A probe's live state (workflow query) and whether its row is in PostgreSQL" })
  @ApiResponse({ status: 200, type: ProbeDto })
  @ApiResponse({ status: 404, description: 'PROBE_NOT_FOUND' })
  get(@Param('id') id: string): Promise<ProbeDto> {
    return this.probes.get(id);
  }

  @Post(':id/finish')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Finish a probe (a workflow update validated by the workflow)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 200, type: ProbeDto })
  @ApiResponse({ status: 409, description: 'PROBE_ALREADY_FINISHED or PROBE_ALREADY_FINISHING' })
  finish(
    @Param('id') id: string,
    @IdempotencyKey() key: string,
    @Body() dto: FinishProbeDto,
  ): Promise<ProbeDto> {
    return this.probes.finish(id, key, dto);
  }
}
