import { Controller, Get, Param, Post, Req, Res, StreamableFile } from '@nestjs/common';
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
import { ATTACHMENT_TYPES } from '@cascade/domain';
import { Authorize, CurrentPrincipal } from '../auth/decorators';
import type { RequestPrincipal } from '../auth/principal';
import { IDEMPOTENCY_HEADER, IdempotencyKey } from '../common/idempotency-key';
import { AttachmentsService } from './attachments.service';

/** A directive's attachments ("gửi kèm theo"): upload to a draft, list and download. */
@ApiTags('attachments')
@ApiBearerAuth()
@Controller('directives/:id/attachments')
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Post()
  @Authorize({ capability: 'draft', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary: `Attach a file to a draft or a directive in review (${Object.keys(ATTACHMENT_TYPES).join(', ')})`,
    description:
      'multipart/form-data, the file in the field "file". Its type is told by its content as well as its name; ' +
      'its SHA-256 goes into the signed record. A retry with the same Idempotency-Key answers the first upload.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({
    status: 400,
    description: 'ATTACHMENT_FILE_REQUIRED, ATTACHMENT_NAME_INVALID, ATTACHMENT_UPLOAD_MALFORMED',
  })
  @ApiResponse({
    status: 409,
    description: 'ATTACHMENT_DIRECTIVE_NOT_DRAFT, ATTACHMENT_LIMIT_REACHED, IDEMPOTENCY_KEY_REUSED',
  })
  @ApiResponse({ status: 413, description: 'ATTACHMENT_TOO_LARGE' })
  @ApiResponse({ status: 415, description: 'ATTACHMENT_TYPE_REFUSED' })
  upload(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Req() req: Request,
    @IdempotencyKey() key: string,
  ) {
    return this.attachments.upload(principal, id, req.file, key);
  }

  // Read by the issuer's side and by every unit the directive was routed to (the service checks which).
  @Get()
  @ApiOperation({ summary: 'The attachments: name, media type, size, SHA-256, in upload order' })
  @ApiResponse({ status: 404, description: 'DIRECTIVE_NOT_FOUND: not one the caller issued or received' })
  list(@CurrentPrincipal() principal: RequestPrincipal, @Param('id') id: string) {
    return this.attachments.list(principal, id);
  }

  @Get(':attachmentId')
  @ApiOperation({ summary: 'The file as uploaded, with its media type and a Digest of its SHA-256' })
  @ApiResponse({ status: 404, description: 'DIRECTIVE_NOT_FOUND, ATTACHMENT_NOT_FOUND' })
  async download(
    @CurrentPrincipal() principal: RequestPrincipal,
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const file = await this.attachments.content(principal, id, attachmentId);
    res.setHeader('Content-Type', file.mediaType);
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`);
    res.setHeader('Digest', `sha-256=${Buffer.from(file.sha256, 'hex').toString('base64')}`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    return new StreamableFile(file.content);
  }
}
