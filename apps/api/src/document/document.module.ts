import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DocumentController } from './document.controller';
import { DOCUMENT_RENDER_OPTIONS, DocumentService } from './document.service';

/** The official document of a directive: GET /directives/:id/document.pdf and document.docx. */
@Module({
  imports: [AuditModule],
  controllers: [DocumentController],
  // the decree's layout (`layoutFor`); a test provides another to stand for a changed renderer
  providers: [DocumentService, { provide: DOCUMENT_RENDER_OPTIONS, useValue: {} }],
})
export class DocumentModule {}
