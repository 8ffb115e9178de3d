/** "Nơi nhận": who receives a copy, and in which role. */
import { foldVietnamese } from '@cascade/domain';
import { BULLET, cleanItem, collapse, part, span, type Line } from './text';
import type { Part, Recipient, Span } from './types';

export function findRecipients(lines: Line[]): { parts: Part<Recipient>[]; line: number; end: number } {
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
