/** Stable codes for documents that cannot be read; the API maps them to 4xx answers naming the field. */
export type DocumentErrorCode =
  | 'EMPTY_DOCUMENT'
  | 'BINARY_CONTENT'
  | 'UNREADABLE_DOCX'
  | 'UNSUPPORTED_FORMAT'
  | 'MALFORMED_XML'
  | 'XML_DTD_FORBIDDEN'
  | 'NOT_EDXML'
  | 'TOO_LARGE'
  /** An edXML element a message must carry is absent or empty (the field names it: `MessageHeader/ResponseFor`). */
  | 'EDXML_ELEMENT_MISSING'
  /** An edXML element holds what it may not (a status code not in the standard, a date that is none, bad base64). */
  | 'EDXML_ELEMENT_INVALID';

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
