/** The reporting requirement: the sentence that asks for a report, its schedule, and where the report goes. */
import { foldVietnamese } from '@cascade/domain';
import { BULLET, collapse, dateIn, isoDate, part, type Line } from './text';
import type { ParsedPhase, ParsedSchedule, Part, ReportingRequirement, ReportingTarget } from './types';

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
  const periodic = periodicIn(f);
  if (periodic) return periodic;
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

const WEEKDAYS: [RegExp, number][] = [
  [/thu (hai|2)\b/, 1],
  [/thu (ba|3)\b/, 2],
  [/thu (tu|4)\b/, 3],
  [/thu (nam|5)\b/, 4],
  [/thu (sau|6)\b/, 5],
  [/thu (bay|7)\b/, 6],
  [/chu nhat\b/, 7],
];

/** "hằng tuần", "hằng tháng", "hằng quý", "6 tháng", "hằng năm", "báo cáo năm" (not "năm 2020"): the period, and its day. */
function periodicIn(f: string): ParsedSchedule | null {
  const m =
    /(?:hang|moi|dinh ky|dinh ki)\s+(tuan|thang|quy|nam)\b|(?:^|\s)(6|sau)\s+thang\b|bao cao\s+(?:so ket\s+|tong ket\s+)?(quy|nam)\b(?!\s*\d)/.exec(
      f,
    );
  if (!m) return null;
  const word = m[1] ?? m[3];
  const every =
    word === 'tuan'
      ? 'week'
      : word === 'thang'
        ? 'month'
        : word === 'quy'
          ? 'quarter'
          : word === 'nam'
            ? 'year'
            : 'half-year';
  if (every === 'week') {
    const wd = WEEKDAYS.find(([re]) => re.test(f));
    if (wd)
      return {
        kind: 'periodic',
        every,
        rule: /truoc\s+(?:\d{1,2}\s*(?:gio|h)\S*\s+)?(?:ngay\s+)?thu|truoc\s+chu nhat/.test(f)
          ? 'before'
          : 'on',
        day: wd[1],
      };
    return { kind: 'periodic', every };
  }
  const day = /(truoc|vao)\s+ngay\s+(\d{1,2})(?!\s*[./-]\s*\d)/.exec(f);
  return day
    ? { kind: 'periodic', every, rule: day[1] === 'truoc' ? 'before' : 'on', day: Number(day[2]) }
    : { kind: 'periodic', every };
}

const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}/;

/** "Giao Ban Tuyên giáo … tổng hợp, báo cáo A và B": the department given the aggregation, and where it goes. */
function aggregation(s: string): ReportingTarget[] {
  const m =
    /(?:^|\s)[Gg]iao\s+(.+?)\s+(?:chủ trì|theo dõi|tổng hợp|có trách nhiệm|phối hợp)[\s\S]*?tổng hợp,?\s+báo cáo\s+(?:về\s+)?(.+?)(?=\s*(?:\(|[.;]\s|\.\/\.|\.$|$))/u.exec(
      s,
    );
  if (!m) return [];
  const dept = organAt(m[1]);
  const to = splitOrgans(m[2]);
  if (!dept || !to.length) return [];
  return [{ name: dept, role: 'aggregator' }, ...to.map((name) => ({ name, role: 'aggregate' as const }))];
}

/** "Đợt 1: từ ngày 01/3/2024 đến ngày 15/3/2024", …, "Đợt 4: Sau Đại hội" (no date given: null). */
export function findPhases(lines: Line[], from: number, to: number, issued: string | null): ParsedPhase[] {
  const out: ParsedPhase[] = [];
  const year = issued ? Number(issued.slice(0, 4)) : null;
  const day = (s: string | undefined): string | null => {
    if (!s) return null;
    const full = dateIn(/tháng/u.test(s) ? `ngày ${s.replace(/^ngày\s*/u, '')}` : s);
    if (full) return full;
    const short = /(\d{1,2})\s*[./-]\s*(\d{1,2})(?!\s*[./-]\s*\d)/.exec(s);
    return short && year ? isoDate(Number(short[1]), Number(short[2]), year) : null;
  };
  const DATE = String.raw`(\d{1,2}\s*[./-]\s*\d{1,2}(?:\s*[./-]\s*\d{4})?|\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?)`;
  const FROM = new RegExp(String.raw`[Tt]ừ\s+(?:ngày\s+)?${DATE}`, 'u');
  const UNTIL = new RegExp(String.raw`(?:đến|tới)\s+(?:hết\s+)?(?:ngày\s+)?${DATE}`, 'u');
  for (let i = from; i < to; i++) {
    const l = lines[i];
    const m = /^(?:[-+•]\s*)?(Đợt\s+(?:\d{1,2}|[IVX]{1,4}))\s*[:.\-–)]?\s*(.*)$/u.exec(l.t);
    if (!m) continue;
    const name = collapse(m[1]);
    if (out.some((p) => p.name === name)) continue;
    const rest = m[2];
    out.push({
      name,
      opens: day(FROM.exec(rest)?.[1]),
      closes: day(UNTIL.exec(rest)?.[1]),
      text: collapse(l.t),
    });
  }
  return out.length >= 2 ? out : [];
}

export function findReporting(
  lines: Line[],
  from: number,
  to: number,
  issued: string | null,
): Part<ReportingRequirement> | null {
  const found = findRequirement(lines, from, to, issued);
  const phases = findPhases(lines, from, to, issued);
  if (found) found.value.phases = phases;
  return found;
}

function findRequirement(
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
      // an e-mail in the sentence is where the report goes: the target's address, or the target when no unit is named
      const email = EMAIL.exec(s)?.[0];
      if (email) {
        const to = targets.find((t) => t.role === 'to');
        if (to) to.email = email;
        else if (/(?:gửi|về)\s+(?:qua\s+)?(?:địa chỉ\s+)?(?:hộp thư\s+)?(?:thư điện tử|e-?mail)/iu.test(s))
          targets.unshift({ name: email, role: 'to', email });
      }
      // "Giao Ban … tổng hợp, báo cáo A và B" in the sentences after it, on the same line
      for (const t of aggregation(l.t.slice(m.index + s.length)))
        if (!targets.some((x) => x.name === t.name && x.role === t.role)) targets.push(t);
      const score = (schedule ? 2 : 0) + (targets.length ? 1 : 0);
      if (!score) continue;
      const start = l.start + m.index;
      const candidate = part<ReportingRequirement>(
        { sentence: collapse(s.replace(BULLET, '')), schedule, targets, phases: [] },
        { start, end: start + s.trimEnd().length },
        score === 3 ? 0.85 : 0.65,
      );
      if (!best || score > best.score) best = { score, part: candidate };
      if (score === 3) return candidate;
    }
  }
  return best?.part ?? null;
}
