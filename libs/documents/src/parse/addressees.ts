/** "Kính gửi": the addressees, on the heading's line or listed below it. */
import { BULLET, cleanItem, isBodyStart, nextNonEmpty, part, type Line } from './text';
import type { Part } from './types';

export function findAddressees(
  lines: Line[],
  from: number,
): { parts: Part<string>[]; end: number; line: number } {
  for (let i = from; i < lines.length; i++) {
    const l = lines[i];
    const m = /^Kính\s*gửi\s*[:.]?\s*/iu.exec(l.t);
    if (!m) continue;
    const out: Part<string>[] = [];
    // each name's span is its own piece of the line: a line of 100,000 names must not give each of them the whole
    // line as its source (the answer would repeat the line 100,000 times)
    const push = (text: string, start: number) => {
      const separator = /;\s*|\s+-\s+/g;
      let from = 0;
      for (let m = separator.exec(text); ; m = separator.exec(text)) {
        const to = m ? m.index : text.length;
        const name = cleanItem(text.slice(from, to));
        if (name) out.push(part(name, { start: start + from, end: start + to }, 0.9));
        if (!m) break;
        from = m.index + m[0].length;
      }
    };
    const rest = l.t.slice(m[0].length);
    if (rest.trim()) push(rest, l.start + m[0].length);
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
        push(k.t, k.start);
        last = j;
      } else if (!out.length && k.t.length < 200 && !isBodyStart(k)) {
        push(k.t, k.start);
        last = j;
        break;
      } else break;
    }
    return { parts: out, end: last + 1, line: i };
  }
  return { parts: [], end: from, line: -1 };
}
