import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { DocumentInputError, EDXML_STATUS, readEdxml, type EdxmlMessage } from '@cascade/documents';

/** The largest message `cascade edxml read` reads (the reader's own limit, attachments inline). */
const MAX_EDXML_BYTES = 30 * 1024 * 1024;

/** A message as printed: attachments by name, type, size and SHA-256 (their bytes are not printed). */
export function printableEdxml(message: EdxmlMessage): unknown {
  if (message.kind === 'status') return message;
  const { attachments, ...document } = message.document;
  return {
    kind: 'document',
    document: {
      ...document,
      attachments: (attachments ?? []).map((a) => ({
        name: a.name,
        contentType: a.contentType,
        description: a.description ?? null,
        size: a.bytes.length,
        sha256: createHash('sha256').update(a.bytes).digest('hex'),
      })),
    },
  };
}

function summary(message: EdxmlMessage): string {
  if (message.kind === 'status') {
    const s = message.status;
    return [
      `status ${s.statusCode} (${EDXML_STATUS[s.statusCode]}): ${s.description}`,
      `from: ${s.from.organId} ${s.from.organName}`,
      `answers: ${s.responseFor.documentId} (${s.responseFor.code}, ${s.responseFor.promulgationDate})`,
      `at: ${s.timestamp}${s.staff?.name ? ` by ${s.staff.name}${s.staff.department ? `, ${s.staff.department}` : ''}` : ''}`,
    ].join('\n');
  }
  const d = message.document;
  return [
    `document ${d.code.number}/${d.code.notation} of ${d.promulgation.date}: ${d.subject}`,
    `id: ${d.documentId}`,
    `from: ${d.from.organId} ${d.from.organName}`,
    ...d.to.map((t) => `to: ${t.organId} ${t.organName}`),
    `signed: ${[d.signer.competence, d.signer.position, d.signer.fullName].filter(Boolean).join(' / ') || '—'}`,
    ...(d.attachments ?? []).map((a) => `attachment: ${a.name} (${a.contentType}, ${a.bytes.length} bytes)`),
  ].join('\n');
}

/**
 * `cascade edxml read FILE [--json]`: what an edXML message says, document or status; needs no database. Answers the
 * exit code (0 read, 2 unreadable) and the text to print, or throws the usage error's message.
 */
export function edxmlRead(args: string[]): { code: number; out: string } {
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) return { code: 2, out: 'usage: cascade edxml read <file> [--json]' };
  let xml: string;
  try {
    if (statSync(file).size > MAX_EDXML_BYTES) return { code: 2, out: `${file}: larger than 30 MB` };
    xml = readFileSync(file, 'utf8');
  } catch (e) {
    return { code: 2, out: `${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    const message = readEdxml(xml.replace(/^\uFEFF/, ''), file);
    return {
      code: 0,
      out: args.includes('--json') ? JSON.stringify(printableEdxml(message), null, 2) : summary(message),
    };
  } catch (e) {
    if (e instanceof DocumentInputError)
      return { code: 2, out: `${file}: ${e.code} at ${e.field}: ${e.message}` };
    throw e;
  }
}
