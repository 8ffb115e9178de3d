import JSZip from 'jszip';
import mammoth from 'mammoth';
import type { Readable } from 'node:stream';
import { DocumentInputError } from './errors';

export type DocumentFormat = 'text' | 'docx' | 'xml';

export interface ExtractedDocument {
  format: DocumentFormat;
  text: string;
}

/** The largest any one part of a .docx may inflate to (its word/document.xml among them), against zip bombs. */
export const MAX_DOCX_XML_BYTES = 30 * 1024 * 1024;
/** The most all the parts of a .docx may inflate to together. */
export const MAX_DOCX_TOTAL_BYTES = 64 * 1024 * 1024;
/** The most parts a .docx may hold (Word writes about twenty; images add one each). */
export const MAX_DOCX_ENTRIES = 1000;

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
  await checkInflatedSizes(zip, field);
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

/**
 * Inflates every part of the archive through a counter, and refuses the .docx once one part passes
 * MAX_DOCX_XML_BYTES or all of them MAX_DOCX_TOTAL_BYTES. mammoth follows the package's relationships to any part
 * (styles, numbering, notes, comments…), so every entry is checked, and by the bytes it actually inflates to, not
 * the size its header declares (a bomb lies). Nothing inflated is kept: the counter stops the inflation at the cap,
 * and mammoth then reads the same archive, now known to stay within the caps.
 */
async function checkInflatedSizes(zip: JSZip, field: string): Promise<void> {
  const entries = Object.values(zip.files).filter((entry) => !entry.dir);
  const tooLarge = (what: string) =>
    new DocumentInputError('TOO_LARGE', `${field}: the .docx ${what}`, field);
  if (entries.length > MAX_DOCX_ENTRIES) throw tooLarge(`holds more than ${MAX_DOCX_ENTRIES} parts`);
  let total = 0;
  for (const entry of entries) {
    let size = 0;
    await new Promise<void>((resolve, reject) => {
      const stream = entry.nodeStream('nodebuffer') as Readable;
      stream
        .on('data', (chunk: Buffer) => {
          size += chunk.length;
          total += chunk.length;
          if (size <= MAX_DOCX_XML_BYTES && total <= MAX_DOCX_TOTAL_BYTES) return;
          // stops the inflation there: nothing more is read from the entry
          stream.pause();
          stream.destroy();
          reject(
            tooLarge(
              size > MAX_DOCX_XML_BYTES
                ? `has a part expanding to more than ${MAX_DOCX_XML_BYTES / 1024 / 1024} MB`
                : `expands to more than ${MAX_DOCX_TOTAL_BYTES / 1024 / 1024} MB`,
            ),
          );
        })
        .on('error', () =>
          reject(
            new DocumentInputError(
              'UNREADABLE_DOCX',
              `${field}: a damaged .docx (a part cannot be inflated)`,
              field,
            ),
          ),
        )
        .on('end', () => resolve());
    });
  }
}
