import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { Authorize, CurrentPrincipal } from '../auth/decorators';
import type { RequestPrincipal } from '../auth/principal';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import {
  AddMembershipDto,
  ChangePasswordDto,
  CreateApiKeyDto,
  CreateUserDto,
  UserDto,
} from './dto/people.dto';
import { PeopleService } from './people.service';
import { IDEMPOTENCY_HEADER, IdempotencyKey } from '../common/idempotency-key';
import { PAGE_400, PageQueryDto } from '../common/page';
import { API_KEY_BULK_MAX_ROWS, ApiKeyBulkService } from './api-key-bulk.service';
import { UserBulkService } from './user-bulk.service';
import { BULK_MAX_ROWS } from './bulk-rows';
import { LongRunning } from '../common/long-running';

@ApiTags('people')
@ApiBearerAuth()
@Controller()
export class PeopleController {
  constructor(
    private readonly people: PeopleService,
    private readonly bulkKeys: ApiKeyBulkService,
    private readonly bulkUsers: UserBulkService,
  ) {}

  @Post('users')
  @Idempotent()
  @ApiOperation({ summary: 'Create a user with a first membership in a unit you administer' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 201, type: UserDto })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED, PASSWORD_TOO_WEAK, MEMBERSHIP_REQUIRED' })
  @ApiResponse({ status: 409, description: 'USER_EMAIL_TAKEN' })
  createUser(@CurrentPrincipal() principal: RequestPrincipal, @Body() dto: CreateUserDto) {
    return this.people.createUser(principal, dto);
  }

  @Post('users/bulk')
  @LongRunning()
  @HttpCode(HttpStatus.OK)
  @Idempotent({
    redact: ['results[].activationToken'],
    replayed: { secretsShown: false },
    selfIdempotent: true,
  })
  @ApiOperation({
    summary: `Create up to ${BULK_MAX_ROWS} users in one request, each with its membership and a one-time activation token (shown once)`,
    description:
      'CSV header: email,name,unitCode,role[,authority,position]. JSON: an array of { email, name, unitCode, role, ' +
      'authority?, position? }, or { "users": [...] }. Each row is created (201, no password yet, with its ' +
      '`activationToken` for POST /auth/activate, shown in this answer only) or refused alone (400 naming the ' +
      'field; 404 UNIT_NOT_FOUND for a unit you may not see, as if it did not exist; 403 where you may see it but ' +
      'not administer it, or SIGNING_GRANT_FORBIDDEN; 409 USER_EMAIL_TAKEN for an e-mail with an account or earlier ' +
      'in the batch). A retry with the same Idempotency-Key answers the same ids with `activationToken: null` and ' +
      '`secretsShown: false`.',
  })
  @ApiConsumes('text/csv', 'application/json')
  @ApiBody({
    schema: {
      type: 'string',
      example:
        'email,name,unitCode,role,authority,position\nvan.thu@ldld-sl.vn,Nguyễn Thị Lan,LDLD-SL,clerk,,',
    },
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({
    status: 413,
    description: 'USER_BULK_TOO_MANY_ROWS (or PAYLOAD_TOO_LARGE past the body limit)',
  })
  createUsers(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Req() req: Request,
    @IdempotencyKey() key: string,
  ) {
    return this.bulkUsers.create(principal, this.bulkUsers.parse(req.body, req.headers['content-type']), key);
  }

  @Get('users')
  @ApiOperation({
    summary: 'Users holding a role in a unit you can see, by name; a page ({ items, nextCursor })',
  })
  @ApiResponse({ status: 400, description: PAGE_400 })
  listUsers(@CurrentPrincipal() principal: RequestPrincipal, @Query() q: PageQueryDto) {
    return this.people.listUsers(principal, q);
  }

  @Post('users/me/password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Change your password (other sessions are revoked)' })
  async changePassword(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Body() dto: ChangePasswordDto,
  ): Promise<void> {
    await this.people.changePassword(principal, dto);
  }

  @Get('users/:id')
  @ApiOperation({ summary: 'A user you can see, with the memberships you can see' })
  getUser(@CurrentPrincipal() principal: RequestPrincipal, @Param('id') id: string) {
    return this.people.getUser(principal, id);
  }

  @Post('users/:id/deactivate')
  @HttpCode(HttpStatus.OK)
  @Idempotent()
  @ApiOperation({ summary: 'Deactivate an account: its sessions end at once (admins of all its units)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  deactivateUser(@CurrentPrincipal() principal: RequestPrincipal, @Param('id') id: string) {
    return this.people.setUserActive(principal, id, false);
  }

  @Post('users/:id/activate')
  @HttpCode(HttpStatus.OK)
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  activateUser(@CurrentPrincipal() principal: RequestPrincipal, @Param('id') id: string) {
    return this.people.setUserActive(principal, id, true);
  }

  @Post('users/:id/activation')
  @HttpCode(HttpStatus.OK)
  @Idempotent({ redact: ['activationToken', 'activationExpiresAt'], replayed: { secretsShown: false } })
  @ApiOperation({
    summary: 'Re-issue the one-time activation token of a user who has not activated yet (shown once)',
    description:
      'The previous token stops working. Allowed to system administrators and to whoever administers every unit ' +
      'of the user. A retry with the same Idempotency-Key answers the same with `activationToken: null` and ' +
      '`secretsShown: false` (no new token is made).',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 404, description: 'USER_NOT_FOUND (also a user you may not see)' })
  @ApiResponse({ status: 403, description: 'FORBIDDEN: you do not administer every unit of this user' })
  @ApiResponse({ status: 409, description: 'USER_ALREADY_ACTIVATED, USER_DEACTIVATED' })
  reissueActivation(@CurrentPrincipal() principal: RequestPrincipal, @Param('id') id: string) {
    return this.people.reissueActivation(principal, id);
  }

  @Get('units/:id/members')
  @Authorize({ capability: 'view', unit: { param: 'id' } })
  @ApiOperation({
    summary: 'Who holds which role in the unit, in the order granted; a page ({ items, nextCursor })',
  })
  @ApiResponse({ status: 400, description: PAGE_400 })
  members(@Param('id') id: string, @Query() q: PageQueryDto) {
    return this.people.members(id, q);
  }

  @Post('units/:id/memberships')
  @Idempotent()
  @Authorize({ capability: 'manage', unit: { param: 'id' } })
  @ApiOperation({ summary: 'Give a user a role in the unit (leaders: with authority and position)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 409, description: 'MEMBERSHIP_EXISTS' })
  @ApiResponse({
    status: 403,
    description: 'SIGNING_GRANT_FORBIDDEN: a signing authority needs an admin above',
  })
  addMembership(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: AddMembershipDto,
  ) {
    return this.people.addMembership(principal, id, dto);
  }

  @Delete('memberships/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Authorize({ capability: 'manage', unit: { param: 'id' }, via: 'membership' })
  async removeMembership(@Param('id') id: string): Promise<void> {
    await this.people.removeMembership(id);
  }

  @Post('units/:id/api-keys')
  @Idempotent({ redact: ['key'] })
  @Authorize({ capability: 'manage', unit: { param: 'id' } })
  @ApiOperation({
    summary: 'Create an API key for a system acting as the unit (shown once; stored hashed)',
    description:
      'A retry with the same Idempotency-Key returns the key record with `key: null`: the secret is never stored.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  createApiKey(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Body() dto: CreateApiKeyDto,
  ) {
    return this.people.createApiKey(principal, id, dto);
  }

  @Post('api-keys/bulk')
  @LongRunning()
  @HttpCode(HttpStatus.OK)
  @Idempotent({ redact: ['results[].key'], replayed: { secretsShown: false }, selfIdempotent: true })
  @ApiOperation({
    summary: `Create up to ${API_KEY_BULK_MAX_ROWS} API keys in one request, each row its own result (secrets shown once)`,
    description:
      'CSV header: unitCode,name,role. JSON: an array of { unitCode, name, role }, or { "keys": [...] }. Each row is ' +
      'created (201, with its key, shown in this answer only) or refused alone (400 naming the field; 404 ' +
      'UNIT_NOT_FOUND for a unit you may not see, as if it did not exist; 403 where you may see it but not ' +
      'administer it). A retry with the same Idempotency-Key answers the same ids with `key: null` and ' +
      '`secretsShown: false`.',
  })
  @ApiConsumes('text/csv', 'application/json')
  @ApiBody({
    schema: { type: 'string', example: 'unitCode,name,role\nLDLD-SL,e-office LĐLĐ Sơn La,connector' },
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({
    status: 413,
    description: 'API_KEY_BULK_TOO_MANY_ROWS (or PAYLOAD_TOO_LARGE past the body limit)',
  })
  createApiKeys(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Req() req: Request,
    @IdempotencyKey() key: string,
  ) {
    return this.bulkKeys.create(principal, this.bulkKeys.parse(req.body, req.headers['content-type']), key);
  }

  @Get('units/:id/api-keys')
  @Authorize({ capability: 'manage', unit: { param: 'id' } })
  @ApiOperation({
    summary: "The unit's API keys (never their secrets), oldest first; a page ({ items, nextCursor })",
  })
  @ApiResponse({ status: 400, description: PAGE_400 })
  apiKeys(@Param('id') id: string, @Query() q: PageQueryDto) {
    return this.people.apiKeys(id, q);
  }

  @Delete('api-keys/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @Authorize({ capability: 'manage', unit: { param: 'id' }, via: 'apiKey' })
  async revokeApiKey(@Param('id') id: string): Promise<void> {
    await this.people.revokeApiKey(id);
  }
}
