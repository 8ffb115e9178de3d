import type { CalendarYear, CycleView } from '@cascade/domain';
import type { DirectiveContent } from './content';

/**
 * The API's answers as the web app reads them: plain types, no runtime code, so that the browser bundle takes none of
 * this library's Temporal definitions (import them with `import type`).
 */

export interface Membership {
  id: string;
  role: string;
  unitId: string;
  unitCode: string;
  unitName: string;
}
export interface Me {
  id: string;
  name: string;
  email: string;
  systemAdmin: boolean;
  memberships: Membership[];
}
export interface RegisterItem {
  id: string;
  symbol: string | null;
  type: string;
  status: string;
  subject: string;
  issuerName?: string;
  nodeStatus?: string;
  statusCode?: string;
  overdueCycles?: number;
  routing?: { total: number; delivered: number; accepted: number; returned: number };
  /** Outgoing: when it was signed (null while a draft) and drafted. */
  signedAt?: string | null;
  createdAt?: string;
  /** Incoming: when it was delivered to the unit (received from outside: received), and its received number (số đến). */
  deliveredAt?: string | null;
  receivedNumber?: number | null;
  /**
   * The soonest deadline not passed while the directive is dispatched: outgoing, by which the addressees' reports
   * reach the issuer; incoming, the unit's own for a cycle it has not reported on. Null when there is none.
   */
  deadline?: string | null;
}
/** A membership as `POST /users` takes it: a role in a unit, with a leader's signing authority and position. */
export interface MembershipInput {
  unitId: string;
  role: string;
  authority?: string;
  position?: string;
}

/** `POST /users`'s body: the first membership is required unless the caller is a system administrator. */
export interface NewUser {
  email: string;
  name: string;
  password: string;
  membership?: MembershipInput;
}

/** `POST /users` and `GET /users/:id`: a user, with the memberships the caller may see. */
export interface UserDetail {
  id: string;
  email: string;
  name: string;
  active: boolean;
  systemAdmin: boolean;
  memberships: {
    id: string;
    role: string;
    authority: string | null;
    position: string | null;
    unitId: string;
    unitCode: string;
    unitName: string;
  }[];
}

export interface Directive {
  id: string;
  issuerId: string;
  type: string;
  status: string;
  version: number;
  symbol: string | null;
  content: DirectiveContent;
  signer: {
    name: string;
    position: string;
    authority: string;
    /** The relation (KT., Q., TL., TUQ.) it was signed under, as the signed record says; null: in one's own right. */
    delegation?: SignedDelegation | null;
  } | null;
  sha256: string | null;
  signature: string | null;
}
/** A child in a directive's routing tree (`GET /directives/:id/tree`), with the roll-up of its whole subtree. */
export interface TreeNode {
  unitId: string;
  unitCode: string;
  unitName: string;
  depth: number;
  tier: number;
  isHub: boolean;
  status: string;
  statusCode: string | null;
  finalStatus: string | null;
  nodes: number;
  delivered: number;
  accepted: number;
  returned: number;
  expected: number;
  onTime: number;
  late: number;
  missing: number;
  /** A numeric, as PostgreSQL's driver gives it (text); null when no report is expected. */
  shareOnTime: string | null;
  aggregateRevision: number | null;
}

/** `POST /directives/import`: the text as read, the draft made of it, and what the reading found wrong. */
export interface ImportAnswer {
  parsed: Record<string, unknown> & { sources: Record<string, { confidence: number }[]> };
  draft: Record<string, unknown> & { subject: string | null; tasks: string[]; type: string | null };
  problems: { field: string; message: string }[];
}

/** `GET /directives/:id/aggregate`: the aggregated report of a cycle at a node. */
export interface AggregateAnswer {
  label: string;
  /** Computed from a year whose days off are not announced yet: the deadlines may still move. */
  provisional?: boolean;
  closed: boolean;
  revision?: number;
  values: Record<string, unknown>;
  /** `missingUnits`: the first 100 missing units by id; the rest from `GET /directives/:id/aggregate/missing`. */
  coverage: { expected: number; onTime: number; late: number; missing: number; missingUnits: string[] };
  /** The cursor of the next page of missing units (`/aggregate/missing?cursor=`), null when they are all listed. */
  missingCursor?: string | null;
}

/** `GET /directives/:id/received`: the directive as a unit it was routed to sees it. */
export interface ReceivedDirective {
  id: string;
  symbol: string;
  status: string;
  issuerName: string;
  content: DirectiveContent;
  node: { status: string; statusCode: string; isHub: boolean };
}

/** A unit of `GET /units/:id/tree`. */
export interface UnitRow {
  id: string;
  code: string;
  name: string;
  kind: string;
  level: number;
}
/** A member of `GET /units/:id/members`. */
export interface MemberRow {
  id: string;
  role: string;
  userName: string;
  userEmail: string;
  userId?: string;
  position?: string | null;
  authority?: string | null;
}

/** The signing relation a directive was signed under (`signer.delegation` of `GET /directives/:id`). */
export interface SignedDelegation {
  id: string;
  kind: string;
  grantorUserId: string;
  grantorName: string;
  basisNumber: string;
  /** YYYY-MM-DD */
  basisDate: string;
}

/**
 * What the caller may sign a directive under (`GET /directives/:id/signing-options`): the authority their membership
 * in the issuer bears (null when none) and the relations they hold there, in force and covering its type.
 */
export interface SigningOptions {
  own: { authority: string; position: string } | null;
  relations: DelegationRow[];
}

/** A unit's signing relation (`GET /units/:id/delegations`). */
export interface DelegationRow {
  id: string;
  unitId: string;
  kind: string;
  grantor: { userId: string; name: string };
  grantee: { userId: string; name: string };
  /** The lines the signing block prints: "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH". */
  authority: string;
  position: string;
  basis: { number: string; date: string };
  docTypes: readonly string[] | null;
  validFrom: string;
  validUntil: string | null;
  createdAt: string;
  revokedAt: string | null;
  revokeReason: string | null;
}

/** A reviewer of `GET /units/:id/review-chain` (and of its PUT's answer): the unit's leaders who review, in order. */
export interface ReviewerRow {
  position: number;
  reviewerId: string;
  reviewerName: string;
}

/** A year of `GET /calendar/years`: its days off and worked weekend days, stored or computed. */
export interface StoredCalendarYear extends CalendarYear {
  /** Whether the year is stored (else computed from the Labour Code). */
  stored: boolean;
  /** Bumped by every change of the stored year; 0 for a computed year. */
  revision: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** `PUT /calendar/years/:year` and its confirm: the cycles not opened yet whose deadlines moved. */
export interface CalendarChange {
  rescheduled: unknown[];
}

/** `POST /schedules/preview`: the first cycles of a schedule, each level's deadline (computed, changes nothing). */
export interface SchedulePreviewAnswer {
  cycles: CycleView[];
}

/** A unit's current report of a cycle (`GET /directives/:id/reports`). */
export interface ReportRow {
  unitId: string;
  revision?: number;
  submittedAt?: string;
  values: Record<string, unknown>;
}

/** `POST /directives/:id/reports`: the revision the report was filed as. */
export interface FiledReport {
  revision: number;
}
