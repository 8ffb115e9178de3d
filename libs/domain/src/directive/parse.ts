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
import { foldVietnamese } from '../text';
import { DateTime } from 'luxon';

export interface Span {
  start: number;
  end: number;
}

/** One extracted part: its value, where it came from, and how sure the parser is (0–1). */
export interface Part<T> {
  value: T;
  span: Span;
  confidence: number;
}

export interface DocumentCode {
  /** "136/KH-LĐLĐ", "1023-CV/ĐUK", "72/LĐLĐ"; null when the number is left blank ("Số:    /KH-LĐLĐ", a draft) */
  code: string | null;
  number: number | null;
  /** "KH-LĐLĐ", "CV/ĐUK", "LĐLĐ" */
  notation: string;
}

export interface DocumentTypeValue {
  /** The abbreviation used in numbers (KH, CV, HD, CT, TB, QĐ, BC, NQ, …). */
  code: string;
  /** "Kế hoạch", "Công văn", … */
  name: string;
  /** Where the type was read: the title line, the abbreviation in the number, or a "V/v" subject with no type. */
  from: 'title' | 'notation' | 'subject';
}

export interface BasisRef {
  /** "Công văn", "Kế hoạch", … as written */
  type: string | null;
  code: string;
  /** yyyy-mm-dd */
  date: string | null;
  issuerName: string | null;
}

/**
 * A reporting schedule as read from the text. The monthly, dates and adhoc kinds are the product's own `Schedule`
 * kinds (a monthly one without `from` starts when the directive is dispatched); weekly, quarterly, half-yearly and
 * yearly are reported as `periodic`, for a clerk to turn into dates.
 */
export type ParsedSchedule =
  | { kind: 'monthly'; rule: 'on' | 'before'; day: number; from?: string; until?: string }
  | { kind: 'dates'; dates: string[] }
  | {
      kind: 'periodic';
      period: 'week' | 'quarter' | 'half-year' | 'year';
      rule?: 'on' | 'before';
      day?: number;
    }
  | { kind: 'adhoc' };

export interface ReportingTarget {
  name: string;
  /** to: the report is sent there; aggregate: the receiver aggregates and reports there; via: through this office. */
  role: 'to' | 'aggregate' | 'via';
}

export interface ReportingRequirement {
  /** The sentence that states it. */
  sentence: string;
  schedule: ParsedSchedule | null;
  targets: ReportingTarget[];
}

export interface Recipient {
  name: string;
  /** addressees ("Như trên", "Như kính gửi"), report (b/c: sent up for information), filed ("Lưu"), publish, info. */
  role: 'addressees' | 'report' | 'filed' | 'publish' | 'info';
}

export interface Signer {
  /** "TM. BAN THƯỜNG VỤ", "KT. CHỦ TỊCH" (null when the block has no authority prefix) */
  competence: string | null;
  authority: 'TM' | 'KT' | 'Q' | 'TL' | 'TUQ' | null;
  /** The body or head named by the prefix: "BAN THƯỜNG VỤ", "CHỦ TỊCH". */
  authorityOf: string | null;
  position: string | null;
  /** "đã ký", "(Đã ký)", "(ký)": the copy says it was signed. */
  signedMark: boolean;
  fullName: string | null;
}

export interface ParsedDocument {
  /** The normalised text that every span refers to. */
  text: string;
  header: Part<{ kind: 'national' | 'party'; text: string }> | null;
  parentBody: Part<string> | null;
  issuer: Part<string> | null;
  code: Part<DocumentCode> | null;
  place: Part<string> | null;
  issuedDate: Part<string> | null;
  documentType: Part<DocumentTypeValue> | null;
  subject: Part<string> | null;
  addressees: Part<string>[];
  basis: Part<BasisRef>[];
  tasks: Part<string>[];
  reporting: Part<ReportingRequirement> | null;
  emails: Part<string>[];
  phones: Part<string>[];
  recipients: Part<Recipient>[];
  signer: Part<Signer> | null;
  /** The keys of the import contract (see `importView`) whose part the text does not contain. */
  missing: string[];
}

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
const TYPE_BY_ABBREV = new Map<string, [string, string]>(
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

const ROMAN = /^(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)\s*[.)/-]\s*\S/;
const NUMBERED = /^(\d{1,2})\s*[.)/]\s+(\S[\s\S]*)$/;
const BULLET = /^[-+•–—*]\s*/;
const DATE_WORDS = /ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})/iu;
const DATE_NUMERIC = /(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4})/;
const PLACE = String.raw`\p{Lu}[\p{L}.']*(?:[ -]\p{Lu}[\p{L}.']*){0,5}`;
const PLACE_DATE = new RegExp(
  String.raw`^(?:(${PLACE})\s*,\s*)?(?:[Nn]gày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})|(?:[Nn]gày\s*)?(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4}))\s*[.;]?\s*$`,
  'u',
);
const NUMBER_LINE = /^Số\s*[:.]?\s*(\d{1,6})\s*([/-])\s*([\p{L}\d][\p{L}\d.\-/]{0,40}[\p{L}\d])/u;
const NUMBER_BLANK = /^Số\s*[:.]?[\s._…]*[/-]\s*(\p{L}[\p{L}\d.\-/]{0,40}[\p{L}\d])\s*$/u;
const PLACE_ONLY = new RegExp(String.raw`^(${PLACE})\s*,\s*ngày\b`, 'u');
const AUTHORITY = /^(TM|T\/M|T\.M|KT|K\/T|Q|TL|T\/L|TUQ|T\.U\.Q)\s*[./]?\s*(\p{Lu}[^\n]*)$/u;
const SIGNED_MARK = /^\(?\s*(?:đã ký|ký|đã ký và đóng dấu|ký tên(?:,? đóng dấu)?|signed)\s*\)?\.?$/iu;
const NAME_WORD = /^\p{Lu}[\p{Ll}]*$/u;
const POSITION_WORDS =
  /\b(CHỦ TỊCH|BÍ THƯ|GIÁM ĐỐC|TRƯỞNG BAN|TRƯỞNG PHÒNG|CHÁNH VĂN PHÒNG|HIỆU TRƯỞNG|CHỦ NHIỆM|THỦ TRƯỞNG|TỔNG GIÁM ĐỐC|CỤC TRƯỞNG|VIỆN TRƯỞNG|THƯỜNG TRỰC|PHÓ)\b/u;

// --- lines ----------------------------------------------------------------------------------------------------------

interface Line {
  /** trimmed text */
  t: string;
  /** folded (no accents, lowercase) */
  f: string;
  start: number;
  end: number;
}

export function normaliseDocumentText(input: string): string {
  return input
    .normalize('NFC')
    .replace(/[\u200B-\u200F\u2060\uFEFF\u202A-\u202E\u2066-\u2069]/g, '')
    .replace(/[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g, ' ')
    .replace(/\r\n?/g, '\n');
}

const MOTTO_IN_LINE =
  /cong hoa xa hoi chu nghia viet nam|dang cong san viet nam|doc lap\s*[-–]\s*tu do\s*[-–]\s*hanh phuc/;

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const push = (t: string, start: number) =>
    lines.push({ t, f: foldVietnamese(t), start, end: start + t.length });
  let pos = 0;
  for (const raw of text.split('\n')) {
    const lead = raw.length - raw.trimStart().length;
    const t = raw.trim();
    // a two-column header flattened into one line ("LIÊN ĐOÀN LAO ĐỘNG … CỘNG HÒA XÃ HỘI …"): two lines
    const m = MOTTO_IN_LINE.exec(keepFold(t));
    const head = m && m.index > 0 ? t.slice(0, m.index).trimEnd() : '';
    if (
      m &&
      head &&
      (isUpper(head) || NUMBER_LINE.test(head)) &&
      (m[0].startsWith('doc') || isUpper(t.slice(m.index)))
    ) {
      push(head, pos + lead);
      push(t.slice(m.index), pos + lead + m.index);
    } else push(t, pos + lead);
    pos += raw.length + 1;
  }
  return lines;
}

/** Folded without changing the length (for positions): NFC in, marks dropped, đ → d, lowercase. */
const keepFold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
const span = (a: Line, b: Line = a): Span => ({ start: a.start, end: b.end });
const part = <T>(value: T, s: Span, confidence: number): Part<T> => ({ value, span: s, confidence });
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
const isUpper = (s: string) =>
  /\p{L}/u.test(s) && s === s.toLocaleUpperCase('vi') && s.replace(/[^\p{L}]/gu, '').length >= 2;
const isOrganStart = (f: string) => ORGAN_STARTS.some((o) => f.startsWith(o));
const isMotto = (f: string) => f.includes('cong hoa xa hoi chu nghia viet nam');
const isMotto2 = (f: string) => f.replace(/[^a-z]/g, '') === 'doclaptudohanhphuc';
const isParty = (f: string) => f.replace(/[^a-z ]/g, '').trim() === 'dang cong san viet nam';
const isDecoration = (t: string) => /^[-_*=~.·•\s]+$/.test(t) && t.length > 0;
const typeOfTitle = (f: string) => TYPES.find(([name]) => f === name || f.startsWith(name + ' '));

function isoDate(d: number, m: number, y: number): string | null {
  const dt = DateTime.fromObject({ year: y, month: m, day: d });
  return dt.isValid ? dt.toISODate() : null;
}

function dateIn(s: string): string | null {
  const w = DATE_WORDS.exec(s);
  if (w) return isoDate(+w[1], +w[2], +w[3]);
  const n = DATE_NUMERIC.exec(s);
  return n ? isoDate(+n[1], +n[2], +n[3]) : null;
}

/** Paragraphs: runs of non-empty lines in the text's own line breaks, each line a paragraph as typed. */
const nextNonEmpty = (lines: Line[], from: number) => {
  for (let i = from; i < lines.length; i++) if (lines[i].t) return i;
  return -1;
};

// --- the parts ------------------------------------------------------------------------------------------------------

interface Anchors {
  header: number;
  number: number;
  date: number;
}

function findCode(lines: Line[], limit: number): { part: Part<DocumentCode>; line: number } | null {
  for (let i = 0; i < limit; i++) {
    const m = NUMBER_LINE.exec(lines[i].t);
    if (!m) {
      // a draft's number is left blank for the registry to fill in: the notation is still there
      const blank = NUMBER_BLANK.exec(lines[i].t);
      if (!blank) continue;
      const start = lines[i].start + blank.index;
      return {
        part: part(
          { code: null, number: null, notation: blank[1] },
          { start, end: start + blank[0].length },
          0.8,
        ),
        line: i,
      };
    }
    const notation = m[3];
    const code = `${m[1]}${m[2]}${notation}`;
    const start = lines[i].start + m.index;
    return {
      part: part({ code, number: Number(m[1]), notation }, { start, end: start + m[0].length }, 0.97),
      line: i,
    };
  }
  return null;
}

function findPlaceDate(
  lines: Line[],
  limit: number,
): { place: Part<string> | null; date: Part<string> | null; line: number } | null {
  let placeOnly: { place: Part<string>; date: null; line: number } | null = null;
  for (let i = 0; i < limit; i++) {
    const l = lines[i];
    // a flattened header may put the number and the date on one line: look after the number too
    const candidates: [string, number][] = [[l.t, 0]];
    const num = NUMBER_LINE.exec(l.t);
    if (num) {
      const rest = l.t.slice(num[0].length);
      candidates.push([rest.trim(), num[0].length + rest.length - rest.trimStart().length]);
    }
    for (const [s, offset] of candidates) {
      const m = PLACE_DATE.exec(s);
      if (!m) continue;
      const iso = m[2] ? isoDate(+m[2], +m[3], +m[4]) : isoDate(+m[5], +m[6], +m[7]);
      if (!iso) continue;
      const start = l.start + offset;
      const place = m[1] ? part(collapse(m[1]), { start, end: start + m[1].length }, 0.9) : null;
      return { place, date: part(iso, { start, end: start + m[0].trimEnd().length }, 0.95), line: i };
    }
    // "Hà Nội, ngày   tháng 11 năm 2019": a draft's day left blank; the place is still there
    const p: RegExpExecArray | null = placeOnly ? null : PLACE_ONLY.exec(l.t);
    if (p)
      placeOnly = {
        place: part(collapse(p[1]), { start: l.start, end: l.start + p[1].length }, 0.8),
        date: null,
        line: i,
      };
  }
  return placeOnly;
}

function findHeader(
  lines: Line[],
  limit: number,
): { part: Part<{ kind: 'national' | 'party'; text: string }>; line: number } | null {
  for (let i = 0; i < limit; i++) {
    const l = lines[i];
    if (isMotto(l.f)) {
      // a flattened header may carry the number on the same line: the motto starts at "CỘNG HÒA"
      const at = Math.max(0, keepFold(l.t).indexOf('cong hoa'));
      const first = l.t.slice(at);
      // its second line follows, maybe after a body's line (a two-column header flattened line by line)
      let j = -1;
      for (let k = i + 1; k <= Math.min(lines.length - 1, i + 4) && j < 0; k++)
        if (isMotto2(lines[k].f)) j = k;
      const second = j >= 0 ? lines[j] : null;
      const text = second ? `${collapse(first)} — ${collapse(second.t)}` : collapse(first);
      const s = { start: l.start + at, end: (second ?? l).end };
      return { part: part({ kind: 'national', text }, s, 0.97), line: second ? j : i };
    }
    if (isParty(l.f)) return { part: part({ kind: 'party', text: collapse(l.t) }, span(l), 0.97), line: i };
  }
  return null;
}

/** Where the body starts: the first line after the header that is the title, a "V/v", "Kính gửi" or the text. */
function isBodyStart(l: Line): boolean {
  return (
    /^kinh gui\b/.test(l.f) ||
    /^(thuc hien|can cu|trien khai|theo de nghi|nham|de )/.test(l.f) ||
    NUMBERED.test(l.t) ||
    ROMAN.test(l.t) ||
    /^v\/v\b|^ve viec\b/.test(l.f) ||
    (l.t.length > 120 && !isUpper(l.t))
  );
}

function findBodies(
  lines: Line[],
  from: number,
  to: number,
  anchor: number,
  skip: Set<number>,
): { parent: Part<string> | null; issuer: Part<string> | null } {
  let bodies: { first: Line; last: Line; text: string }[] = [];
  let inRun = false;
  for (let i = from; i < to; i++) {
    const l = lines[i];
    if (!l.t || isDecoration(l.t)) continue;
    if (skip.has(i) || isMotto(l.f) || isMotto2(l.f) || isParty(l.f)) {
      inRun = false;
      continue;
    }
    const title = typeOfTitle(l.f);
    if (i > anchor && title && isUpper(l.t.slice(0, title[2].length))) break;
    if (isUpper(l.t) && !title) {
      if (isOrganStart(l.f)) {
        bodies.push({ first: l, last: l, text: collapse(l.t) });
        inRun = true;
      } else if (inRun) {
        const b = bodies[bodies.length - 1];
        b.last = l;
        b.text = `${b.text} ${collapse(l.t)}`;
      }
      continue;
    }
    // other text before the header (a web page's) is not the header; after it, the header is over
    if (i < anchor) {
      bodies = [];
      inRun = false;
      continue;
    }
    if (isBodyStart(l) || bodies.length) break;
  }
  const n = bodies.length;
  if (!n) return { parent: null, issuer: null };
  const issuer = bodies[n - 1];
  const parent = n >= 2 ? bodies[n - 2] : null;
  return {
    issuer: part(issuer.text, span(issuer.first, issuer.last), n >= 2 ? 0.85 : 0.75),
    parent: parent ? part(parent.text, span(parent.first, parent.last), 0.8) : null,
  };
}

function findTypeAndSubject(
  lines: Line[],
  from: number,
  code: Part<DocumentCode> | null,
  skip: Set<number>,
): { type: Part<DocumentTypeValue> | null; subject: Part<string> | null; end: number } {
  let type: Part<DocumentTypeValue> | null = null;
  let subject: Part<string> | null = null;
  let end = from;
  for (let i = from; i < Math.min(lines.length, from + 30); i++) {
    const l = lines[i];
    if (!l.t || skip.has(i)) continue;
    if (/^kinh gui\b/.test(l.f) || /^(thuc hien|can cu)\b/.test(l.f) || NUMBERED.test(l.t)) break;
    const vv = /^(V\/v|Về việc|V\/V)\s*[:.]?\s*/u.exec(l.t);
    if (vv) {
      const { text, last } = subjectLines(lines, i, l.t);
      subject = part(text, span(l, lines[last]), 0.9);
      end = last + 1;
      break;
    }
    const t = typeOfTitle(l.f);
    const titleText = t ? l.t.slice(0, t[2].length) : '';
    if (t && isUpper(titleText)) {
      type = part({ code: t[1], name: t[2], from: 'title' }, span(l), 0.95);
      const rest = collapse(l.t.slice(t[2].length));
      const j = nextNonEmpty(lines, i + 1);
      if (rest) {
        subject = part(rest, span(l), 0.85);
        end = i + 1;
      } else if (j >= 0 && j <= i + 2 && !isBodyStart(lines[j])) {
        const { text, last } = subjectLines(lines, j, lines[j].t);
        subject = part(text, span(lines[j], lines[last]), 0.85);
        end = last + 1;
      } else end = i + 1;
      break;
    }
  }
  if (!type && code) {
    const notation = code.value.notation;
    // state style "KH-LĐLĐ": the type first; Party style "CV/ĐUK": the type before the slash
    const head = foldVietnamese(notation.split(/[-/]/)[0]).toUpperCase();
    const hit = notation.includes('-') || notation.includes('/') ? TYPE_BY_ABBREV.get(head) : undefined;
    if (hit) type = part({ code: hit[0], name: hit[1], from: 'notation' }, code.span, 0.9);
    else if (subject && /^v\/v|^ve viec/i.test(foldVietnamese(subject.value)))
      // a state-style công văn carries no type in its number, and its subject starts with "V/v"
      type = part({ code: 'CV', name: 'Công văn', from: 'subject' }, code.span, 0.75);
  }
  return { type, subject, end };
}

/** A subject running over several lines: until a blank line or what starts the body. */
function subjectLines(lines: Line[], first: number, firstText: string): { text: string; last: number } {
  const parts = [firstText];
  let last = first;
  for (let i = first + 1; i < lines.length && parts.length < 6; i++) {
    const l = lines[i];
    // web copies double-space lines: a blank line ends the subject only after a finished sentence
    if (!l.t) {
      if (/[.;:!?]$/.test(parts[parts.length - 1])) break;
      continue;
    }
    if (isBodyStart(l) || isDecoration(l.t) || typeOfTitle(l.f) || isMotto(l.f) || isParty(l.f)) break;
    if (PLACE_DATE.test(l.t) || NUMBER_LINE.test(l.t)) break;
    if (i > last + 1 && l.t.length > 150) break;
    parts.push(l.t);
    last = i;
  }
  return { text: collapse(parts.join(' ')), last };
}

const cleanItem = (s: string) => collapse(s.replace(BULLET, '').replace(/[.;,:]+\s*$/, ''));

function findAddressees(lines: Line[], from: number): { parts: Part<string>[]; end: number; line: number } {
  for (let i = from; i < lines.length; i++) {
    const l = lines[i];
    const m = /^Kính\s*gửi\s*[:.]?\s*/iu.exec(l.t);
    if (!m) continue;
    const out: Part<string>[] = [];
    const push = (text: string, start: number, end: number) => {
      for (const piece of text.split(/;\s*|\s+-\s+/)) {
        const name = cleanItem(piece);
        if (name) out.push(part(name, { start, end }, 0.9));
      }
    };
    const rest = l.t.slice(m[0].length);
    if (rest.trim()) push(rest, l.start + m[0].length, l.end);
    let last = i;
    for (let j = i + 1; j < lines.length; j++) {
      const k = lines[j];
      if (!k.t) {
        // blank lines between the items (documents copied from Word or the web) do not end the list
        const n = nextNonEmpty(lines, j);
        if (n < 0 || (out.length && !BULLET.test(lines[n].t))) break;
        continue;
      }
      if (BULLET.test(k.t)) {
        push(k.t, k.start, k.end);
        last = j;
      } else if (!out.length && k.t.length < 200 && !isBodyStart(k)) {
        push(k.t, k.start, k.end);
        last = j;
        break;
      } else break;
    }
    return { parts: out, end: last + 1, line: i };
  }
  return { parts: [], end: from, line: -1 };
}

const REF_TYPES =
  'Kế hoạch|Công văn|Hướng dẫn|Chỉ thị|Thông báo|Quyết định|Nghị quyết|Báo cáo|Kết luận|Quy định|Chương trình|Thông tri|Nghị định|Thông tư|Tờ trình|Công điện|Quy chế|Đề án|Văn bản|Điều lệ';
const REF = new RegExp(
  String.raw`(${REF_TYPES})\s+(?:số\s*:?\s*)?(\d{1,6}[-/][\p{L}\d.\-/]{0,40}\p{L}[\p{L}\d]{0,20})\s*,?\s*(?:(?:ngày|ban hành ngày)\s*)?(\d{1,2}\s*[./-]\s*\d{1,2}\s*[./-]\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})?`,
  'giu',
);
const ISSUER_STOP =
  /\s+(?:về|và|đã|nhằm|trong|tại|theo|để|ban hành|triển khai|hướng dẫn|quy định)(?=\s|$)|[,;:(“"”]|\.(?:\s|$)/u;

export function findReferences(s: string, offset: number, confidence = 0.9): Part<BasisRef>[] {
  const out: Part<BasisRef>[] = [];
  for (const m of s.matchAll(REF)) {
    let end = m.index + m[0].length;
    let issuerName: string | null = null;
    const after = s.slice(end);
    const of = /^\s*,?\s*(?:của|do)\s+/u.exec(after);
    if (of) {
      const tail = after.slice(of[0].length);
      const stop = ISSUER_STOP.exec(tail);
      const name = collapse(stop ? tail.slice(0, stop.index) : tail);
      if (name && name.length <= 120) {
        issuerName = name;
        end += of[0].length + (stop ? stop.index : tail.length);
      }
    }
    const type = m[1][0].toUpperCase() + m[1].slice(1);
    const date = m[3] ? dateIn(m[3].includes('tháng') ? `ngày ${m[3]}` : m[3]) : null;
    out.push(
      part(
        { type, code: m[2], date, issuerName },
        { start: offset + m.index, end: offset + end },
        date && issuerName ? confidence : confidence - 0.15,
      ),
    );
  }
  return out;
}

function findBasis(lines: Line[], from: number): { parts: Part<BasisRef>[]; end: number } {
  const out: Part<BasisRef>[] = [];
  let end = from;
  let seen = 0;
  for (let i = from; i < lines.length && seen < 3; i++) {
    const l = lines[i];
    if (!l.t) continue;
    seen++;
    if (NUMBERED.test(l.t) || ROMAN.test(l.t)) break;
    if (!/^(thuc hien|can cu|trien khai|theo)\b/.test(l.f)) continue;
    out.push(...findReferences(l.t, l.start));
    end = i + 1;
  }
  return { parts: out, end };
}

const CLOSING =
  /^(can cu cac noi dung|can cu noi dung|tren day|de nghi|yeu cau|nhan duoc|noi nhan|lanh dao|trong qua trinh)/;

function findTasks(lines: Line[], from: number, to: number): Part<string>[] {
  // Sections (I., II., …): the purpose section ("Mục đích, yêu cầu") holds aims, not tasks
  const items: { first: number; last: number; text: string[] }[] = [];
  let skipSection = false;
  let expected = 1;
  for (let i = from; i < to; i++) {
    const l = lines[i];
    if (!l.t) continue;
    if (ROMAN.test(l.t) && isUpper(l.t.replace(/^[IVX]+\s*[.)/-]\s*/, ''))) {
      skipSection = /muc dich|muc tieu/.test(l.f);
      expected = 1;
      continue;
    }
    const m = NUMBERED.exec(l.t);
    if (m && (+m[1] === expected || +m[1] === 1)) {
      expected = +m[1] + 1;
      if (skipSection) continue;
      items.push({ first: i, last: i, text: [m[2]] });
      continue;
    }
    const current = items[items.length - 1];
    if (!current || skipSection) continue;
    if (CLOSING.test(l.f) || /^noi nhan/.test(l.f)) break;
    current.text.push(l.t);
    current.last = i;
  }
  if (!items.length) {
    // no numbered item: a letter that lists its tasks as dashes
    const bullets: Part<string>[] = [];
    for (let i = from; i < to; i++) {
      const l = lines[i];
      if (!l.t) continue;
      if (CLOSING.test(l.f)) break;
      if (BULLET.test(l.t) && l.t.length > 12)
        bullets.push(part(collapse(l.t.replace(BULLET, '')).replace(/[;,]$/, ''), span(l), 0.6));
    }
    return bullets;
  }
  return items.map((it, n) => {
    const last = n === items.length - 1;
    // the last item keeps only a sentence broken over lines: what follows it is the closing, not the task
    const text: string[] = [it.text[0]];
    for (let k = 1; k < it.text.length; k++) {
      const prev = text[text.length - 1];
      if (last && /[.;!?:…"”)]$/.test(prev.trim()) && !BULLET.test(it.text[k])) break;
      text.push(it.text[k]);
    }
    const joined = text
      .map((t, k) =>
        // a sentence broken over lines goes on in lower case; anything else is a paragraph of its own
        k === 0 || (/^\p{Ll}/u.test(t) && !/[.;!?:…"”]$/.test(text[k - 1].trim())) ? t : `\n${t}`,
      )
      .join(' ')
      .replace(/ \n/g, '\n');
    return part(
      joined.split('\n').map(collapse).join('\n').replace(/[;,]$/, ''),
      span(lines[it.first], lines[it.last]),
      0.8,
    );
  });
}

const ORGAN_NAME = new RegExp(
  String.raw`^(?:${[
    'Tổng Liên đoàn',
    'Liên đoàn',
    'LĐLĐ',
    'Công đoàn',
    'CĐ',
    'Ban',
    'BTV',
    'Thường trực',
    'Đảng ủy',
    'Đảng uỷ',
    'Đảng bộ',
    'Tỉnh ủy',
    'Tỉnh uỷ',
    'Huyện ủy',
    'Huyện uỷ',
    'Thành ủy',
    'Thành uỷ',
    'Thị ủy',
    'Quận ủy',
    'UBND',
    'Ủy ban',
    'Uỷ ban',
    'Sở',
    'Phòng',
    'Văn phòng',
    'Hội',
    'Đoàn',
    'Chi bộ',
    'Bộ',
    'Cục',
    'Trung tâm',
    'Cơ quan',
    'Thường vụ',
    'Mặt trận',
  ].join('|')})(?=[\s,.;]|$)`,
  'iu',
);

/** Cut a body's name where the sentence goes on. */
function organAt(s: string): string | null {
  const name = collapse(
    s.split(
      /\s+(?:để|trước|chậm nhất|không quá|qua|theo|bằng|lồng ghép|định kỳ|vào|trong|kèm|cùng|kể từ)(?=\s)|[,;:(“"”]|\.(?:\s|\/|$)|\/\./u,
    )[0],
  );
  return name && ORGAN_NAME.test(name) && name.length <= 120 ? name : null;
}

function splitOrgans(s: string): string[] {
  return s
    .split(/\s+và\s+|,\s*/u)
    .map((x) => organAt(x))
    .filter((x): x is string => !!x);
}

function findSchedule(s: string, issued: string | null): ParsedSchedule | null {
  const f = foldVietnamese(s);
  const monthly =
    /(truoc|cham nhat|khong qua|truoc hoac vao|vao|dinh ky|dinh ki)?\s*(?:vao\s+)?(?:ngay|ngay mong)\s+(\d{1,2})\s+(?:cua\s+)?(?:hang|hang|moi|cac)\s+thang/.exec(
      f,
    );
  const fromM = /(?:ke tu|bat dau tu|tu)\s+thang\s+(\d{1,2})\s*(?:\/|nam)\s*(\d{4})/.exec(f);
  const untilM = /(?:den|den het)\s+thang\s+(\d{1,2})\s*(?:\/|nam)\s*(\d{4})/.exec(f);
  const month = (m: RegExpExecArray | null) => (m ? `${m[2]}-${m[1].padStart(2, '0')}` : undefined);
  if (monthly) {
    const day = Number(monthly[2]);
    if (day >= 1 && day <= 31) {
      const rule = monthly[1] && /truoc|cham nhat|khong qua/.test(monthly[1]) ? 'before' : 'on';
      const schedule: ParsedSchedule = { kind: 'monthly', rule, day };
      const from = month(fromM);
      const until = month(untilM);
      if (from) schedule.from = from;
      if (until) schedule.until = until;
      return schedule;
    }
  }
  const periodic =
    /(?:hang|moi|dinh ky)\s+(tuan|quy|nam)|(?:6|sau)\s+thang(?:\s+mot lan)?|dinh ky\s+(?:6|sau)\s+thang/.exec(
      f,
    );
  if (periodic) {
    const period =
      periodic[1] === 'tuan'
        ? 'week'
        : periodic[1] === 'quy'
          ? 'quarter'
          : periodic[1] === 'nam'
            ? 'year'
            : 'half-year';
    const day = /(truoc|vao)\s+ngay\s+(\d{1,2})(?!\s*[./-]\s*\d)/.exec(f);
    return day
      ? { kind: 'periodic', period, rule: day[1] === 'truoc' ? 'before' : 'on', day: Number(day[2]) }
      : { kind: 'periodic', period };
  }
  const once =
    /(?:truoc|cham nhat|khong qua|truoc ngay)\s+(?:ngay\s+)?(\d{1,2})\s*[./-]\s*(\d{1,2})(?:\s*[./-]\s*(\d{4}))?/.exec(
      f,
    );
  if (once) {
    const year = once[3] ? Number(once[3]) : issued ? Number(issued.slice(0, 4)) : null;
    const iso = year ? isoDate(Number(once[1]), Number(once[2]), year) : null;
    if (iso) return { kind: 'dates', dates: [iso] };
  }
  if (/kip thoi|khi co phat sinh|dot xuat|thuong xuyen/.test(f)) return { kind: 'adhoc' };
  return null;
}

function findReporting(
  lines: Line[],
  from: number,
  to: number,
  issued: string | null,
): Part<ReportingRequirement> | null {
  let best: { score: number; part: Part<ReportingRequirement> } | null = null;
  for (let i = from; i < to; i++) {
    const l = lines[i];
    if (!l.t || !/bao cao/.test(l.f)) continue;
    // sentences of the line, with their offsets
    const re = /(?:[^.!?;]|[.!?;/](?![\s/]|$))+(?:[.!?;/]+|$)/gu;
    for (const m of l.t.matchAll(re)) {
      const s = m[0];
      if (!/báo cáo/iu.test(s)) continue;
      const schedule = findSchedule(s, issued);
      const targets: ReportingTarget[] = [];
      for (const t of s.matchAll(/(?:^|\s)(?:gửi\s+)?về\s+(?!việc)(.+)/giu)) {
        const name = organAt(t[1]);
        if (name) {
          targets.push({ name, role: 'to' });
          break;
        }
      }
      const agg = /tổng hợp,?\s+báo cáo\s+(?:về\s+)?(.+?)(?=\s*(?:\(|[.;]\s|\.\/\.|\.$|$))/iu.exec(s);
      if (agg && targets.length)
        for (const name of splitOrgans(agg[1])) targets.push({ name, role: 'aggregate' });
      const via = /\(?\s*qua\s+(.+?)(?=\)|[.;,]|$)/iu.exec(s);
      if (via) {
        const name = organAt(via[1]);
        if (name) targets.push({ name, role: 'via' });
      }
      const score = (schedule ? 2 : 0) + (targets.length ? 1 : 0);
      if (!score) continue;
      const start = l.start + m.index;
      const candidate = part<ReportingRequirement>(
        { sentence: collapse(s.replace(BULLET, '')), schedule, targets },
        { start, end: start + s.trimEnd().length },
        score === 3 ? 0.85 : 0.65,
      );
      if (!best || score > best.score) best = { score, part: candidate };
      if (score === 3) return candidate;
    }
  }
  return best?.part ?? null;
}

function findContacts(text: string): { emails: Part<string>[]; phones: Part<string>[] } {
  const emails: Part<string>[] = [];
  for (const m of text.matchAll(
    /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![A-Za-z])/g,
  ))
    if (!emails.some((e) => e.value === m[0]))
      emails.push(part(m[0], { start: m.index, end: m.index + m[0].length }, 0.97));
  const phones: Part<string>[] = [];
  for (const m of text.matchAll(/(?<![\d./-])(?:\+84|\(0\d{2,3}\)|0)(?:[ .-]?\d){8,10}(?![\d/])/g)) {
    const digits = m[0].replace(/\D/g, '').replace(/^84/, '0');
    if (digits.length < 9 || digits.length > 11) continue;
    const value = m[0].trim().replace(/[.]$/, '');
    if (!phones.some((p) => p.value === value))
      phones.push(part(value, { start: m.index, end: m.index + value.length }, 0.85));
  }
  return { emails, phones };
}

function findRecipients(lines: Line[]): { parts: Part<Recipient>[]; line: number; end: number } {
  const at = lines.findIndex((l) => /^noi nhan\b/.test(l.f));
  if (at < 0) return { parts: [], line: -1, end: -1 };
  const out: Part<Recipient>[] = [];
  const push = (raw: string, s: Span) => {
    for (const piece of raw.split(/;\s*(?=[-+•]|\p{Lu})/u)) {
      let name = cleanItem(piece);
      if (!name) continue;
      const f = foldVietnamese(name);
      let role: Recipient['role'] = 'info';
      if (/^nhu (tren|kinh gui|dieu|muc)/.test(f)) role = 'addressees';
      else if (/^luu\b/.test(f)) {
        role = 'filed';
        name = collapse(name.replace(/^Lưu\s*[:.]?\s*/iu, '')) || name;
      } else if (/\(?\s*(?:de\s+)?b\s*\/\s*c\s*\)?|\(?\s*de bao cao\s*\)?/.test(f)) {
        role = 'report';
        name = collapse(
          name.replace(/\(?\s*(?:để\s+)?b\s*\/\s*c\s*\)?|\(?\s*để báo cáo\s*\)?/iu, ''),
        ).replace(/[,;.]$/, '');
      } else if (/website|cong thong tin|trang thong tin|trang tin/.test(f)) role = 'publish';
      out.push(part({ name, role }, s, 0.9));
    }
  };
  const first = lines[at];
  const rest = first.t.replace(/^Nơi\s*nhận\s*:?\s*/iu, '');
  // on the heading's own line: "Nơi nhận: Như trên; Lưu VT."
  if (rest) for (const piece of rest.split(/,\s*(?=(?:Như|Lưu)\b)/u)) push(piece, span(first));
  let end = at + 1;
  for (let j = at + 1; j < lines.length; j++) {
    const l = lines[j];
    if (!l.t) continue;
    if (!BULLET.test(l.t)) break;
    push(l.t, span(l));
    end = j + 1;
  }
  return { parts: out, line: at, end };
}

function findSigner(lines: Line[], from: number): Part<Signer> | null {
  let at = -1;
  let m: RegExpExecArray | null = null;
  for (let i = lines.length - 1; i >= from; i--) {
    const x = AUTHORITY.exec(lines[i].t);
    if (x && isUpper(x[2])) {
      at = i;
      m = x;
      break;
    }
  }
  let positionFrom = at + 1;
  if (at < 0) {
    // no authority prefix: the position line (CHỦ TỊCH, BÍ THƯ, …) closest to the end
    for (let i = lines.length - 1; i >= from; i--) {
      const l = lines[i];
      if (l.t && isUpper(l.t) && POSITION_WORDS.test(l.t) && l.t.length < 80) {
        at = i;
        break;
      }
    }
    if (at < 0) return null;
    positionFrom = at;
    // a position may run over several lines: go back to its first line
    while (
      positionFrom > from &&
      lines[positionFrom - 1].t &&
      isUpper(lines[positionFrom - 1].t) &&
      !isOrganStart(lines[positionFrom - 1].f)
    )
      positionFrom--;
  }
  const prefix = m ? m[1].replace(/[./]/g, '').toUpperCase() : null;
  const authority =
    prefix === 'KT' || prefix === 'TL' || prefix === 'TM' || prefix === 'Q' || prefix === 'TUQ'
      ? prefix
      : null;
  const authorityOf = m ? collapse(m[2]) : null;
  const position: string[] = [];
  let signedMark = false;
  let fullName: string | null = null;
  let last = lines[at];
  for (let i = positionFrom, seen = 0; i < lines.length && seen < 8; i++) {
    const l = lines[i];
    if (!l.t) continue;
    seen++;
    if (SIGNED_MARK.test(l.t)) {
      signedMark = true;
      last = l;
      continue;
    }
    if (!fullName && !position.length && isUpper(l.t)) {
      position.push(collapse(l.t));
      last = l;
      continue;
    }
    if (!fullName && isUpper(l.t) && !signedMark && position.length < 3) {
      position.push(collapse(l.t));
      last = l;
      continue;
    }
    const words = collapse(l.t).split(' ');
    if (words.length >= 2 && words.length <= 6 && words.every((w) => NAME_WORD.test(w))) {
      fullName = collapse(l.t);
      last = l;
      break;
    }
    if (position.length) break;
  }
  if (!position.length && !fullName && !authority) return null;
  const signer: Signer = {
    competence: authority ? `${authority}. ${authorityOf}` : null,
    authority,
    authorityOf,
    position: position.length ? position.join(' ') : null,
    signedMark,
    fullName,
  };
  return part(signer, span(lines[at], last), fullName && signer.position ? 0.9 : 0.6);
}

// --- the whole document -----------------------------------------------------------------------------------------------

export function parseDirectiveText(input: string): ParsedDocument {
  const text = normaliseDocumentText(input);
  const lines = splitLines(text);
  const recipients = findRecipients(lines);
  const closing = recipients.line >= 0 ? recipients.line : lines.length;
  const headLimit = Math.min(closing, lines.length);

  const header = findHeader(lines, headLimit);
  const code = findCode(lines, headLimit);
  const placeDate = findPlaceDate(lines, headLimit);
  const anchors: Anchors = {
    header: header?.line ?? -1,
    number: code?.line ?? -1,
    date: placeDate?.line ?? -1,
  };
  const found: number[] = [anchors.header, anchors.number, anchors.date].filter((x) => x >= 0);
  const firstAnchor = found.length ? Math.min(...found) : -1;
  const lastAnchor = found.length ? Math.max(...found) : -1;

  // the header's bodies: around the anchors, before the title or the body
  const skip = new Set(found);
  if (header && header.part.value.kind === 'national') skip.add(header.line);
  const bodies =
    firstAnchor >= 0
      ? findBodies(
          lines,
          Math.max(0, firstAnchor - 12),
          Math.min(lines.length, lastAnchor + 6),
          firstAnchor,
          skip,
        )
      : findBodies(lines, 0, Math.min(lines.length, 12), -1, skip);

  // the title or "V/v" follows the number (in a flattened header it may come before the date)
  const ts = findTypeAndSubject(lines, Math.max(0, firstAnchor), code?.part ?? null, skip);
  const afterHeader = Math.max(ts.end, lastAnchor + 1);
  const addressees = findAddressees(lines, ts.end);
  const bodyFrom = addressees.line >= 0 ? addressees.end : afterHeader;
  const basis = findBasis(lines, bodyFrom);
  const tasks = findTasks(lines, basis.end, closing);
  const issued = placeDate?.date?.value ?? null;
  const reporting = findReporting(lines, bodyFrom, closing, issued);
  const contacts = findContacts(text);
  const signer = findSigner(
    lines,
    Math.max(bodyFrom, recipients.line >= 0 ? recipients.line : Math.floor(lines.length / 2)),
  );

  const doc: ParsedDocument = {
    text,
    header: header?.part ?? null,
    parentBody: bodies.parent,
    issuer: bodies.issuer,
    code: code?.part ?? null,
    place: placeDate?.place ?? null,
    issuedDate: placeDate?.date ?? null,
    documentType: ts.type,
    subject: ts.subject,
    addressees: addressees.parts,
    basis: basis.parts,
    tasks,
    reporting,
    emails: contacts.emails,
    phones: contacts.phones,
    recipients: recipients.parts,
    signer,
    missing: [],
  };
  const view = importView(doc);
  doc.missing = view.missing;
  return doc;
}

// --- the import contract ------------------------------------------------------------------------------------------------

/** What `cascade import --json` prints and `POST /directives/import` returns as `parsed`. */
export interface ImportView {
  code: string | null;
  codeNumber: number | null;
  codeNotation: string | null;
  documentType: string | null;
  documentTypeCode: string | null;
  subject: string | null;
  place: string | null;
  issuedDate: string | null;
  issuerName: string | null;
  parentBodyName: string | null;
  header: { kind: 'national' | 'party'; text: string } | null;
  addressees: string[];
  basis: BasisRef[];
  tasks: string[];
  reporting: {
    schedule: ParsedSchedule | null;
    targets: string[];
    routes: ReportingTarget[];
    sentence: string;
  } | null;
  contacts: { emails: string[]; phones: string[] };
  recipients: Recipient[];
  signer: {
    competence: string | null;
    position: string | null;
    fullName: string | null;
    signedMark: boolean;
  } | null;
  missing: string[];
  /** Per key: the span of text it came from and the confidence (lists: one entry per item). */
  sources: Record<string, { start: number; end: number; confidence: number; text: string }[]>;
}

export const IMPORT_KEYS = [
  'code',
  'codeNumber',
  'codeNotation',
  'documentType',
  'subject',
  'place',
  'issuedDate',
  'issuerName',
  'parentBodyName',
  'addressees',
  'basis',
  'tasks',
  'reporting',
  'contacts',
  'recipients',
  'signer',
] as const;

export function importView(doc: ParsedDocument): ImportView {
  const src = (p: Part<unknown> | null) =>
    p ? [{ ...p.span, confidence: p.confidence, text: doc.text.slice(p.span.start, p.span.end) }] : [];
  const srcs = (ps: Part<unknown>[]) => ps.flatMap(src);
  const view: ImportView = {
    code: doc.code?.value.code ?? null,
    codeNumber: doc.code?.value.number ?? null,
    codeNotation: doc.code?.value.notation ?? null,
    documentType: doc.documentType?.value.name ?? null,
    documentTypeCode: doc.documentType?.value.code ?? null,
    subject: doc.subject?.value ?? null,
    place: doc.place?.value ?? null,
    issuedDate: doc.issuedDate?.value ?? null,
    issuerName: doc.issuer?.value ?? null,
    parentBodyName: doc.parentBody?.value ?? null,
    header: doc.header?.value ?? null,
    addressees: doc.addressees.map((p) => p.value),
    basis: doc.basis.map((p) => p.value),
    tasks: doc.tasks.map((p) => p.value),
    reporting: doc.reporting
      ? {
          schedule: doc.reporting.value.schedule,
          targets: doc.reporting.value.targets.map((t) => t.name),
          routes: doc.reporting.value.targets,
          sentence: doc.reporting.value.sentence,
        }
      : null,
    contacts: { emails: doc.emails.map((p) => p.value), phones: doc.phones.map((p) => p.value) },
    recipients: doc.recipients.map((p) => p.value),
    signer: doc.signer
      ? {
          competence: doc.signer.value.competence,
          position: doc.signer.value.position,
          fullName: doc.signer.value.fullName,
          signedMark: doc.signer.value.signedMark,
        }
      : null,
    missing: [],
    sources: {
      code: src(doc.code),
      documentType: src(doc.documentType),
      subject: src(doc.subject),
      place: src(doc.place),
      issuedDate: src(doc.issuedDate),
      issuerName: src(doc.issuer),
      parentBodyName: src(doc.parentBody),
      header: src(doc.header),
      addressees: srcs(doc.addressees),
      basis: srcs(doc.basis),
      tasks: srcs(doc.tasks),
      reporting: src(doc.reporting),
      emails: srcs(doc.emails),
      phones: srcs(doc.phones),
      recipients: srcs(doc.recipients),
      signer: src(doc.signer),
    },
  };
  view.missing = missingKeys(view);
  return view;
}

/** The import contract's keys whose part is absent (null, an empty list, no e-mail and no phone). */
export function missingKeys(view: ImportView): string[] {
  const empty = (v: unknown) =>
    v === null ||
    (Array.isArray(v) && !v.length) ||
    (typeof v === 'object' &&
      v !== null &&
      'emails' in v &&
      !(v as ImportView['contacts']).emails.length &&
      !(v as ImportView['contacts']).phones.length);
  return IMPORT_KEYS.filter((k) => empty(view[k]));
}

/** True when the text holds nothing of a directive: no number, date, type, subject, addressees, tasks or signer. */
export function looksLikeDirective(view: ImportView): boolean {
  const parts = [
    view.code,
    view.issuedDate,
    view.documentType,
    view.subject,
    view.signer?.fullName ?? null,
  ].filter((x) => x !== null).length;
  return (
    parts + (view.addressees.length ? 1 : 0) + (view.tasks.length ? 1 : 0) + (view.basis.length ? 1 : 0) >= 2
  );
}
