/** Why an attachment is refused (each names the field, `file` unless said). */
export enum AttachmentErrorCode {
  /** No file in the multipart field "file". */
  ATTACHMENT_FILE_REQUIRED = 'ATTACHMENT_FILE_REQUIRED',
  /** 413: larger than ATTACHMENT_MAX_BYTES. */
  ATTACHMENT_TOO_LARGE = 'ATTACHMENT_TOO_LARGE',
  /** 415: a type outside the list, or content that is not what its name says. */
  ATTACHMENT_TYPE_REFUSED = 'ATTACHMENT_TYPE_REFUSED',
  /** The file's name is empty or longer than 255 characters. */
  ATTACHMENT_NAME_INVALID = 'ATTACHMENT_NAME_INVALID',
  /** A malformed multipart body, or fields other than "file". */
  ATTACHMENT_UPLOAD_MALFORMED = 'ATTACHMENT_UPLOAD_MALFORMED',
  /** 409: the directive is no longer a draft or in review (its content is approved or signed). */
  ATTACHMENT_DIRECTIVE_NOT_DRAFT = 'ATTACHMENT_DIRECTIVE_NOT_DRAFT',
  /** 409: the directive carries ATTACHMENT_MAX_COUNT files already. */
  ATTACHMENT_LIMIT_REACHED = 'ATTACHMENT_LIMIT_REACHED',
  ATTACHMENT_NOT_FOUND = 'ATTACHMENT_NOT_FOUND',
}
