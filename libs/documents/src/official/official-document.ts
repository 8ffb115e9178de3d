import { DateTime } from 'luxon';
import type { DirectiveContent } from '@cascade/contracts';
import {
  DOC_TYPES,
  formatSymbol,
  isPartyBody,
  normalizeText,
  VN_ZONE,
  type DocType,
  type UnitKind,
} from '@cascade/domain';

/**
 * The official document as both renderers lay it out (Decree 30/2020, art. 8 and appendix I; Guide 36-HD/VPTW for
 * Party bodies): every line already worded, so that the PDF and the DOCX say exactly the same. Built from a
 * directive's record by `officialDocumentOf`, the only place that decides what the document says.
 */
export interface OfficialDocument {
  /** A Party body's document: "ĐẢNG CỘNG SẢN VIỆT NAM" instead of the national motto, Guide 36's layout. */
  party: boolean;
  /** The parent body (cơ quan chủ quản), in capitals; null for a body at the top. */
  parentBody: string | null;
  /** The issuing body, in capitals. */
  issuingBody: string;
  /** "Số: 136/KH-LĐLĐ" (Party style "Số 1023-CV/ĐUK"); a draft's number is left blank. */
  numberLine: string;
  /** "Hà Nội, ngày 05 tháng 3 năm 2026"; a draft's day and month are left blank. */
  placeDateLine: string;
  /** "KẾ HOẠCH"; null for a công văn, whose subject goes under its number. */
  typeName: string | null;
  /** The subject (trích yếu); a công văn's starts with "V/v". */
  subject: string;
  /** "Kính gửi": a công văn's addressees (empty for the other types, which name them in "Nơi nhận"). */
  addressees: string[];
  /** The basis and introduction (căn cứ, "Thực hiện …"), then the numbered tasks, then the closing. */
  basis: string[];
  tasks: string[];
  closing: string | null;
  /** The signing block: the authority line ("KT. CHỦ TỊCH") when there is one, the position, the name. */
  signer: { lines: string[]; name: string | null };
  /** "Nơi nhận": each line as printed, "- Như trên;" … "- Lưu: VT, VP.". */
  recipients: string[];
  /** Files sent with it ("gửi kèm theo"), listed after the body when present. */
  attachments?: { name: string }[];
}

/** A unit of the issuer's chain: root first, the issuer last. */
export interface ChainUnit {
  name: string;
  symbol: string;
  kind: UnitKind;
}

/** What the document is built from: the directive's record, its issuer's chain and its addressees' names. */
export interface DocumentRecord {
  type: DocType;
  content: DirectiveContent;
  /** Set once signed (or for a document received with its number). */
  symbol: string | null;
  signedAt: Date | string | null;
  signer: { authority: string | null; position: string | null; name: string | null } | null;
  issuerChain: ChainUnit[];
  /** The names of the units a directive addressed by listing them (`addressees.mode = 'units'`). */
  addresseeNames?: string[];
  /** A draft's year (its date is left blank but for the year): now, when not given. */
  now?: Date;
}

const upper = (s: string) => normalizeText(s).toLocaleUpperCase('vi-VN');
const two = (n: number) => String(n).padStart(2, '0');

/** "ngày 05 tháng 3 năm 2026": days below 10 and the months January and February take a leading zero (appendix I). */
export function vietnameseDate(at: Date | string): string {
  const d = DateTime.fromJSDate(typeof at === 'string' ? new Date(at) : at, { zone: VN_ZONE });
  const month = d.month < 3 ? two(d.month) : String(d.month);
  return `ngày ${two(d.day)} tháng ${month} năm ${d.year}`;
}

/** The signing block's lines: the authority (TM., KT., Q., TL., TUQ. …) above the position, as the record has them. */
export function signingLines(authority: string | null, position: string | null): string[] {
  return [authority, position].map((s) => (s ? upper(s) : '')).filter((s) => s.length > 0);
}

/** "812/LĐLĐ, ngày 23/4/2020 của Ban Thường vụ LĐLĐ tỉnh Tây Ninh". */
function basisRef(ref: NonNullable<DirectiveContent['implements']>[number]): string | null {
  if (!ref.code) return null;
  let s = `văn bản số ${ref.code}`;
  if (ref.date && /^\d{4}-\d{2}-\d{2}$/.test(ref.date)) {
    const [y, m, d] = ref.date.split('-').map(Number);
    s += `, ngày ${d}/${m}/${y}`;
  }
  if (ref.issuerName) s += ` của ${normalizeText(ref.issuerName)}`;
  return s;
}

const paragraphs = (text: string | undefined) =>
  (text ?? '')
    .split(/\r?\n/)
    .map(normalizeText)
    .filter((line) => line.length > 0);

/** The end mark of a document's content (appendix I). */
const END_MARK = './.';

/** The official document of a directive, from its record: what both renderers print. */
export function officialDocumentOf(record: DocumentRecord): OfficialDocument {
  const { content, type } = record;
  const chain = record.issuerChain;
  const issuer = chain[chain.length - 1];
  if (!issuer) throw new Error('officialDocumentOf: the issuer chain is empty');
  const party = isPartyBody(chain.map((u) => u.kind));
  const parent = chain.length > 1 ? chain[chain.length - 2] : null;
  const congVan = type === 'CV';

  const symbol =
    record.symbol ?? formatSymbol(0, type, issuer.symbol, issuer.kind, party).replace(/^0/, '     ');
  const numberLine = party ? `Số ${symbol}` : `Số: ${symbol}`;
  const place = content.place ? normalizeText(content.place) : null;
  const year = DateTime.fromJSDate(record.now ?? new Date(), { zone: VN_ZONE }).year;
  const date = record.signedAt ? vietnameseDate(record.signedAt) : `ngày      tháng      năm ${year}`;
  const placeDateLine = place ? `${place}, ${date}` : date.charAt(0).toUpperCase() + date.slice(1);

  // a document received from outside may lack parts a draft always has
  let subject = normalizeText(content.subject ?? '');
  if (congVan && !/^v\/v\b/iu.test(subject)) subject = `V/v ${subject}`;

  const named =
    content.addressees?.mode === 'units' && record.addresseeNames?.length
      ? record.addresseeNames.map(normalizeText)
      : ['Các đơn vị trực thuộc'];

  const basis = paragraphs(content.body);
  if (!basis.length) {
    const refs = (content.implements ?? []).map(basisRef).filter((s): s is string => s !== null);
    if (refs.length)
      basis.push(
        `Thực hiện ${refs.join('; ')}, ${normalizeText(issuer.name)} đề nghị các đơn vị thực hiện một số nội dung sau:`,
      );
  }
  const tasks = (content.tasks ?? []).map(normalizeText).filter((t) => t.length > 0);
  let closing: string | null = null;
  if (tasks.length) closing = `Đề nghị các đơn vị triển khai thực hiện${END_MARK}`;
  else if (basis.length && !basis[basis.length - 1].endsWith(END_MARK))
    basis[basis.length - 1] = basis[basis.length - 1].replace(/[.;:,]?$/, END_MARK);

  const recipients = congVan ? ['- Như trên;'] : named.map((n) => `- ${n};`);
  const filed: string[] = [];
  for (const r of content.copyRecipients ?? []) {
    const name = normalizeText(r.name);
    if (r.role === 'filed') filed.push(name);
    else recipients.push(`- ${name}${r.role === 'report' ? ' (b/c)' : ''};`);
  }
  // Lưu: VT (the secretariat's copy) first, then the issuer's other filed copies.
  const lưu = ['VT', ...filed.filter((f) => f.toUpperCase() !== 'VT')];
  recipients.push(`- Lưu: ${lưu.join(', ')}.`);

  return {
    party,
    parentBody: parent ? upper(parent.name) : null,
    issuingBody: upper(issuer.name),
    numberLine,
    placeDateLine,
    typeName: congVan ? null : upper(DOC_TYPES[type]),
    subject,
    addressees: congVan ? named : [],
    basis,
    tasks,
    closing,
    signer: {
      lines: signingLines(record.signer?.authority ?? null, record.signer?.position ?? null),
      name: record.signer?.name ? normalizeText(record.signer.name) : null,
    },
    recipients,
    ...(content.attachments?.length
      ? { attachments: content.attachments.map((a) => ({ name: normalizeText(a.name) })) }
      : {}),
  };
}

/** "Kính gửi: X." for one addressee, else a list under "Kính gửi:". */
export function addresseeLines(addressees: string[]): string[] {
  if (addressees.length === 1) return [`Kính gửi: ${addressees[0].replace(/[.;]?$/, '.')}`];
  return [
    'Kính gửi:',
    ...addressees.map((a, i) => `- ${a.replace(/[.;]?$/, i === addressees.length - 1 ? '.' : ';')}`),
  ];
}

/** A Vietnamese-safe file name: "136-KH-LĐLĐ.pdf" (a draft: "du-thao-<id>.pdf"), for Content-Disposition. */
export function documentFileName(symbol: string | null, id: string, ext: 'pdf' | 'docx'): string {
  const base = symbol ? normalizeText(symbol).replace(/[/\\\s]+/g, '-') : `du-thao-${id}`;
  return `${base.replace(/[^\p{L}\p{N}._-]/gu, '')}.${ext}`;
}
