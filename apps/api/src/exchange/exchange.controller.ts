import { Controller, Get, Headers, HttpCode, HttpStatus, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { basename } from 'node:path';
import { Authorize, CurrentPrincipal } from '../auth/decorators';
import type { RequestPrincipal } from '../auth/principal';
import { EdxmlIntakeService } from './edxml-intake.service';
import { ApiError, CommonErrorCode } from '../common/api-error';
import { DOCUMENT_MEDIA_TYPES } from '../common/body-errors';
import { DirectiveImportService } from './import.service';
import { DirectiveEdxmlService } from './edxml.service';
import { LongRunning } from '../common/long-running';

export class ImportQueryDto {
  @ApiProperty({ description: 'the unit that will issue the directive (yours)' }) @IsUUID() issuerId!: string;
}

export class StatusQueryDto {
  @ApiPropertyOptional({ description: 'one recipient' }) @IsOptional() @IsUUID() unitId?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 5000, default: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  limit: number = 1000;
}

type UploadRequest = Request;

/** What was sent: a multipart file, a raw body (text, XML, .docx) or `{ "text": "…" }`. */
export function uploadOf(req: UploadRequest): {
  data: Buffer;
  filename?: string;
  mediaType?: string;
  field: string;
} {
  if (req.file)
    // only the name's extension is used: a path in it ("../../x.docx") is dropped, nothing is written
    return {
      data: req.file.buffer,
      filename: basename(req.file.originalname.replace(/\\/g, '/')),
      field: 'file',
    };
  if (Buffer.isBuffer(req.body))
    return { data: req.body, mediaType: req.headers['content-type'], field: 'body' };
  const body = req.body as { text?: unknown } | undefined;
  if (body && typeof body === 'object' && typeof body.text === 'string')
    return { data: Buffer.from(body.text, 'utf8'), field: 'text' };
  throw new ApiError(
    HttpStatus.BAD_REQUEST,
    CommonErrorCode.VALIDATION_FAILED,
    'body: send the directive as text/plain, a .docx or edXML body, a multipart "file", or { "text": "…" }',
    { field: req.is('multipart/form-data') ? 'file' : 'text' },
  );
}

@ApiTags('directives')
@ApiBearerAuth()
@Controller()
export class ExchangeController {
  constructor(
    private readonly importer: DirectiveImportService,
    private readonly edxml: DirectiveEdxmlService,
    private readonly intakes: EdxmlIntakeService,
  ) {}

  @Post('edxml/messages')
  @LongRunning()
  @HttpCode(HttpStatus.OK)
  @ApiTags('exchange')
  @ApiOperation({
    summary:
      'A connector hands over an edXML message from the national document axis: a document is registered as received by the addressees it acts for; a status (01–06, 13, 15, 16) is applied to the routing node it answers',
  })
  @ApiConsumes(
    'application/xml',
    'text/xml',
    'application/edxml+xml',
    'multipart/form-data',
    'application/json',
  )
  @ApiBody({
    description: 'the edXML message; or multipart with a "file"; or { "text": "…" }',
    schema: { type: 'string' },
  })
  @ApiHeader({
    name: 'Edxml-Message-Id',
    required: false,
    description:
      "the message's id on the axis; a retry with it gets the same answer, another message under it 409 (absent: the DocumentId, or the status's From, ResponseFor, StatusCode and Timestamp)",
  })
  @ApiResponse({
    status: 404,
    description: 'EDXML_UNIT_NOT_FOUND / EDXML_NODE_NOT_FOUND (also when outside the connector’s subtree)',
  })
  @ApiResponse({
    status: 422,
    description: 'EDXML_ELEMENT_MISSING / EDXML_ELEMENT_INVALID, field naming the element',
  })
  intake(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Req() req: UploadRequest,
    @Headers('edxml-message-id') messageId: string | undefined,
  ) {
    const upload = uploadOf(req);
    return this.intakes.intake(principal, upload.data, upload.field, messageId);
  }

  @Post('directives/import')
  @LongRunning()
  @HttpCode(HttpStatus.OK)
  @Authorize({ capability: 'draft', unit: { query: 'issuerId' } })
  @ApiOperation({
    summary:
      'Read a directive from its text (plain text, .docx or edXML) into a draft for the clerk to confirm with POST /directives; nothing is stored',
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
  importDraft(@Query() q: ImportQueryDto, @Req() req: UploadRequest) {
    const upload = uploadOf(req);
    return this.importer.import(q.issuerId, upload.data, upload);
  }

  @Get('directives/:id/edxml')
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  @ApiProduces('application/xml')
  @ApiOperation({ summary: 'The signed directive as an edXML document message (QCVN 102:2016)' })
  async document(@Param('id') id: string, @Res({ passthrough: true }) res: Response) {
    const xml = await this.edxml.document(id);
    // set once the message exists: an error is answered as JSON like every other
    res.type('application/xml; charset=utf-8');
    return xml;
  }

  @Get('directives/:id/edxml/status')
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary:
      "Each recipient's status changes (01–06, 13, 15, 16), oldest first, each with its edXML status message",
  })
  statuses(@Param('id') id: string, @Query() q: StatusQueryDto) {
    return this.edxml.statuses(id, q.unitId, q.limit);
  }
}
