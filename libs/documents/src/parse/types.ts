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
 * kinds (a monthly one without `from` starts when the directive is dispatched); "hằng tuần", "hằng tháng" (no day),
 * "hằng quý", "6 tháng", "hằng năm" are `periodic` (the domain's PeriodicSchedule, `every`), with the day when the
 * text gives one (for weeks a weekday, 1 Monday – 7 Sunday).
 */
export type ParsedSchedule =
  | { kind: 'monthly'; rule: 'on' | 'before'; day: number; from?: string; until?: string }
  | { kind: 'dates'; dates: string[] }
  | {
      kind: 'periodic';
      every: 'week' | 'month' | 'quarter' | 'half-year' | 'year';
      rule?: 'on' | 'before';
      day?: number;
    }
  | { kind: 'adhoc' };

export interface ReportingTarget {
  /** The organ as the text names it, or the e-mail address when the text names no unit for it. */
  name: string;
  /**
   * to: the report is sent there; via: through this department of it ("(qua Ban Tuyên giáo)"); aggregator: the
   * department given the aggregation ("Giao Ban Tuyên giáo … tổng hợp"); aggregate: where the aggregate goes.
   */
  role: 'to' | 'aggregate' | 'via' | 'aggregator';
  /** The e-mail address the text gives for it ("(email: …)"). */
  email?: string;
}

/** A phase of a plan ("Đợt 2: từ ngày … đến ngày …"); a date the text does not give is null ("Sau Đại hội"). */
export interface ParsedPhase {
  name: string;
  opens: string | null;
  closes: string | null;
  /** The phase's heading as written. */
  text: string;
}

export interface ReportingRequirement {
  /** The sentence that states it. */
  sentence: string;
  schedule: ParsedSchedule | null;
  targets: ReportingTarget[];
  /** The plan's phases ("Đợt 1" …), in order; empty when it has none. */
  phases: ParsedPhase[];
}

export interface Recipient {
  name: string;
  /** addressees ("Như trên", "Như kính gửi"), report (b/c: sent up for information), filed ("Lưu"), publish, info. */
  role: 'addressees' | 'report' | 'filed' | 'publish' | 'info';
}

export interface Signer {
  /**
   * "TM. BAN THƯỜNG VỤ", "KT. CHỦ TỊCH", canonical whatever the print ("T/M", "K/T", "TL"…); a stacked block joined
   * outermost first: "TL. BỘ TRƯỞNG / KT. CỤC TRƯỞNG" (null when the block has no authority prefix)
   */
  competence: string | null;
  /** Each authority of the block, canonical, outermost first. */
  authorities: string[];
  /** The outermost authority. */
  authority: 'TM' | 'KT' | 'Q' | 'TL' | 'TUQ' | null;
  /** The body or head named by the outermost prefix: "BAN THƯỜNG VỤ", "CHỦ TỊCH". */
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
  /** Urgency and secrecy marks printed above the subject: KHẨN, THƯỢNG KHẨN, HỎA TỐC, MẬT, TỐI MẬT… */
  marks: Part<string>[];
  reporting: Part<ReportingRequirement> | null;
  emails: Part<string>[];
  phones: Part<string>[];
  recipients: Part<Recipient>[];
  signer: Part<Signer> | null;
  /** The keys of the import contract (see `importView`) whose part the text does not contain. */
  missing: string[];
}
