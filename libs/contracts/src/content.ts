import type { DocType, EscalationLadder, NonWorkingDayPolicy, ReportForm, Schedule } from '@cascade/domain';

/**
 * A directive's content and its reporting requirement, declared once: the API's DTOs implement these, the worker
 * reads stored content as these, and the web app composes and shows them.
 */

/** Who receives a directive: listed units, all direct subordinates, or the subtree down to `depth`. */
export interface Addressees {
  mode: 'units' | 'children' | 'subtree';
  unitIds?: string[];
  depth?: number;
}

/** A copy recipient ("Nơi nhận"): for information, b/c to a superior, or filed (Lưu). */
export interface CopyRecipient {
  name: string;
  role: 'info' | 'report' | 'filed';
  unitId?: string;
}

/** A document this one implements ("Thực hiện Công văn số …"): one registered in Cascade, or described. */
export interface ImplementsRef {
  directiveId?: string;
  code?: string;
  /** yyyy-mm-dd */
  date?: string;
  issuerName?: string;
}

export interface Attachment {
  name: string;
  mediaType: string;
  size: number;
  /** SHA-256 of the file, hex. */
  sha256: string;
}

/** What a directive asks its units to report, when, and whom a late one is escalated to. */
export interface ReportingRequirement {
  schedule: Schedule;
  policy?: NonWorkingDayPolicy;
  form?: ReportForm;
  /** Days (seconds for interval schedules) added per tier, grassroots first. */
  stagger?: number[];
  escalation?: EscalationLadder;
  /** Extra units that receive the issuer's aggregated report (besides the issuer itself). */
  targets?: string[];
}

/** The parts of a directive that a drafter writes. */
export interface DirectiveContent {
  place?: string;
  subject: string;
  body?: string;
  tasks: string[];
  addressees: Addressees;
  copyRecipients?: CopyRecipient[];
  implements?: ImplementsRef[];
  supersedes?: string;
  attachments?: Attachment[];
  reporting?: ReportingRequirement;
}

/** A new draft: its content, its issuing unit and its document type. */
export interface NewDirective extends DirectiveContent {
  issuerId: string;
  type: DocType;
}
