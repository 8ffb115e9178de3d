/** The signing block: the authority prefix (TM., KT., …), the position, the "đã ký" mark and the signer's name. */
import { parseAuthority, type Authority } from '@cascade/domain';
import { collapse, isOrganStart, isUpper, part, span, type Line } from './text';
import type { Part, Signer } from './types';

/** An authority line of the signing block: a prefix (any printed variant) and an upper-case name. */
const authorityOf = (t: string): Authority | null => {
  const a = parseAuthority(t);
  return a && isUpper(a.of) && /^\p{Lu}/u.test(a.of) ? a : null;
};
const SIGNED_MARK = /^\(?\s*(?:đã ký|ký|đã ký và đóng dấu|ký tên(?:,? đóng dấu)?|signed)\s*\)?\.?$/iu;
const NAME_WORD = /^\p{Lu}[\p{Ll}]*$/u;
const POSITION_WORDS =
  /\b(CHỦ TỊCH|BÍ THƯ|GIÁM ĐỐC|TRƯỞNG BAN|TRƯỞNG PHÒNG|CHÁNH VĂN PHÒNG|HIỆU TRƯỞNG|CHỦ NHIỆM|THỦ TRƯỞNG|TỔNG GIÁM ĐỐC|CỤC TRƯỞNG|VIỆN TRƯỞNG|THƯỜNG TRỰC|PHÓ)\b/u;

export function findSigner(lines: Line[], from: number): Part<Signer> | null {
  let at = -1;
  const stack: Authority[] = [];
  for (let i = lines.length - 1; i >= from; i--) {
    const x = authorityOf(lines[i].t);
    if (x) {
      at = i;
      stack.push(x);
      break;
    }
  }
  let positionFrom = at + 1;
  // a stacked block ("TL. BỘ TRƯỞNG" / "KT. CỤC TRƯỞNG" / "PHÓ CỤC TRƯỞNG"): the authorities above it, outermost first
  for (let i = at - 1; at >= 0 && i >= from; i--) {
    if (!lines[i].t) continue;
    const x = authorityOf(lines[i].t);
    if (!x) break;
    stack.unshift(x);
    at = i;
  }
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
  const first = stack[0];
  const authority = first ? (first.prefix.slice(0, -1) as Signer['authority']) : null;
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
    competence: stack.length ? stack.map((a) => a.text).join(' / ') : null,
    authority,
    authorityOf: first ? first.of : null,
    authorities: stack.map((a) => a.text),
    position: position.length ? position.join(' ') : null,
    signedMark,
    fullName,
  };
  return part(signer, span(lines[at], last), fullName && signer.position ? 0.9 : 0.6);
}
