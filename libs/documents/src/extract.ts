import JSZip from 'jszip';
import mammoth from 'mammoth';
import { DocumentInputError } from './errors';

export type DocumentFormat = 'text' | 'docx' | 'xml';

export interface ExtractedDocument {
  format: DocumentFormat;
  text: string;
}

/** The largest text a .docx may expand to (its word/document.xml), against zip bombs. */
export const MAX_DOCX_XML_BYTES = 30 * 1024 * 1024;

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * The text of an uploaded document: UTF-8 (or UTF-16 with its byte-order mark) plain text, a Word .docx (its raw
 * text through mammoth), or XML (returned as is, for the edXML reader). Refuses empty input, binary data and
 * formats it cannot read, with a DocumentInputError naming the field.
 */
export async function extractText(
  data: Buffer,
  hint: { filename?: string; mediaType?: string; field?: string } = {},
): Promise<ExtractedDocument> {
  const field = hint.field ?? 'file';
  if (!data.length) throw new DocumentInputError('EMPTY_DOCUMENT', `${field}: the document is empty`, field);
  const name = (hint.filename ?? '').toLowerCase();
  if (data.subarray(0, 4).equals(ZIP)) {
    if (name && !name.endsWith('.docx'))
      throw new DocumentInputError(
        'UNSUPPORTED_FORMAT',
        `${field}: a zip archive that is not a .docx`,
        field,
      );
    return { format: 'docx', text: await docxText(data, field) };
  }
  if (/\.(docx?|pdf|xlsx?|odt)$/.test(name) && !name.endsWith('.docx'))
    throw new DocumentInputError(
      'UNSUPPORTED_FORMAT',
      `${field}: ${name.split('.').pop()} files are not read; send plain text, .docx or edXML`,
      field,
    );
  const text = decodeText(data, field);
  if (!text.trim())
    throw new DocumentInputError('EMPTY_DOCUMENT', `${field}: the document holds no text`, field);
  const head = text.trimStart().slice(0, 200);
  const xml =
    /xml/i.test(hint.mediaType ?? '') ||
    /\.(xml|edxml)$/.test(name) ||
    /^<(\?xml|!DOCTYPE|!--|[A-Za-z_][\w.:-]*[\s/>])/i.test(head);
  return { format: xml ? 'xml' : 'text', text };
}

function decodeText(data: Buffer, field: string): string {
  let text: string;
  if (data[0] === 0xff && data[1] === 0xfe) text = new TextDecoder('utf-16le').decode(data.subarray(2));
  else if (data[0] === 0xfe && data[1] === 0xff) text = new TextDecoder('utf-16be').decode(data.subarray(2));
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(data);
    } catch {
      throw new DocumentInputError('BINARY_CONTENT', `${field}: not UTF-8 text, a .docx or edXML`, field);
    }
  }
  // NUL or many control characters: binary data that happens to decode
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) throw new DocumentInputError('BINARY_CONTENT', `${field}: binary data, not text`, field);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) control++;
  }
  if (control > 16 && control > text.length / 100)
    throw new DocumentInputError('BINARY_CONTENT', `${field}: binary data, not text`, field);
  return text;
}

async function docxText(data: Buffer, field: string): Promise<string> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(data);
  } catch {
    throw new DocumentInputError(
      'UNREADABLE_DOCX',
      `${field}: a damaged .docx (not a readable zip archive)`,
      field,
    );
  }
  const main = zip.file('word/document.xml');
  if (!main)
    throw new DocumentInputError('UNREADABLE_DOCX', `${field}: a .docx without word/document.xml`, field);
  // the uncompressed size from the archive's directory, checked before anything is inflated
  const size = (main as unknown as { _data?: { uncompressedSize?: number } })._data?.uncompressedSize ?? 0;
  if (size > MAX_DOCX_XML_BYTES)
    throw new DocumentInputError(
      'TOO_LARGE',
      `${field}: the .docx expands to more than 30 MB of text`,
      field,
    );
  try {
    const { value } = await mammoth.extractRawText({ buffer: data });
    if (!value.trim())
      throw new DocumentInputError('EMPTY_DOCUMENT', `${field}: the .docx holds no text`, field);
    return value;
  } catch (e) {
    if (e instanceof DocumentInputError) throw e;
    throw new DocumentInputError('UNREADABLE_DOCX', `${field}: the .docx could not be read`, field);
  }
}
