/**
 * Signing authority prefixes as documents print them (Decree 30/2020, art. 13): `T/M`, `TM`, `T.M.`, `K/T`, `Q`,
 * `T/L`, `T.U.Q` … in any case and spacing, read as the canonical `TM.`, `KT.`, `Q.`, `TL.`, `TUQ.`
 * (AUTHORITY_PREFIXES). Pure.
 */
import { AUTHORITY_PREFIXES } from '../organisation';

export type AuthorityPrefix = (typeof AUTHORITY_PREFIXES)[number];

export interface Authority {
  /** The canonical prefix: "TM.", "KT.", "Q.", "TL.", "TUQ.". */
  prefix: AuthorityPrefix;
  /** The body or head it names: "BAN THƯỜNG VỤ", "CHỦ TỊCH". */
  of: string;
  /** Canonical: "TM. BAN THƯỜNG VỤ". */
  text: string;
}

// the letters of each prefix, with or without dots, slashes and spaces between them; the longest first
const LETTERS: [string, AuthorityPrefix][] = [
  ['TUQ', 'TUQ.'],
  ['TM', 'TM.'],
  ['KT', 'KT.'],
  ['TL', 'TL.'],
  ['Q', 'Q.'],
];
const BETWEEN = String.raw`\s*[./]?\s*`;
// a prefix is set apart from the name by a dot, a slash or a space: "QUYẾT ĐỊNH" is not "Q. UYẾT ĐỊNH", "TLĐ" not "TL. Đ"
const PREFIX = new RegExp(
  String.raw`^\s*(${LETTERS.map(([l]) => l.split('').join(BETWEEN)).join('|')})(?:\s*[./]\s*|\s+)(?=\p{L})`,
  'iu',
);

/** The authority at the start of `line` and the body it names, or null. */
export function parseAuthority(line: string): Authority | null {
  const s = line.normalize('NFC');
  const m = PREFIX.exec(s);
  if (!m) return null;
  const letters = m[1].replace(/[\s./]/g, '').toUpperCase();
  const prefix = LETTERS.find(([l]) => l === letters)?.[1];
  const of = s.slice(m[0].length).replace(/\s+/g, ' ').trim();
  if (!prefix || !of) return null;
  return { prefix, of, text: `${prefix} ${of}` };
}

/** The canonical form of an authority string ("T/M BAN THƯỜNG VỤ" → "TM. BAN THƯỜNG VỤ"), or null when it has none. */
export function canonicalAuthority(value: string): string | null {
  return parseAuthority(value)?.text ?? null;
}

/**
 * A stacked signing block ("TL. BỘ TRƯỞNG" / "KT. CỤC TRƯỞNG" / "PHÓ CỤC TRƯỞNG"): the authorities of its first lines,
 * in order, and the index of the first line that is not one (the position).
 */
export function parseAuthorityStack(lines: readonly string[]): { authorities: Authority[]; next: number } {
  const authorities: Authority[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const a = parseAuthority(lines[i]);
    if (!a) break;
    authorities.push(a);
  }
  return { authorities, next: i };
}
