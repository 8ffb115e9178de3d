/** What the parser's sections share: the vocabulary of administrative documents, and the text cut into lines. */
import { foldVietnamese } from '@cascade/domain';
import { DateTime } from 'luxon';
import type { Part, Span } from './types';

// --- vocabulary -----------------------------------------------------------------------------------------------------

/** Type names (folded) → abbreviation and display name. */
const TYPES: readonly [string, string, string][] = [
  ['ke hoach', 'KH', 'Kế hoạch'],
  ['huong dan', 'HD', 'Hướng dẫn'],
  ['cong van', 'CV', 'Công văn'],
  ['chi thi', 'CT', 'Chỉ thị'],
  ['thong bao', 'TB', 'Thông báo'],
  ['quyet dinh', 'QĐ', 'Quyết định'],
  ['bao cao', 'BC', 'Báo cáo'],
  ['nghi quyet', 'NQ', 'Nghị quyết'],
  ['to trinh', 'TTr', 'Tờ trình'],
  ['chuong trinh', 'CTr', 'Chương trình'],
  ['quy dinh', 'QyĐ', 'Quy định'],
  ['quy che', 'QC', 'Quy chế'],
  ['ket luan', 'KL', 'Kết luận'],
  ['thong tri', 'TT', 'Thông tri'],
  ['de an', 'ĐA', 'Đề án'],
  ['phuong an', 'PA', 'Phương án'],
  ['giay moi', 'GM', 'Giấy mời'],
  ['bien ban', 'BB', 'Biên bản'],
  ['cong dien', 'CĐ', 'Công điện'],
  ['thong cao', 'TC', 'Thông cáo'],
];
export const TYPE_BY_ABBREV = new Map<string, [string, string]>(
  TYPES.map(([, code, name]) => [foldVietnamese(code).toUpperCase(), [code, name]]),
);

/** How the name of an organisation starts (folded): a line that starts so starts a new body in the header. */
const ORGAN_STARTS = [
  'tong lien doan',
  'lien doan',
  'cong doan',
  'dang bo',
  'dang uy',
  'tinh uy',
  'huyen uy',
  'thanh uy',
  'thi uy',
  'quan uy',
  'ban ',
  'uy ban',
  'ubnd',
  'hdnd',
  'hoi dong',
  'so ',
  'phong ',
  'hoi ',
  'doan ',
  'chi bo',
  'bo ',
  'van phong',
  'tong cong ty',
  'cong ty',
  'tap doan',
  'truong ',
  'mat tran',
  'cuc ',
  'chi cuc',
  'vien ',
  'trung tam',
  'toa an',
  'benh vien',
  'ldld',
  'cdcs',
  'cd ',
  'btv',
  'bch',
  'thuong truc',
  'thuong vu',
  'co quan',
  'tong cuc',
  'hoc vien',
  'dai hoc',
  'ngan hang',
  'cong an',
  'bo chi huy',
  'thanh tra',
  'dai ',
  'bao ',
  'hoi dong nhan dan',
  'uy ban kiem tra',
  'ban chi huy',
  'lien minh',
  'lien hiep',
  'kho bac',
  'chi nhanh',
];

export const ROMAN = /^(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)\s*[.)/-]\s*\S/;
export const NUMBERED = /^(\d{1,2})\s*[.)/]\s+(\S[\s\S]*)$/;
export const BULLET = /^[-+•–—*]\s*/;
const DATE_WORDS = /ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})/iu;
const DATE_NUMERIC = /(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4})/;
export const PLACE = String.raw`\p{Lu}[\p{L}.']*(?:[ -]\p{Lu}[\p{L}.']*){0,5}`;
export const PLACE_DATE = new RegExp(
  String.raw`^(?:(${PLACE})\s*,\s*)?(?:[Nn]gày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})|(?:[Nn]gày\s*)?(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4}))\s*[.;]?\s*$`,
  'u',
);
// "Số: 136/KH-LĐLĐ", "Số 1313 -CV/ĐUK", "Số 1313–CV/ĐUK" (an en dash), "Số:15 /2014/QĐ-UBND"
export const NUMBER_LINE = /^Số\s*[:.]?\s*(\d{1,6})\s*([/\-–—])\s*([\p{L}\d][\p{L}\d.\-–/]{0,40}[\p{L}\d])/u;
/** Urgency and secrecy marks (Decree 30/2020, art. 8 and appendix I): printed on a line of their own. */
export const MARK =
  /^(?:THƯỢNG KHẨN|HỎA TỐC|HOẢ TỐC|KHẨN|TUYỆT MẬT|TỐI MẬT|MẬT)(?:\s*[,;/-]\s*(?:THƯỢNG KHẨN|HỎA TỐC|HOẢ TỐC|KHẨN|TUYỆT MẬT|TỐI MẬT|MẬT))*\s*[.!]?$/u;

// --- lines ----------------------------------------------------------------------------------------------------------

export interface Line {
  /** trimmed text */
  t: string;
  /** folded (no accents, lowercase) */
  f: string;
  start: number;
  end: number;
}

export function normalizeDocumentText(input: string): string {
  return input
    .normalize('NFC')
    .replace(/[\u200B-\u200F\u2060\uFEFF\u202A-\u202E\u2066-\u2069]/g, '')
    .replace(/[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g, ' ')
    .replace(/\r\n?/g, '\n');
}

const MOTTO_IN_LINE =
  /cong hoa xa hoi chu nghia viet nam|dang cong san viet nam|doc lap\s*[-–]\s*tu do\s*[-–]\s*hanh phuc/;

export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const push = (t: string, start: number) =>
    lines.push({ t, f: foldVietnamese(t), start, end: start + t.length });
  let pos = 0;
  for (const raw of text.split('\n')) {
    // a header laid out as a table, as web pages and e-office exports print it: each cell between bars is a line
    const cells: [string, number][] = [];
    if (raw.includes('|')) {
      let at = 0;
      for (const cell of raw.split('|')) {
        cells.push([cell, at]);
        at += cell.length + 1;
      }
    } else cells.push([raw, 0]);
    const before = lines.length;
    for (const [cell, at] of cells) {
      const t = cell.trim();
      if (!t && cells.length > 1) continue;
      splitCell(t, pos + at + (cell.length - cell.trimStart().length), push);
    }
    if (lines.length === before) push('', pos);
    pos += raw.length + 1;
  }
  return joinBroken(text, lines);
}

function splitCell(t: string, start: number, push: (t: string, start: number) => void): void {
  // a two-column header flattened into one line ("LIÊN ĐOÀN LAO ĐỘNG … CỘNG HÒA XÃ HỘI …"): two lines
  const m = MOTTO_IN_LINE.exec(keepFold(t));
  const head = m && m.index > 0 ? t.slice(0, m.index).trimEnd() : '';
  if (
    m &&
    head &&
    (isUpper(head) || NUMBER_LINE.test(head)) &&
    (m[0].startsWith('doc') || isUpper(t.slice(m.index)))
  ) {
    push(head, start);
    push(t.slice(m.index), start + m.index);
  } else push(t, start);
}

const MOTTO = 'cong hoa xa hoi chu nghia viet nam';

/**
 * The header's pieces that a narrow column broke over two lines, joined again: "Số:" / "06/2024/QĐ-UBND",
 * "Kon Tum, ngày 25" / "tháng 01 năm 2024", "CỘNG HÒA XÃ HỘI" / "CHỦ NGHĨA VIỆT NAM". A joined line is the text from
 * the first piece to the last, line breaks as spaces, so that offsets in it are offsets in the text.
 */
function joinBroken(text: string, lines: Line[]): Line[] {
  const out: Line[] = [];
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i];
    while (i + 1 < lines.length && i < 60 && lines[i + 1].t) {
      const n = lines[i + 1];
      const f = collapse(`${l.f} ${n.f}`);
      const joins =
        (/^So\s*[:.]?$/i.test(collapse(l.f)) && /^\d/.test(n.t)) ||
        (/ngay\s+\d{1,2}$/.test(l.f) && /^thang\s+\d/.test(n.f)) ||
        (/^ngay$/.test(l.f.replace(/^.*,\s*/, '')) && /^\d{1,2}\s+thang\s+\d/.test(n.f)) ||
        (l.f.length >= 4 &&
          MOTTO.startsWith(collapse(l.f)) &&
          l.f !== MOTTO &&
          (MOTTO.startsWith(f) || f.startsWith(MOTTO)));
      if (!joins) break;
      const t = text.slice(l.start, n.end).replace(/[\n|]/g, ' ');
      l = { t, f: foldVietnamese(collapse(t)), start: l.start, end: n.end };
      i++;
    }
    out.push(l);
  }
  return out;
}

/** Folded without changing the length (for positions): NFC in, marks dropped, đ → d, lowercase. */
export const keepFold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
export const span = (a: Line, b: Line = a): Span => ({ start: a.start, end: b.end });
export const part = <T>(value: T, s: Span, confidence: number): Part<T> => ({ value, span: s, confidence });
export const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
export const isUpper = (s: string) =>
  /\p{L}/u.test(s) && s === s.toLocaleUpperCase('vi') && s.replace(/[^\p{L}]/gu, '').length >= 2;
export const isOrganStart = (f: string) => ORGAN_STARTS.some((o) => f.startsWith(o));
export const isMotto = (f: string) => f.includes('cong hoa xa hoi chu nghia viet nam');
export const isMotto2 = (f: string) => f.replace(/[^a-z]/g, '') === 'doclaptudohanhphuc';
export const isParty = (f: string) => f.replace(/[^a-z ]/g, '').trim() === 'dang cong san viet nam';
export const isDecoration = (t: string) => /^[-_*=~.·•\s]+$/.test(t) && t.length > 0;
export const typeOfTitle = (f: string) => TYPES.find(([name]) => f === name || f.startsWith(name + ' '));

export function isoDate(d: number, m: number, y: number): string | null {
  const dt = DateTime.fromObject({ year: y, month: m, day: d });
  return dt.isValid ? dt.toISODate() : null;
}

export function dateIn(s: string): string | null {
  const w = DATE_WORDS.exec(s);
  if (w) return isoDate(+w[1], +w[2], +w[3]);
  const n = DATE_NUMERIC.exec(s);
  return n ? isoDate(+n[1], +n[2], +n[3]) : null;
}

/** Paragraphs: runs of non-empty lines in the text's own line breaks, each line a paragraph as typed. */
export const nextNonEmpty = (lines: Line[], from: number) => {
  for (let i = from; i < lines.length; i++) if (lines[i].t) return i;
  return -1;
};

/** Where the body starts: the first line after the header that is the title, a "V/v", "Kính gửi" or the text. */
export function isBodyStart(l: Line): boolean {
  return (
    /^kinh gui\b/.test(l.f) ||
    // a body's sentence; an upper-case line starting so is a title's subject ("TRIỂN KHAI CHƯƠNG TRÌNH …")
    (/^(thuc hien|can cu|trien khai|theo de nghi|nham|de )/.test(l.f) && !isUpper(l.t)) ||
    NUMBERED.test(l.t) ||
    ROMAN.test(l.t) ||
    /^v\/v\b|^ve viec\b/.test(l.f) ||
    (l.t.length > 120 && !isUpper(l.t))
  );
}

export const cleanItem = (s: string) => collapse(s.replace(BULLET, '').replace(/[.;,:]+\s*$/, ''));
