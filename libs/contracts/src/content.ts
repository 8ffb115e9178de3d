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

/** A body that receives a report, optionally through one of its departments ("qua Ban Tuyên giáo"). */
export interface ReportTarget {
  unitId: string;
  /** A department of `unitId` that receives, checks and files it on the body's behalf. */
  viaUnitId?: string;
}

/**
 * Where the reports to one hub go (Decree 09/2019, art. 6: who receives): the department of the hub that collects,
 * checks and aggregates its subordinates' reports on its behalf, and where the hub's aggregate goes — its routing
 * parent by default (nobody for the issuer), or several bodies at once, each optionally through a department.
 */
export interface ReportRoute {
  /** The hub (a unit of the routing tree, or the issuer); absent: the issuer. */
  hubUnitId?: string;
  /** A department of the hub that collects and aggregates for it. */
  viaUnitId?: string;
  /** Where the hub's aggregate goes; absent: the routing parent (through its collecting department, if any). */
  to?: ReportTarget[];
}

/**
 * A schedule beside the main one (a plan's phases beside a monthly report): reports name the schedule they answer
 * by its key; its own form, policy, stagger and ladder, else the requirement's.
 */
export interface NamedSchedule {
  /** a-z, digits and -, unique in the directive ("phases", "monthly"). */
  key: string;
  name?: string;
  schedule: Schedule;
  policy?: NonWorkingDayPolicy;
  form?: ReportForm;
  stagger?: number[];
  escalation?: EscalationLadder;
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
  /** Where reports go, per hub (absent: each to its routing parent; the issuer's to `targets`). */
  routes?: ReportRoute[];
  /** More schedules, beside the main one (whose key is "main"). */
  schedules?: NamedSchedule[];
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
