/**
 * Attachments ("gửi kèm theo"): which files a directive may carry, told by their content as well as their name. Pure.
 */

/** The accepted kinds: the name's extension, the media type recorded, and the content's family. */
export const ATTACHMENT_TYPES = {
  pdf: { mediaType: 'application/pdf', family: 'pdf' },
  docx: {
    mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    family: 'ooxml-word',
  },
  xlsx: {
    mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    family: 'ooxml-sheet',
  },
  doc: { mediaType: 'application/msword', family: 'ole' },
  xls: { mediaType: 'application/vnd.ms-excel', family: 'ole' },
  odt: { mediaType: 'application/vnd.oasis.opendocument.text', family: 'odt' },
  ods: { mediaType: 'application/vnd.oasis.opendocument.spreadsheet', family: 'ods' },
  jpg: { mediaType: 'image/jpeg', family: 'jpeg' },
  jpeg: { mediaType: 'image/jpeg', family: 'jpeg' },
  png: { mediaType: 'image/png', family: 'png' },
  zip: { mediaType: 'application/zip', family: 'zip' },
} as const;
export type AttachmentExtension = keyof typeof ATTACHMENT_TYPES;

const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const ZIP_EMPTY = [0x50, 0x4b, 0x05, 0x06];

// no Buffer here: the domain barrel is also loaded in the workflow sandbox
const startsWith = (bytes: Uint8Array, sig: readonly number[], at = 0) =>
  bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b);
const latin1 = (bytes: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...bytes.subarray(from, Math.min(to, bytes.length)));
const u16 = (bytes: Uint8Array, at: number) => (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);

/** Whether the latin-1 text `needle` occurs in the bytes. */
function contains(bytes: Uint8Array, needle: string): boolean {
  const first = needle.charCodeAt(0);
  outer: for (
    let i = bytes.indexOf(first);
    i >= 0 && i <= bytes.length - needle.length;
    i = bytes.indexOf(first, i + 1)
  ) {
    for (let j = 1; j < needle.length; j++) if (bytes[i + j] !== needle.charCodeAt(j)) continue outer;
    return true;
  }
  return false;
}

/** The content's family by its signature: the first bytes, and for zip containers the entries they hold. */
export function contentFamily(bytes: Uint8Array): string | null {
  if (latin1(bytes, 0, 5) === '%PDF-') return 'pdf';
  if (startsWith(bytes, PNG)) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, OLE)) return 'ole';
  if (startsWith(bytes, ZIP_EMPTY)) return 'zip';
  if (!startsWith(bytes, ZIP)) return null;
  // OpenDocument: the first entry is an uncompressed "mimetype" holding the media type (ISO/IEC 26300, 3.3)
  const nameLength = u16(bytes, 26);
  if (latin1(bytes, 30, 30 + nameLength) === 'mimetype') {
    const start = 30 + nameLength + u16(bytes, 28);
    const mime = latin1(bytes, start, start + 60);
    if (mime.startsWith(ATTACHMENT_TYPES.odt.mediaType)) return 'odt';
    if (mime.startsWith(ATTACHMENT_TYPES.ods.mediaType)) return 'ods';
  }
  // Office Open XML: the package names its main part's folder in the entries' names
  if (contains(bytes, '[Content_Types].xml')) {
    if (contains(bytes, 'word/')) return 'ooxml-word';
    if (contains(bytes, 'xl/')) return 'ooxml-sheet';
  }
  return 'zip';
}

/**
 * The accepted kind of a file named `name` with `bytes`, or why it is refused: an extension outside the list, or
 * content that is not what the name says (a renamed executable, a text called .pdf). A .zip takes any zip container.
 */
export function attachmentType(
  name: string,
  bytes: Uint8Array,
): { ok: true; extension: AttachmentExtension; mediaType: string } | { ok: false; reason: string } {
  const dot = name.lastIndexOf('.');
  const extension = (dot < 0 ? '' : name.slice(dot + 1).toLowerCase()) as AttachmentExtension;
  const accepted = Object.prototype.hasOwnProperty.call(ATTACHMENT_TYPES, extension)
    ? ATTACHMENT_TYPES[extension]
    : undefined;
  if (!accepted)
    return {
      ok: false,
      reason: `file: .${extension || '(none)'} is not accepted (${Object.keys(ATTACHMENT_TYPES).join(', ')})`,
    };
  const family = contentFamily(bytes);
  const matches =
    family === accepted.family ||
    (accepted.family === 'zip' && family !== null && /^(zip|ooxml|od)/.test(family));
  if (!matches)
    return {
      ok: false,
      reason: `file: the content is not a .${extension} file (${family ?? 'unknown'} content)`,
    };
  return { ok: true, extension, mediaType: accepted.mediaType };
}

/** A file name as stored and signed: NFC, no folders, no control characters, at most 255 characters; null if empty. */
export function attachmentName(raw: string): string | null {
  const base = raw.normalize('NFC').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (!clean || clean === '.' || clean === '..' || clean.length > 255) return null;
  return clean;
}
