import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Req } from '@nestjs/common';
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
import { DOCUMENT_MEDIA_TYPES } from '../common/body-errors';
import { IDEMPOTENCY_HEADER } from '../common/idempotency-key';
import { AuditService } from '../audit/audit.service';
import { uploadOf } from '../exchange/exchange.controller';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import {
  ReceivedImportQueryDto,
  ReceivedRegisterQueryDto,
  RegisterReceivedDto,
} from './dto/register-received.dto';
import { ReceivingService } from './receiving.service';

/** The incoming register of documents received from outside Cascade (#18). */
@ApiTags('secretariat')
@ApiBearerAuth()
@Controller()
export class ReceivingController {
  constructor(
    private readonly receiving: ReceivingService,
    private readonly audit: AuditService,
  ) {}

  @Post('registers/incoming/received')
  @Idempotent()
  @Authorize({ capability: 'register', unit: { body: 'unitId' } })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary:
      'Register a document received from outside under its own number and symbol, with a received number (số đến) of the unit’s year; from its fields or its text',
  })
  @ApiResponse({ status: 409, description: 'RECEIVED_NUMBER_TAKEN (field receivedNumber)' })
  register(@CurrentPrincipal() principal: RequestPrincipal, @Body() dto: RegisterReceivedDto) {
    return this.receiving.register(principal, dto);
  }

  @Post('registers/incoming/received/import')
  @HttpCode(HttpStatus.OK)
  @Authorize({ capability: 'register', unit: { query: 'unitId' } })
  @ApiOperation({
    summary:
      'Read a received document (plain text, .docx or edXML) into a record for the clerk to confirm with POST /registers/incoming/received; nothing is stored',
  })
  @ApiConsumes(
    'text/plain',
    'multipart/form-data',
    'application/xml',
    'application/json',
    DOCUMENT_MEDIA_TYPES[4],
  )
  @ApiBody({
    description: 'the text; or multipart with a "file" (.txt, .docx, .xml/.edxml); or { "text": "…" }',
    schema: { type: 'string' },
  })
  preview(@Query() q: ReceivedImportQueryDto, @Req() req: Request) {
    const upload = uploadOf(req);
    return this.receiving.preview(q.unitId, upload.data, upload);
  }

  @Get('registers/incoming/received')
  @Authorize({ capability: 'view', unit: { query: 'unitId' } })
  @ApiOperation({
    summary: 'The documents the unit registered as received from outside, newest receipt first',
  })
  list(@Query() q: ReceivedRegisterQueryDto) {
    return this.receiving.list(q);
  }

  @Get('received/:id')
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary:
      'A received document: its own number, symbol, date and issuer, its received number and time (also GET /directives/:id, /links)',
  })
  async get(@CurrentPrincipal() principal: RequestPrincipal, @Param('id') id: string) {
    const entry = await this.receiving.get(id);
    await this.audit.recordRead(principal, id, 'received');
    return entry;
  }
}
