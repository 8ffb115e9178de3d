import { createHash, randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@cascade/config';
import { attachmentName, attachmentType } from '@cascade/domain';
import {
  attachmentContent,
  attachmentsOf,
  attachOnce,
  type Attachment,
  type AttachmentWithContent,
} from '@cascade/persistence';
import { ApiError } from '../common/api-error';
import { isUuid } from '../common/page';
import type { RequestPrincipal } from '../auth/principal';
import { directiveNotFound } from '../directives/directive-errors';
import { visibleDirective } from '../directives/directive-visibility';
import { idempotencyKeyReused } from '../idempotency/idempotency.interceptor';
import { AttachmentErrorCode } from './attachment-error-codes';

const fileError = (status: HttpStatus, code: AttachmentErrorCode, problem: string) =>
  new ApiError(status, code, `file: ${problem}`, [{ field: 'file', problems: [problem] }]);

/**
 * The files a directive carries ("gửi kèm theo"): uploaded while it is a draft or in review, kept in PostgreSQL with
 * their SHA-256, size and media type (told by their content), named with their hashes in the signed record.
 */
@Injectable()
export class AttachmentsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async upload(
    principal: RequestPrincipal,
    directiveId: string,
    file: Express.Multer.File | undefined,
    key: string,
  ): Promise<Attachment> {
    if (!file)
      throw fileError(
        HttpStatus.BAD_REQUEST,
        AttachmentErrorCode.ATTACHMENT_FILE_REQUIRED,
        'required: send the file as multipart/form-data in the field "file"',
      );
    if (file.size > this.config.ATTACHMENT_MAX_BYTES)
      throw fileError(
        HttpStatus.PAYLOAD_TOO_LARGE,
        AttachmentErrorCode.ATTACHMENT_TOO_LARGE,
        `larger than ${this.config.ATTACHMENT_MAX_BYTES} bytes`,
      );
    if (file.size === 0)
      throw fileError(HttpStatus.BAD_REQUEST, AttachmentErrorCode.ATTACHMENT_FILE_REQUIRED, 'is empty');
    const name = attachmentName(file.originalname ?? '');
    if (!name)
      throw fileError(
        HttpStatus.BAD_REQUEST,
        AttachmentErrorCode.ATTACHMENT_NAME_INVALID,
        'the file name is empty or longer than 255 characters',
      );
    const type = attachmentType(name, file.buffer);
    if (!type.ok)
      throw new ApiError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        AttachmentErrorCode.ATTACHMENT_TYPE_REFUSED,
        type.reason,
        [{ field: 'file', problems: [type.reason.replace(/^file: /, '')] }],
      );
    const outcome = await this.dataSource.transaction((m) =>
      attachOnce(
        m,
        {
          id: randomUUID(),
          directiveId,
          name,
          mediaType: type.mediaType,
          size: file.size,
          sha256: createHash('sha256').update(file.buffer).digest('hex'),
          content: file.buffer,
          uploadedBy: `${principal.kind}:${principal.id}`,
          idempotencyKey: key,
        },
        this.config.ATTACHMENT_MAX_COUNT,
      ),
    );
    switch (outcome.kind) {
      case 'created':
      case 'replayed':
        return outcome.attachment;
      case 'key_reused':
        throw idempotencyKeyReused();
      case 'missing':
        throw directiveNotFound(directiveId);
      case 'not_draft':
        throw new ApiError(
          HttpStatus.CONFLICT,
          AttachmentErrorCode.ATTACHMENT_DIRECTIVE_NOT_DRAFT,
          `file: the directive is ${outcome.status}; files are attached to a draft or a directive in review`,
        );
      case 'too_many':
        throw new ApiError(
          HttpStatus.CONFLICT,
          AttachmentErrorCode.ATTACHMENT_LIMIT_REACHED,
          `file: the directive carries ${outcome.count} files, the most it may (ATTACHMENT_MAX_COUNT)`,
        );
    }
  }

  /** The attachments, for whoever views the issuer or a unit the directive was routed to (it received them). */
  async list(principal: RequestPrincipal, directiveId: string): Promise<Attachment[]> {
    await visibleDirective(this.dataSource, principal, directiveId);
    return attachmentsOf(this.dataSource, directiveId);
  }

  async content(
    principal: RequestPrincipal,
    directiveId: string,
    attachmentId: string,
  ): Promise<AttachmentWithContent> {
    await visibleDirective(this.dataSource, principal, directiveId);
    const found = isUuid(attachmentId)
      ? await attachmentContent(this.dataSource, directiveId, attachmentId)
      : null;
    if (!found)
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        AttachmentErrorCode.ATTACHMENT_NOT_FOUND,
        `attachmentId: no attachment ${attachmentId} on this directive`,
      );
    return found;
  }
}
