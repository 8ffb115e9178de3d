import type { ImportView, ParsedSchedule } from './parse';

const ordinal = (n: number) =>
  `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;

/** A schedule in words: "monthly, before the 15th, from 2020-01". */
export function describeSchedule(s: ParsedSchedule | null): string {
  if (!s) return 'no schedule stated';
  switch (s.kind) {
    case 'monthly':
      return [
        `monthly, ${s.rule === 'before' ? 'before' : 'on'} the ${ordinal(s.day)}`,
        s.from && `from ${s.from}`,
        s.until && `until ${s.until}`,
      ]
        .filter(Boolean)
        .join(', ');
    case 'dates':
      return `by ${s.dates.join(', ')}`;
    case 'periodic':
      return s.day
        ? `every ${s.every}, ${s.rule === 'before' ? 'before' : 'on'} the ${ordinal(s.day)}`
        : `every ${s.every}`;
    case 'adhoc':
      return 'as things happen (kịp thời)';
  }
}

/** What `cascade import FILE` prints without --json: each part, or "—" where the text has none. */
export function importSummary(v: ImportView): string {
  const out: string[] = [];
  const line = (label: string, value: string | null | undefined) =>
    out.push(`${label.padEnd(12)}${value ?? '—'}`);
  const list = (label: string, items: string[]) => {
    if (!items.length) return line(label, null);
    items.forEach((item, i) => out.push(`${(i ? '' : label).padEnd(12)}- ${item.split('\n')[0]}`));
  };
  line(
    'code',
    v.code
      ? `${v.code} (number ${v.codeNumber}, notation ${v.codeNotation})`
      : v.codeNotation && `— (notation ${v.codeNotation}, number left blank)`,
  );
  line('type', v.documentType && `${v.documentType}${v.documentTypeCode ? ` (${v.documentTypeCode})` : ''}`);
  line('subject', v.subject);
  line('place', v.place);
  line('date', v.issuedDate);
  line('issuer', v.issuerName);
  line('parent body', v.parentBodyName);
  line('header', v.header?.text);
  list('addressees', v.addressees);
  list(
    'implements',
    v.basis.map((b) =>
      [b.type, b.code, b.date && `of ${b.date}`, b.issuerName && `by ${b.issuerName}`]
        .filter(Boolean)
        .join(' '),
    ),
  );
  list(
    'tasks',
    v.tasks.map((t, i) => `${i + 1}. ${t}`),
  );
  line(
    'reporting',
    v.reporting &&
      `${describeSchedule(v.reporting.schedule)}${v.reporting.routes.length ? ` → ${v.reporting.routes.map((r) => (r.role === 'to' ? r.name : `${r.role} ${r.name}`)).join(', ')}` : ''}`,
  );
  line('e-mails', v.contacts.emails.join(', ') || null);
  line('phones', v.contacts.phones.join(', ') || null);
  list(
    'recipients',
    v.recipients.map((r) => `${r.name} (${r.role})`),
  );
  line(
    'signer',
    v.signer && [v.signer.competence, v.signer.position, v.signer.fullName].filter(Boolean).join(' / '),
  );
  line('missing', v.missing.join(', ') || 'nothing');
  return out.join('\n');
}
