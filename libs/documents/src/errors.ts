/** Stable codes for documents that cannot be read; the API maps them to 4xx answers naming the field. */
export type DocumentErrorCode =
  | 'EMPTY_DOCUMENT'
  | 'BINARY_CONTENT'
  | 'UNREADABLE_DOCX'
  | 'UNSUPPORTED_FORMAT'
  | 'MALFORMED_XML'
  | 'XML_DTD_FORBIDDEN'
  | 'NOT_EDXML'
  | 'TOO_LARGE';

export class DocumentInputError extends Error {
  constructor(
    readonly code: DocumentErrorCode,
    message: string,
    readonly field = 'file',
  ) {
    super(message);
    this.name = 'DocumentInputError';
  }
}
