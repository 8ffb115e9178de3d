/**
 * Adds an (invisible) signature field to a PDF as an incremental update (ISO 32000-1 §7.5.6), leaving the original
 * bytes untouched: a signature dictionary with room for the CMS, a widget annotation on the first page, the page and
 * the catalog rewritten to reference them, and a new cross-reference section. Reads PDFs with classic
 * cross-reference tables (what pdfkit writes); a PDF with cross-reference streams is refused.
 */
export class PdfStructureError extends Error {}

/** Hex digits reserved for the CMS in /Contents (bytes × 2): room for a chain of three RSA certificates and a time-stamp. */
export const DEFAULT_CONTENTS_BYTES = 16_384;
const BYTE_RANGE_PLACEHOLDER = '/ByteRange [0 /********** /********** /**********]';

interface Trailer {
  size: number;
  root: number;
  info?: string;
  id?: string;
  startxref: number;
}

function readTrailer(text: string): Trailer {
  const sx = text.lastIndexOf('startxref');
  if (sx < 0) throw new PdfStructureError('no startxref: not a PDF');
  const startxref = Number(/startxref\s+(\d+)/.exec(text.slice(sx))?.[1]);
  const tr = text.lastIndexOf('trailer');
  if (tr < 0 || !text.startsWith('xref', startxref)) {
    throw new PdfStructureError(
      'the PDF uses a cross-reference stream (unsupported); write it with a classic xref table',
    );
  }
  const dict = text.slice(tr, sx);
  const root = /\/Root\s+(\d+)\s+0\s+R/.exec(dict);
  const size = /\/Size\s+(\d+)/.exec(dict);
  if (!root || !size) throw new PdfStructureError('the trailer has no /Root or /Size');
  return {
    size: Number(size[1]),
    root: Number(root[1]),
    info: /\/Info\s+(\d+\s+0\s+R)/.exec(dict)?.[1],
    id: /\/ID\s*(\[[^\]]*\])/.exec(dict)?.[1],
    startxref,
  };
}

/** The dictionary text of object `n` (its last definition, as an incremental update may have replaced it). */
function objectDict(text: string, n: number): string {
  const re = new RegExp(`(?:^|[\\r\\n\\s])${n}\\s+0\\s+obj\\b`, 'g');
  let at = -1;
  for (let m = re.exec(text); m; m = re.exec(text)) at = m.index + m[0].length;
  if (at < 0) throw new PdfStructureError(`object ${n} not found`);
  const end = text.indexOf('endobj', at);
  const body = text.slice(at, end).trim();
  if (!body.startsWith('<<')) throw new PdfStructureError(`object ${n} is not a dictionary`);
  // Only the dictionary: a stream object's data follows its closing ">>".
  const streamAt = body.indexOf('stream');
  return (streamAt > 0 ? body.slice(0, streamAt) : body).trim();
}

function refOf(dict: string, key: string): number | undefined {
  const m = new RegExp(`/${key}\\s+(\\d+)\\s+0\\s+R`).exec(dict);
  return m ? Number(m[1]) : undefined;
}

/** Inserts `entry` before the dictionary's final ">>". */
function withEntry(dict: string, entry: string): string {
  const end = dict.lastIndexOf('>>');
  return `${dict.slice(0, end).trimEnd()}\n${entry}\n>>`;
}

/** A PDF text string: UTF-16BE with a byte-order mark, as hex (any Vietnamese name survives). */
export function pdfText(s: string): string {
  const utf16 = Buffer.from(s, 'utf16le').swap16();
  return `<FEFF${utf16.toString('hex').toUpperCase()}>`;
}

/** A PDF date (ISO 32000-1 §7.9.4) in UTC. */
export function pdfDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `D:${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(
    d.getUTCMinutes(),
  )}${p(d.getUTCSeconds())}Z`;
}

export function parsePdfDate(s: string): Date | undefined {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?/.exec(s);
  if (!m) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', tz = 'Z'] = m;
  const offset = tz === 'Z' ? 'Z' : `${tz.slice(0, 3)}:${tz.replace(/'/g, '').slice(3, 5)}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${se}${offset}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export interface PlaceholderOptions {
  signingTime: Date;
  name?: string;
  reason?: string;
  location?: string;
  contentsBytes?: number;
}

export interface PreparedPdf {
  pdf: Buffer;
  /** Offsets of "<" and after ">" of the /Contents hex string. */
  contentsStart: number;
  contentsEnd: number;
}

export function addSignaturePlaceholder(input: Buffer, opts: PlaceholderOptions): PreparedPdf {
  const text = input.toString('latin1');
  const trailer = readTrailer(text);
  const rootDict = objectDict(text, trailer.root);
  if (/\/AcroForm/.test(rootDict)) {
    throw new PdfStructureError(
      'the PDF already has a form (AcroForm): signing a signed or fillable PDF is unsupported',
    );
  }
  const pagesRef = refOf(rootDict, 'Pages');
  if (pagesRef === undefined) throw new PdfStructureError('the catalog has no /Pages');
  const kids = /\/Kids\s*\[\s*(\d+)\s+0\s+R/.exec(objectDict(text, pagesRef));
  if (!kids) throw new PdfStructureError('the page tree has no pages');
  const pageRef = Number(kids[1]);
  const pageDict = objectDict(text, pageRef);

  const sigRef = trailer.size;
  const widgetRef = trailer.size + 1;
  const hexLength = 2 * (opts.contentsBytes ?? DEFAULT_CONTENTS_BYTES);
  const sigDict = [
    '<<',
    '/Type /Sig',
    '/Filter /Adobe.PPKLite',
    '/SubFilter /ETSI.CAdES.detached',
    BYTE_RANGE_PLACEHOLDER,
    `/Contents <${'0'.repeat(hexLength)}>`,
    `/M (${pdfDate(opts.signingTime)})`,
    ...(opts.name ? [`/Name ${pdfText(opts.name)}`] : []),
    ...(opts.reason ? [`/Reason ${pdfText(opts.reason)}`] : []),
    ...(opts.location ? [`/Location ${pdfText(opts.location)}`] : []),
    '/Prop_Build << /App << /Name /Cascade >> >>',
    '>>',
  ].join('\n');
  const widget = `<<\n/Type /Annot\n/Subtype /Widget\n/FT /Sig\n/T ${pdfText('Signature1')}\n/V ${sigRef} 0 R\n/F 132\n/Rect [0 0 0 0]\n/P ${pageRef} 0 R\n>>`;

  let page: string;
  const annots = /\/Annots\s*\[([^\]]*)\]/.exec(pageDict);
  if (annots) page = pageDict.replace(annots[0], `/Annots [${annots[1].trim()} ${widgetRef} 0 R]`);
  else if (/\/Annots/.test(pageDict))
    throw new PdfStructureError("the first page's /Annots is an indirect array (unsupported)");
  else page = withEntry(pageDict, `/Annots [${widgetRef} 0 R]`);
  const root = withEntry(rootDict, `/AcroForm << /Fields [${widgetRef} 0 R] /SigFlags 3 >>`);

  const objects: [number, string][] = [
    [sigRef, sigDict],
    [widgetRef, widget],
    [pageRef, page],
    [trailer.root, root],
  ];
  let out = text.endsWith('\n') ? text : `${text}\n`;
  const offsets = new Map<number, number>();
  for (const [n, body] of objects) {
    offsets.set(n, out.length);
    out += `${n} 0 obj\n${body}\nendobj\n`;
  }
  const xrefAt = out.length;
  const sorted = [...offsets.entries()].sort((a, b) => a[0] - b[0]);
  out += 'xref\n';
  for (const [n, off] of sorted) out += `${n} 1\n${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<<\n/Size ${trailer.size + 2}\n/Root ${trailer.root} 0 R\n`;
  if (trailer.info) out += `/Info ${trailer.info}\n`;
  if (trailer.id) out += `/ID ${trailer.id}\n`;
  out += `/Prev ${trailer.startxref}\n>>\nstartxref\n${xrefAt}\n%%EOF\n`;

  const sigAt = offsets.get(sigRef)!;
  const contentsStart = out.indexOf('/Contents <', sigAt) + '/Contents '.length;
  const contentsEnd = contentsStart + hexLength + 2;
  // ByteRange: everything but the Contents hex string (with its delimiters), covering the whole file.
  const range = [0, contentsStart, contentsEnd, out.length - contentsEnd];
  const filled = `/ByteRange [${range.join(' ')}]`.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' ');
  if (filled.length !== BYTE_RANGE_PLACEHOLDER.length)
    throw new PdfStructureError('the PDF is too large to sign');
  out = out.replace(BYTE_RANGE_PLACEHOLDER, filled);
  return { pdf: Buffer.from(out, 'latin1'), contentsStart, contentsEnd };
}

/** The bytes the signature covers: the file without the /Contents hex string. */
export function signedBytes(prepared: PreparedPdf): Buffer {
  return Buffer.concat([
    prepared.pdf.subarray(0, prepared.contentsStart),
    prepared.pdf.subarray(prepared.contentsEnd),
  ]);
}

/** Writes the CMS (DER) into the reserved /Contents, zero-padded. */
export function embedSignature(prepared: PreparedPdf, cms: Buffer): Buffer {
  const room = prepared.contentsEnd - prepared.contentsStart - 2;
  const hex = cms.toString('hex').toUpperCase();
  if (hex.length > room)
    throw new PdfStructureError(`the signature (${cms.length} bytes) exceeds the reserved ${room / 2}`);
  const out = Buffer.from(prepared.pdf);
  out.write(hex.padEnd(room, '0'), prepared.contentsStart + 1, 'latin1');
  return out;
}
