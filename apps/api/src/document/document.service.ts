import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  documentFileName,
  officialDocumentOf,
  renderDirectiveDocx,
  renderDirectivePdf,
  type OfficialDocument,
  type RenderOptions,
} from '@cascade/documents';
import type { DocType } from '@cascade/domain';
import {
  attachmentsOf,
  documentSource,
  signedDocument,
  storeSignedDocument,
  type DirectiveRow,
} from '@cascade/persistence';
import type { DirectiveContent } from '@cascade/contracts';
import type { RequestPrincipal } from '../auth/principal';
import { directiveNotFound } from '../directives/directive-errors';
import { visibleDirective } from '../directives/directive-visibility';

/** The renderer's options (tests pass another layout to stand for a changed renderer). */
export const DOCUMENT_RENDER_OPTIONS = Symbol('DOCUMENT_RENDER_OPTIONS');
export type DocumentRenderOptions = Pick<RenderOptions, 'layout'>;

/** Until signed, a directive is a draft: its document is rendered on each request, marked "DỰ THẢO". */
const DRAFT_STATUSES = new Set(['draft', 'in_review', 'approved', 'rejected', 'cancelled']);

export interface RenderedDocument {
  content: Buffer;
  mediaType: string;
  fileName: string;
  sha256: string;
}

/**
 * A directive's official document, for those who may see the directive: the viewers of its issuer and of the units
 * it was routed to; to anyone else it does not exist (404 DIRECTIVE_NOT_FOUND, as for a missing directive). A signed
 * directive's PDF is the one stored when it was signed, byte for byte; drafts and DOCX are rendered on request.
 */
@Injectable()
export class DocumentService {
  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(DOCUMENT_RENDER_OPTIONS) private readonly options: DocumentRenderOptions | null,
  ) {}

  async pdf(principal: RequestPrincipal, id: string): Promise<RenderedDocument> {
    const row = await this.visible(principal, id);
    const draft = DRAFT_STATUSES.has(row.status);
    if (!draft) {
      let stored = await signedDocument(this.dataSource, id);
      if (!stored) {
        // Signed before documents were stored (or received from outside): rendered once now, kept from then on.
        const content = await renderDirectivePdf(await this.document(row), {
          ...this.options,
          draft: false,
          createdAt: row.signed_at ?? row.created_at,
        });
        const sha256 = createHash('sha256').update(content).digest('hex');
        await storeSignedDocument(this.dataSource, { directiveId: id, content, sha256 });
        stored = (await signedDocument(this.dataSource, id))!;
      }
      return {
        content: stored.content,
        sha256: stored.sha256,
        mediaType: 'application/pdf',
        fileName: documentFileName(row.symbol, id, 'pdf'),
      };
    }
    const content = await renderDirectivePdf(await this.document(row), { ...this.options, draft: true });
    return this.rendered(row, content, 'pdf');
  }

  async docx(principal: RequestPrincipal, id: string): Promise<RenderedDocument> {
    const row = await this.visible(principal, id);
    const content = await renderDirectiveDocx(await this.document(row), {
      ...this.options,
      draft: DRAFT_STATUSES.has(row.status),
    });
    return this.rendered(row, content, 'docx');
  }

  private rendered(row: DirectiveRow, content: Buffer, ext: 'pdf' | 'docx'): RenderedDocument {
    return {
      content,
      sha256: createHash('sha256').update(content).digest('hex'),
      mediaType:
        ext === 'pdf'
          ? 'application/pdf'
          : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      fileName: documentFileName(DRAFT_STATUSES.has(row.status) ? null : row.symbol, row.id, ext),
    };
  }

  private visible(principal: RequestPrincipal, id: string): Promise<DirectiveRow> {
    return visibleDirective(this.dataSource, principal, id);
  }

  /** The record as the document prints it (`officialDocumentOf`). */
  private async document(row: DirectiveRow): Promise<OfficialDocument> {
    const source = await documentSource(this.dataSource, row.id);
    if (!source) throw directiveNotFound(row.id);
    // "Gửi kèm theo": the files attached to the directive (a draft's as they are now).
    const attachments = await attachmentsOf(this.dataSource, row.id);
    const content = row.content as unknown as DirectiveContent;
    return officialDocumentOf({
      type: row.doc_type as DocType,
      content: attachments.length ? { ...content, attachments } : content,
      symbol: row.symbol,
      signedAt: row.signed_at,
      signer: row.signer_user_id
        ? { authority: row.signer_authority, position: row.signer_position, name: row.signer_name }
        : null,
      issuerChain: source.issuerChain,
      addresseeNames: source.addresseeNames,
    });
  }
}
