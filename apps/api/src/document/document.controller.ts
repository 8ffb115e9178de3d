import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal } from '../auth/decorators';
import type { RequestPrincipal } from '../auth/principal';
import { AuditService } from '../audit/audit.service';
import { DocumentService, type RenderedDocument } from './document.service';

/** RFC 6266 / 8187: an ASCII fallback and the UTF-8 name ("136-KH-LĐLĐ.pdf"). */
export function contentDisposition(fileName: string): string {
  const ascii = fileName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** The official document of a directive (Decree 30/2020), as PDF and as DOCX. */
@ApiTags('drafting')
@ApiBearerAuth()
@Controller()
export class DocumentController {
  constructor(
    private readonly documents: DocumentService,
    private readonly audit: AuditService,
  ) {}

  @Get('directives/:id/document.pdf')
  @ApiOperation({
    summary:
      'The official document as PDF: a draft rendered now, marked DỰ THẢO; a signed directive, the PDF stored when it was signed',
  })
  @ApiProduces('application/pdf')
  @ApiResponse({
    status: 404,
    description: 'DIRECTIVE_NOT_FOUND: no such directive, or not one the caller may see',
  })
  async pdf(@CurrentPrincipal() principal: RequestPrincipal, @Param('id') id: string, @Res() res: Response) {
    this.send(res, await this.documents.pdf(principal, id));
    await this.audit.recordRead(principal, id, 'document');
  }

  @Get('directives/:id/document.docx')
  @ApiOperation({ summary: 'The official document as DOCX (Word), rendered from the record' })
  @ApiProduces('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
  @ApiResponse({
    status: 404,
    description: 'DIRECTIVE_NOT_FOUND: no such directive, or not one the caller may see',
  })
  async docx(@CurrentPrincipal() principal: RequestPrincipal, @Param('id') id: string, @Res() res: Response) {
    this.send(res, await this.documents.docx(principal, id));
    await this.audit.recordRead(principal, id, 'document');
  }

  private send(res: Response, doc: RenderedDocument): void {
    res
      .status(200)
      .set({
        'Content-Type': doc.mediaType,
        'Content-Length': String(doc.content.length),
        'Content-Disposition': contentDisposition(doc.fileName),
        'X-Content-SHA256': doc.sha256,
        'Cache-Control': 'private, no-store',
      })
      .end(doc.content);
  }
}
