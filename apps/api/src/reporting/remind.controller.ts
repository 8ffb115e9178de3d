import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsUUID, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { remindUnit, unitOfResource } from '@cascade/persistence';
import { Authorize, CurrentPrincipal } from '../auth/decorators';
import { AuthErrorCode } from '../auth/auth-error-codes';
import type { RequestPrincipal } from '../auth/principal';
import { ApiError } from '../common/api-error';
import { IDEMPOTENCY_HEADER } from '../common/idempotency-key';
import { DirectiveErrorCode } from '../directives/directive-error-codes';
import { Idempotent } from '../idempotency/idempotency.interceptor';

export class RemindDto {
  @ApiProperty({ description: 'the grassroots unit to remind' }) @IsUUID() unitId!: string;
  @ApiProperty({ description: 'the cycle it has not reported' })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100_000)
  cycle!: number;
}

/** "Nhắc ngay" on the overdue list: the issuer's clerk or leader reminds one unit of one cycle now. */
@ApiTags('reporting')
@ApiBearerAuth()
@Controller()
export class RemindController {
  constructor(private readonly db: DataSource) {}

  @Post('directives/:id/remind')
  @HttpCode(200)
  @Idempotent({ selfIdempotent: true })
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary:
      "Reminds a unit of a cycle now through the ladder (its reminder rung, event and e-mails); again: no change ({ reminded: false }). The issuer's clerks and leaders only",
  })
  @ApiResponse({ status: 403, description: 'FORBIDDEN: not a clerk or leader of the issuer' })
  @ApiResponse({
    status: 404,
    description: 'ROUTING_NODE_NOT_FOUND: the unit or cycle is not one of the directive',
  })
  @ApiResponse({ status: 409, description: 'ALREADY_REPORTED: the unit has reported the cycle' })
  async remind(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: RemindDto,
  ): Promise<{ reminded: boolean }> {
    const issuerId = await unitOfResource(this.db, 'directive', id);
    const mayRemind = principal.grants.some(
      (g) => g.unitPath[g.unitPath.length - 1] === issuerId && (g.role === 'clerk' || g.role === 'leader'),
    );
    if (!mayRemind)
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        AuthErrorCode.FORBIDDEN,
        "id: only the issuer's clerks and leaders remind its units",
      );
    const outcome = await remindUnit(this.db, id, dto.cycle, dto.unitId);
    if (outcome === 'unknown')
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        DirectiveErrorCode.ROUTING_NODE_NOT_FOUND,
        'unitId: no such unit or cycle on this directive',
      );
    if (outcome === 'reported')
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.ALREADY_REPORTED,
        'unitId: the unit has reported this cycle',
      );
    return { reminded: outcome === 'reminded' };
  }
}
