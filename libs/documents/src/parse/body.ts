/** The body: the documents it implements ("Thực hiện", "Căn cứ"), the numbered tasks, and the contacts. */
import { BULLET, collapse, dateIn, isUpper, NUMBERED, part, ROMAN, span, type Line } from './text';
import type { BasisRef, Part } from './types';

const REF_TYPES =
  'Kế hoạch|Công văn|Hướng dẫn|Chỉ thị|Thông báo|Quyết định|Nghị quyết|Báo cáo|Kết luận|Quy định|Chương trình|Thông tri|Nghị định|Thông tư|Tờ trình|Công điện|Quy chế|Đề án|Văn bản|Điều lệ';
const REF = new RegExp(
  String.raw`(${REF_TYPES})\s+(?:số\s*:?\s*)?(\d{1,6} ?[-–/] ?[\p{L}\d.\-–/]{0,40}\p{L}[\p{L}\d]{0,20})\s*,?\s*(?:(?:ngày|ban hành ngày)\s*)?(\d{1,2}\s*[./-]\s*\d{1,2}\s*[./-]\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})?`,
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
        // As printed, "812 /LĐLĐ" or "37 – KH/BTCTU", the symbol is one: "812/LĐLĐ", "37-KH/BTCTU".
        { type, code: m[2].replace(/ ?([-–/]) ?/gu, '$1').replace(/–/gu, '-'), date, issuerName },
        { start: offset + m.index, end: offset + end },
        date && issuerName ? confidence : confidence - 0.15,
      ),
    );
  }
  return out;
}

export function findBasis(lines: Line[], from: number): { parts: Part<BasisRef>[]; end: number } {
  const out: Part<BasisRef>[] = [];
  let end = from;
  let seen = 0;
  for (let i = from; i < lines.length && (seen < 3 || end > from); i++) {
    const l = lines[i];
    if (!l.t) continue;
    seen++;
    if (NUMBERED.test(l.t) || ROMAN.test(l.t)) break;
    // the grounds run on, one a line ("Căn cứ …;" "Căn cứ …;"), up to what is not one
    if (!/^(thuc hien|can cu|trien khai|theo)\b/.test(l.f)) {
      if (end > from) break;
      continue;
    }
    out.push(...findReferences(l.t, l.start));
    end = i + 1;
  }
  return { parts: out, end };
}

const CLOSING =
  /^(can cu cac noi dung|can cu noi dung|tren day|de nghi|yeu cau|nhan duoc|noi nhan|lanh dao|trong qua trinh)/;

export function findTasks(lines: Line[], from: number, to: number): Part<string>[] {
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

export function findContacts(text: string): { emails: Part<string>[]; phones: Part<string>[] } {
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
