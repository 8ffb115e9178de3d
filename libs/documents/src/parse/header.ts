/** The header: national motto or Party header, the bodies, number and symbol, place and date, type and subject. */
import { foldVietnamese } from '@cascade/domain';
import {
  collapse,
  isBodyStart,
  isDecoration,
  isMotto,
  isMotto2,
  isOrganStart,
  isParty,
  isoDate,
  isUpper,
  keepFold,
  MARK,
  nextNonEmpty,
  NUMBER_LINE,
  NUMBERED,
  part,
  PLACE,
  PLACE_DATE,
  span,
  TYPE_BY_ABBREV,
  typeOfTitle,
  type Line,
} from './text';
import type { DocumentCode, DocumentTypeValue, Part } from './types';

const NUMBER_BLANK = /^Số\s*[:.]?[\s._…]*[/-]\s*(\p{L}[\p{L}\d.\-/]{0,40}[\p{L}\d])\s*$/u;
const PLACE_ONLY = new RegExp(String.raw`^(${PLACE})\s*,\s*ngày\b`, 'u');
const DATE_THEN_MORE = new RegExp(
  String.raw`^(?:(${PLACE})\s*,\s*)?(?:[Nn]gày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})|[Nn]gày\s*(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4}))(?=\s|$)`,
  'u',
);
const SUBJECT_START = /(?:^|\s)(V\/v|Về việc|V\/V|VỀ VIỆC)\s*[:.]?\s*/u;
/** The line after a decision's subject that names who decides ("ỦY BAN NHÂN DÂN TỈNH KON TUM"), then its grounds. */
const GROUNDS = /^(can cu|thuc hien|xet de nghi|theo de nghi)\b/;

export function findMarks(lines: Line[], from: number, to: number): Part<string>[] {
  const out: Part<string>[] = [];
  for (let i = Math.max(0, from); i < Math.min(to, lines.length); i++)
    if (lines[i].t && MARK.test(lines[i].t)) out.push(part(collapse(lines[i].t), span(lines[i]), 0.95));
  return out;
}

export function findCode(lines: Line[], limit: number): { part: Part<DocumentCode>; line: number } | null {
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
    // an en or em dash is printed for the hyphen ("1313–CV/ĐUK"): the code is written with the hyphen
    const notation = m[3].replace(/[–—]/g, '-');
    const code = `${m[1]}${m[2] === '/' ? '/' : '-'}${notation}`;
    const start = lines[i].start + m.index;
    return {
      part: part({ code, number: Number(m[1]), notation }, { start, end: start + m[0].length }, 0.97),
      line: i,
    };
  }
  return null;
}

export function findPlaceDate(
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
      // after a number on a flattened line the date may be followed by the subject ("Ngày 07-9-2015 V/v …")
      const m = PLACE_DATE.exec(s) ?? (offset ? DATE_THEN_MORE.exec(s) : null);
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

export function findHeader(
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

export function findBodies(
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
    if (skip.has(i) || isMotto(l.f) || isMotto2(l.f) || isParty(l.f) || MARK.test(l.t)) {
      inRun = false;
      continue;
    }
    const title = typeOfTitle(l.f);
    if (i > anchor && title && isUpper(l.t.slice(0, title[2].length))) break;
    // the subject ("VỀ VIỆC …") ends the header: who decides is named after it, not a body of the header
    if (i > anchor && /^(v\/v|ve viec)\b/.test(l.f)) break;
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

export function findTypeAndSubject(
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
    if (!l.t || MARK.test(l.t)) continue;
    if (/^kinh gui\b/.test(l.f) || /^(thuc hien|can cu)\b/.test(l.f) || NUMBERED.test(l.t)) break;
    // "V/v …" on its own line, or after the number and date of a flattened header ("Số 924/SNV-CCHC Ngày … V/v …")
    const vv = SUBJECT_START.exec(l.t);
    if (vv && (vv.index === 0 || NUMBER_LINE.test(l.t))) {
      const at = vv.index + (vv[0].length - vv[0].trimStart().length);
      const { text, last } = subjectLines(lines, i, l.t.slice(at));
      subject = part(text, { start: l.start + at, end: lines[last].end }, 0.9);
      end = last + 1;
      break;
    }
    if (skip.has(i)) continue;
    const t = typeOfTitle(l.f);
    const titleText = t ? l.t.slice(0, t[2].length) : '';
    if (t && isUpper(titleText)) {
      type = part({ code: t[1], name: t[2], from: 'title' }, span(l), 0.95);
      const rest = collapse(l.t.slice(t[2].length));
      const j = nextNonEmpty(lines, i + 1);
      if (rest) {
        subject = part(rest, span(l), 0.85);
        end = i + 1;
      } else if (j >= 0 && j <= i + 2 && (!isBodyStart(lines[j]) || /^(v\/v|ve viec)\b/.test(lines[j].f))) {
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
    // a legal document's notation starts with its year ("2013/QĐ-UBND")
    const head = foldVietnamese(notation.replace(/^\d{4}\//, '').split(/[-/]/)[0]).toUpperCase();
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
    if (PLACE_DATE.test(l.t) || NUMBER_LINE.test(l.t) || MARK.test(l.t)) break;
    // a section heading ("Phần thứ nhất", "Chương I"), or a change of case, is the text, not the subject
    if (/^(phan thu|chuong\s+[ivx\d]|muc\s+[ivx\d])/.test(l.f)) break;
    if (isUpper(l.t) !== isUpper(parts[parts.length - 1])) break;
    // who decides ("ỦY BAN NHÂN DÂN TỈNH …", "CHỦ TỊCH …"), just before the grounds ("Căn cứ …")
    const n = nextNonEmpty(lines, i + 1);
    if (isUpper(l.t) && n >= 0 && GROUNDS.test(lines[n].f)) break;
    if (i > last + 1 && l.t.length > 150) break;
    parts.push(l.t);
    last = i;
  }
  return { text: collapse(parts.join(' ')), last };
}
