/** The import contract: the parsed document as `cascade import --json` and `POST /directives/import` show it. */
import type {
  BasisRef,
  ParsedDocument,
  ParsedPhase,
  ParsedSchedule,
  Part,
  Recipient,
  ReportingTarget,
} from './types';

/** What `cascade import --json` prints and `POST /directives/import` returns as `parsed`. */
export interface ImportView {
  code: string | null;
  codeNumber: number | null;
  codeNotation: string | null;
  documentType: string | null;
  documentTypeCode: string | null;
  subject: string | null;
  place: string | null;
  issuedDate: string | null;
  issuerName: string | null;
  parentBodyName: string | null;
  header: { kind: 'national' | 'party'; text: string } | null;
  addressees: string[];
  basis: BasisRef[];
  tasks: string[];
  /** KHẨN, HỎA TỐC, MẬT… as printed above the subject. */
  marks: string[];
  reporting: {
    schedule: ParsedSchedule | null;
    targets: string[];
    routes: ReportingTarget[];
    phases: ParsedPhase[];
    sentence: string;
  } | null;
  contacts: { emails: string[]; phones: string[] };
  recipients: Recipient[];
  signer: {
    competence: string | null;
    position: string | null;
    fullName: string | null;
    signedMark: boolean;
  } | null;
  missing: string[];
  /** Per key: the span of text it came from and the confidence (lists: one entry per item). */
  sources: Record<string, { start: number; end: number; confidence: number; text: string }[]>;
}

export const IMPORT_KEYS = [
  'code',
  'codeNumber',
  'codeNotation',
  'documentType',
  'subject',
  'place',
  'issuedDate',
  'issuerName',
  'parentBodyName',
  'addressees',
  'basis',
  'tasks',
  'reporting',
  'contacts',
  'recipients',
  'signer',
] as const;

export function importView(doc: ParsedDocument): ImportView {
  const src = (p: Part<unknown> | null) =>
    p ? [{ ...p.span, confidence: p.confidence, text: doc.text.slice(p.span.start, p.span.end) }] : [];
  const srcs = (ps: Part<unknown>[]) => ps.flatMap(src);
  const view: ImportView = {
    code: doc.code?.value.code ?? null,
    codeNumber: doc.code?.value.number ?? null,
    codeNotation: doc.code?.value.notation ?? null,
    documentType: doc.documentType?.value.name ?? null,
    documentTypeCode: doc.documentType?.value.code ?? null,
    subject: doc.subject?.value ?? null,
    place: doc.place?.value ?? null,
    issuedDate: doc.issuedDate?.value ?? null,
    issuerName: doc.issuer?.value ?? null,
    parentBodyName: doc.parentBody?.value ?? null,
    header: doc.header?.value ?? null,
    addressees: doc.addressees.map((p) => p.value),
    basis: doc.basis.map((p) => p.value),
    tasks: doc.tasks.map((p) => p.value),
    marks: doc.marks.map((p) => p.value),
    reporting: doc.reporting
      ? {
          schedule: doc.reporting.value.schedule,
          targets: doc.reporting.value.targets.map((t) => t.name),
          routes: doc.reporting.value.targets,
          phases: doc.reporting.value.phases,
          sentence: doc.reporting.value.sentence,
        }
      : null,
    contacts: { emails: doc.emails.map((p) => p.value), phones: doc.phones.map((p) => p.value) },
    recipients: doc.recipients.map((p) => p.value),
    signer: doc.signer
      ? {
          competence: doc.signer.value.competence,
          position: doc.signer.value.position,
          fullName: doc.signer.value.fullName,
          signedMark: doc.signer.value.signedMark,
        }
      : null,
    missing: [],
    sources: {
      code: src(doc.code),
      documentType: src(doc.documentType),
      subject: src(doc.subject),
      place: src(doc.place),
      issuedDate: src(doc.issuedDate),
      issuerName: src(doc.issuer),
      parentBodyName: src(doc.parentBody),
      header: src(doc.header),
      addressees: srcs(doc.addressees),
      basis: srcs(doc.basis),
      tasks: srcs(doc.tasks),
      marks: srcs(doc.marks),
      reporting: src(doc.reporting),
      emails: srcs(doc.emails),
      phones: srcs(doc.phones),
      recipients: srcs(doc.recipients),
      signer: src(doc.signer),
    },
  };
  view.missing = missingKeys(view);
  return view;
}

/** The import contract's keys whose part is absent (null, an empty list, no e-mail and no phone). */
export function missingKeys(view: ImportView): string[] {
  const empty = (v: unknown) =>
    v === null ||
    (Array.isArray(v) && !v.length) ||
    (typeof v === 'object' &&
      v !== null &&
      'emails' in v &&
      !(v as ImportView['contacts']).emails.length &&
      !(v as ImportView['contacts']).phones.length);
  return IMPORT_KEYS.filter((k) => empty(view[k]));
}

/** True when the text holds nothing of a directive: no number, date, type, subject, addressees, tasks or signer. */
export function looksLikeDirective(view: ImportView): boolean {
  const parts = [
    view.code,
    view.issuedDate,
    view.documentType,
    view.subject,
    view.signer?.fullName ?? null,
  ].filter((x) => x !== null).length;
  return (
    parts + (view.addressees.length ? 1 : 0) + (view.tasks.length ? 1 : 0) + (view.basis.length ? 1 : 0) >= 2
  );
}
