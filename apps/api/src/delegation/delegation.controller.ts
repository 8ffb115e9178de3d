import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentPrincipal } from '../auth/decorators';
import type { RequestPrincipal } from '../auth/principal';
import { IDEMPOTENCY_HEADER } from '../common/idempotency-key';
import { PAGE_400, PageQueryDto } from '../common/page';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { CreateDelegationDto, RevokeDelegationDto } from './dto/delegation.dto';
import { DelegationService } from './delegation.service';

/** A unit's signing relations (KT., Q., TL., TUQ.), recorded and revoked by its administrator. */
@ApiTags('delegation')
@ApiBearerAuth()
@Controller('units/:id/delegations')
export class DelegationController {
  constructor(private readonly delegations: DelegationService) {}

  @Post()
  @Idempotent()
  @Authorize({ capability: 'manage', unit: { param: 'id' } })
  @ApiOperation({
    summary: 'Record a signing relation: kind, grantor, grantee, written basis, document types, period',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({
    status: 400,
    description:
      'VALIDATION_FAILED, DELEGATION_SELF, DELEGATION_LINE_MISSING, DELEGATION_TUQ_UNBOUNDED, DELEGATION_PERIOD_INVALID',
  })
  @ApiResponse({
    status: 422,
    description: 'DELEGATION_GRANTOR_NOT_LEADER, DELEGATION_GRANTEE_NOT_SIGNER, DELEGATION_REDELEGATED',
  })
  create(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') unitId: string,
    @Body() dto: CreateDelegationDto,
  ) {
    return this.delegations.create(principal, unitId, dto);
  }

  @Get()
  @Authorize({ capability: 'manage', unit: { param: 'id' } })
  @ApiOperation({ summary: "The unit's signing relations, newest first: a page ({ items, nextCursor })" })
  @ApiResponse({ status: 400, description: PAGE_400 })
  list(@Param('id') unitId: string, @Query() q: PageQueryDto) {
    return this.delegations.list(unitId, q);
  }

  @Get(':delegationId')
  @Authorize({ capability: 'manage', unit: { param: 'id' } })
  @ApiResponse({ status: 404, description: 'DELEGATION_NOT_FOUND' })
  get(@Param('id') unitId: string, @Param('delegationId') id: string) {
    return this.delegations.get(unitId, id);
  }

  @Post(':delegationId/revoke')
  @HttpCode(HttpStatus.OK)
  @Idempotent()
  @Authorize({ capability: 'manage', unit: { param: 'id' } })
  @ApiOperation({
    summary:
      'Revoke the relation (kept: directives signed under it name it); a second revoke changes nothing',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 404, description: 'DELEGATION_NOT_FOUND' })
  revoke(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') unitId: string,
    @Param('delegationId') id: string,
    @Body() dto: RevokeDelegationDto,
  ) {
    return this.delegations.revoke(principal, unitId, id, dto);
  }
}
