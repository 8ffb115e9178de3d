import { DOC_TYPES, foldVietnamese } from '@cascade/domain';
import { importView, missingKeys, parseDirectiveText, type ImportView } from './parse';
import { DocumentInputError } from './errors';
import { extractText, type DocumentFormat } from './extract';
import { readEdxml, type EdxmlDocument } from './edxml';

/** The longest text read (a directive runs to tens of thousands of characters; this keeps the parse under a second). */
export const MAX_TEXT_CHARS = 1_000_000;

export interface ImportedDocument {
  format: DocumentFormat | 'edxml';
  /** The text the parser read (the edXML Content for an edXML message). */
  text: string;
  view: ImportView;
  /** Present for an edXML message. */
  edxml: EdxmlDocument | null;
}

const TYPE_CODE_BY_NAME = new Map(
  Object.entries(DOC_TYPES).map(([code, name]) => [foldVietnamese(name), code === 'QD' ? 'QĐ' : code]),
);

/** The code of a document from its edXML parts: Party style "1023-CV/ĐUK", state style "136/KH-LĐLĐ". */
export function edxmlCode(number: string, notation: string): string {
  return notation.includes('/') ? `${number}-${notation}` : `${number}/${notation}`;
}

/** What an edXML document message says, in the import contract's shape (its Content read by the text parser). */
export function edxmlToImportView(d: EdxmlDocument): ImportView {
  const content = d.content ? importView(parseDirectiveText(d.content)) : null;
  const at = (path: string) => [{ start: 0, end: 0, confidence: 1, text: `edXML:${path}` }];
  const number = Number(d.code.number);
  const view: ImportView = {
    code: d.code.number && d.code.notation ? edxmlCode(d.code.number, d.code.notation) : null,
    codeNumber: Number.isInteger(number) && number > 0 ? number : null,
    codeNotation: d.code.notation || null,
    documentType: d.documentType.name || null,
    documentTypeCode: TYPE_CODE_BY_NAME.get(foldVietnamese(d.documentType.name)) ?? null,
    subject: d.subject,
    place: d.promulgation.place,
    issuedDate: d.promulgation.date,
    issuerName: d.from.organName || null,
    parentBodyName:
      d.from.organizationInCharge && d.from.organizationInCharge !== d.from.organName
        ? d.from.organizationInCharge
        : null,
    header: null,
    addressees: d.to.length ? d.to.map((o) => o.organName).filter(Boolean) : d.toPlaces,
    basis: content?.basis ?? [],
    tasks: content?.tasks ?? [],
    marks: content?.marks ?? [],
    reporting: content?.reporting ?? null,
    contacts: content?.contacts ?? { emails: [], phones: [] },
    recipients: content?.recipients ?? [],
    signer:
      d.signer.fullName || d.signer.position ? { ...d.signer, signedMark: false } : (content?.signer ?? null),
    missing: [],
    sources: {
      ...(content?.sources ?? {}),
      code: at('Code'),
      documentType: at('DocumentType/TypeName'),
      subject: at('Subject'),
      place: at('PromulgationInfo/Place'),
      issuedDate: at('PromulgationInfo/PromulgationDate'),
      issuerName: at('From/OrganName'),
      addressees: at('To'),
      signer: at('SignerInfo'),
    },
  };
  view.missing = missingKeys(view);
  return view;
}

/**
 * Reads an uploaded or posted document: plain text and .docx through the text parser, edXML through its reader.
 * Throws DocumentInputError for what cannot be read (empty, binary, malformed or hostile XML, a status message).
 */
export async function importDocument(
  data: Buffer,
  hint: { filename?: string; mediaType?: string; field?: string } = {},
): Promise<ImportedDocument> {
  const field = hint.field ?? 'file';
  const extracted = await extractText(data, hint);
  if (extracted.format === 'xml') {
    const message = readEdxml(extracted.text, field);
    if (message.kind !== 'document')
      throw new DocumentInputError(
        'NOT_EDXML',
        `${field}: an edXML status message, not a document (send it to the status endpoint)`,
        field,
      );
    // Its Content is a directive's text like any other: the same cap (the 5 MB message limit allows more).
    const content = message.document.content ?? '';
    if (content.length > MAX_TEXT_CHARS)
      throw new DocumentInputError(
        'TOO_LARGE',
        `${field}: the edXML Content holds ${content.length} characters of text; a directive is read up to ${MAX_TEXT_CHARS}`,
        field,
      );
    return {
      format: 'edxml',
      text: content,
      view: edxmlToImportView(message.document),
      edxml: message.document,
    };
  }
  if (extracted.text.length > MAX_TEXT_CHARS)
    throw new DocumentInputError(
      'TOO_LARGE',
      `${field}: ${extracted.text.length} characters of text; a directive is read up to ${MAX_TEXT_CHARS}`,
      field,
    );
  const view = importView(parseDirectiveText(extracted.text));
  return { format: extracted.format, text: extracted.text, view, edxml: null };
}
