/**
 * Reads the text of a Vietnamese administrative document (Decree 30/2020/NĐ-CP art. 8; Party documents: Guide
 * 36-HD/VPTW) and extracts every part that the text contains: header bodies, national motto or Party header, number
 * and symbol, place and date, type and subject, addressees, the documents it implements, the numbered tasks, the
 * reporting requirement, contacts, recipients and the signing block.
 *
 * Pure: no I/O. Each part carries the span of the text it came from and a confidence; a part the text does not
 * contain is reported missing, never invented. Spans are offsets in `text` (the input in NFC, with zero-width
 * characters removed, tabs and non-breaking spaces turned into spaces and line ends into "\n"); everything else
 * (web-page text before and after, indentation, blank lines) is tolerated.
 */
export type {
  BasisRef,
  DocumentCode,
  DocumentTypeValue,
  ParsedDocument,
  ParsedPhase,
  ParsedSchedule,
  Part,
  Recipient,
  ReportingRequirement,
  ReportingTarget,
  Signer,
  Span,
} from './types';
export { normalizeDocumentText } from './text';
export { findReferences } from './body';
export { parseDirectiveText } from './document';
export { IMPORT_KEYS, importView, looksLikeDirective, missingKeys, type ImportView } from './import-view';
