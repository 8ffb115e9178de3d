/** The parts the parser reads from a directive's text, each with its span and confidence. */
export interface Span {
  start: number;
  end: number;
}

/** One extracted part: its value, where it came from, and how sure the parser is (0–1). */
export interface Part<T> {
  value: T;
  span: Span;
  confidence: number;
}

export interface DocumentCode {
  /** "136/KH-LĐLĐ", "1023-CV/ĐUK", "72/LĐLĐ"; null when the number is left blank ("Số:    /KH-LĐLĐ", a draft) */
  code: string | null;
  number: number | null;
  /** "KH-LĐLĐ", "CV/ĐUK", "LĐLĐ" */
  notation: string;
}

export interface DocumentTypeValue {
  /** The abbreviation used in numbers (KH, CV, HD, CT, TB, QĐ, BC, NQ, …). */
  code: string;
  /** "Kế hoạch", "Công văn", … */
  name: string;
  /** Where the type was read: the title line, the abbreviation in the number, or a "V/v" subject with no type. */
  from: 'title' | 'notation' | 'subject';
}

export interface BasisRef {
  /** "Công văn", "Kế hoạch", … as written */
  type: string | null;
  code: string;
  /** yyyy-mm-dd */
  date: string | null;
  issuerName: string | null;
}

/**
 * A reporting schedule as read from the text. The monthly, dates and adhoc kinds are the product's own `Schedule`
 * kinds (a monthly one without `from` starts when the directive is dispatched); weekly, quarterly, half-yearly and
 * yearly are reported as `periodic`, for a clerk to turn into dates.
 */
export type ParsedSchedule =
  | { kind: 'monthly'; rule: 'on' | 'before'; day: number; from?: string; until?: string }
  | { kind: 'dates'; dates: string[] }
  | {
      kind: 'periodic';
      period: 'week' | 'quarter' | 'half-year' | 'year';
      rule?: 'on' | 'before';
      day?: number;
    }
  | { kind: 'adhoc' };

export interface ReportingTarget {
  name: string;
  /** to: the report is sent there; aggregate: the receiver aggregates and reports there; via: through this office. */
  role: 'to' | 'aggregate' | 'via';
}

export interface ReportingRequirement {
  /** The sentence that states it. */
  sentence: string;
  schedule: ParsedSchedule | null;
  targets: ReportingTarget[];
}

export interface Recipient {
  name: string;
  /** addressees ("Như trên", "Như kính gửi"), report (b/c: sent up for information), filed ("Lưu"), publish, info. */
  role: 'addressees' | 'report' | 'filed' | 'publish' | 'info';
}

export interface Signer {
  /** "TM. BAN THƯỜNG VỤ", "KT. CHỦ TỊCH" (null when the block has no authority prefix) */
  competence: string | null;
  authority: 'TM' | 'KT' | 'Q' | 'TL' | 'TUQ' | null;
  /** The body or head named by the prefix: "BAN THƯỜNG VỤ", "CHỦ TỊCH". */
  authorityOf: string | null;
  position: string | null;
  /** "đã ký", "(Đã ký)", "(ký)": the copy says it was signed. */
  signedMark: boolean;
  fullName: string | null;
}

export interface ParsedDocument {
  /** The normalized text that every span refers to. */
  text: string;
  header: Part<{ kind: 'national' | 'party'; text: string }> | null;
  parentBody: Part<string> | null;
  issuer: Part<string> | null;
  code: Part<DocumentCode> | null;
  place: Part<string> | null;
  issuedDate: Part<string> | null;
  documentType: Part<DocumentTypeValue> | null;
  subject: Part<string> | null;
  addressees: Part<string>[];
  basis: Part<BasisRef>[];
  tasks: Part<string>[];
  reporting: Part<ReportingRequirement> | null;
  emails: Part<string>[];
  phones: Part<string>[];
  recipients: Part<Recipient>[];
  signer: Part<Signer> | null;
  /** The keys of the import contract (see `importView`) whose part the text does not contain. */
  missing: string[];
}
