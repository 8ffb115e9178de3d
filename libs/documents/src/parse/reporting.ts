/** The reporting requirement: the sentence that asks for a report, its schedule, and where the report goes. */
import { foldVietnamese } from '@cascade/domain';
import { BULLET, collapse, isoDate, part, type Line } from './text';
import type { ParsedSchedule, Part, ReportingRequirement, ReportingTarget } from './types';

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

export function findReporting(
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
