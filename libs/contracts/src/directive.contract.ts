import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Cycle, CycleStep, DirectiveStatus, EscalationLadder } from '@cascade/domain';

/** Who acts, as the API authenticated them. */
export interface Actor {
  userId: string;
  name: string;
  role: string | null;
  unitId: string | null;
}

export interface DirectiveWorkflowInput {
  directiveId: string;
  issuerId: string;
  /** Seconds between reminders to a reviewer who has not decided. */
  reviewReminderSeconds: number;
  /** Reminders per review step (and acknowledgement rounds) before the workflow stops reminding. */
  maxReminders: number;
  /** Children delivered per batch by each dispatch hub (at most 1,000 child workflows in flight). */
  dispatchBatchSize?: number;
  /** Seconds between reminders to routed units that have not acknowledged receipt (absent: no reminders). */
  ackReminderSeconds?: number;
}

export interface DispatchHubInput {
  directiveId: string;
  hubUnitId: string;
  batchSize: number;
  /** Set when the hub continued as new: where to resume. */
  startBatch?: number;
  deliveredSoFar?: number;
}

export const dispatchHubWorkflowType = 'dispatchHubWorkflow';
export const dispatchHubWorkflowId = (directiveId: string, unitId: string): string =>
  `dispatch/${directiveId}/${unitId}`;

export interface ReviewDecision {
  reviewerId: string;
  decision: 'approve' | 'return' | 'reject';
  comment: string | null;
  at: string;
}

export interface DirectiveState {
  directiveId: string;
  status: DirectiveStatus;
  /** The content version the current review or signature is about. */
  version: number | null;
  reviewers: string[];
  reviewStep: number;
  decisions: ReviewDecision[];
  remindersSent: number;
  number: number | null;
  symbol: string | null;
  signedAt: string | null;
  /** Units the directive was delivered to (after dispatch). */
  delivered: number | null;
}

export interface SubmitInput {
  actor: Actor;
  version: number;
  /** The issuer's review chain at the time of submission, in order. */
  reviewers: string[];
}

export interface ReviewInput {
  actor: Actor;
  version: number;
  decision: 'approve' | 'return' | 'reject';
  comment?: string;
}

export interface SignInput {
  actor: Actor;
  version: number;
  authority: string;
  position: string;
  /**
   * The relation (KT., Q., TL., TUQ.) the signer signs under; the signing activity checks it (period, scope,
   * re-delegation) and prints its lines. Absent: the signer's own authority (TM., or one held by membership).
   */
  delegationId?: string;
}

export interface CancelInput {
  actor: Actor;
  reason: string;
}

export const directiveWorkflowType = 'directiveWorkflow';
export const directiveWorkflowId = (directiveId: string): string => `directive/${directiveId}`;

export const directiveStateQuery = defineQuery<DirectiveState>('directiveState');
export const submitForReviewUpdate = defineUpdate<DirectiveState, [SubmitInput]>('submitForReview');
export const reviewUpdate = defineUpdate<DirectiveState, [ReviewInput]>('review');
export const signUpdate = defineUpdate<DirectiveState, [SignInput]>('sign');
export const cancelUpdate = defineUpdate<DirectiveState, [CancelInput]>('cancel');

/** After dispatch: close (timers stop, open nodes get their final status) or recall (edXML 13). */
export interface CloseInput {
  actor: Actor;
  action: 'close' | 'recall';
  reason: string | null;
}
export const closeUpdate = defineUpdate<DirectiveState, [CloseInput]>('close');
/** Sent by a newer directive's workflow when it is dispatched: this one is superseded. */
export const supersededSignal = defineSignal<[{ byDirectiveId: string }]>('superseded');

/** The reporting cycles of a dispatched directive: one execution per cycle (continue-as-new between cycles). */
export interface ReportingWorkflowInput {
  directiveId: string;
  /** The cycle (its key) to run; null: the schedule's first one whose grassroots deadline is still ahead. */
  cycle: number | null;
  /** The schedule (0, absent: the main one; 1…: the directive's extra schedules in order). */
  schedule?: number;
  /** An ad hoc stream continued as new: when its next digest and its reminder are due (epoch ms; null: none). */
  adhoc?: { digestAt: number | null; remindAt: number | null };
}
export const reportingWorkflowType = 'reportingWorkflow';
/** One reporting workflow per schedule: the main one's id is the one directives had before several schedules. */
export const reportingWorkflowId = (directiveId: string, schedule = 0): string =>
  schedule ? `reporting/${directiveId}/${schedule}` : `reporting/${directiveId}`;
/** The issuer closed the open-ended cycle the workflow waits on (a phase with no end date). */
export const cycleClosedSignal = defineSignal<[{ cycle: number }]>('cycleClosed');
/** Stops the reporting timers (the directive was closed, recalled or superseded). */
export const stopReportingSignal = defineSignal('stopReporting');

/** The live state of the current cycle: its deadlines, its planned steps and how many have run. */
export interface ReportingState {
  cycle: Cycle | null;
  steps: CycleStep[];
  done: number;
  stopped: boolean;
}
export const reportingStateQuery = defineQuery<ReportingState>('reportingState');

export interface ReportingPlan {
  /** The cycle to run, null when the schedule has no more. */
  cycle: Cycle | null;
  /** The height of the routing tree at the start of the cycle. */
  issuerTier: number;
  ladder: EscalationLadder;
  /** The cycle has no deadline yet: an ad hoc stream, or a phase that ends when the issuer closes it. */
  openEnded?: boolean;
  /** For an ad hoc stream: the digest interval and the reminder, as the schedule sets them. */
  adhoc?: { digestSeconds?: number; remindAfterSeconds?: number };
  /**
   * Whether the cycle has opened by the database's clock. Until it has, a calendar correction may still move its
   * deadlines, so the workflow asks again once it opens. Absent from plans recorded before stored cycles.
   */
  opened?: boolean;
}

/** Failure types the workflow and its activities raise; the API maps each to an HTTP status and error code. */
export const DirectiveFailure = {
  INVALID_STATE: 'DIRECTIVE_INVALID_STATE',
  VERSION_STALE: 'DIRECTIVE_VERSION_STALE',
  NOT_YOUR_TURN: 'DIRECTIVE_NOT_YOUR_TURN',
  REVIEW_CHAIN_EMPTY: 'DIRECTIVE_REVIEW_CHAIN_EMPTY',
  BUSY: 'DIRECTIVE_BUSY',
  INVALID_INPUT: 'DIRECTIVE_INVALID_INPUT',
  /** The signer's X.509 certificate cannot sign now (expired, not yet valid, unusable): the PDF is not signed. */
  CERTIFICATE_UNUSABLE: 'SIGNING_CERTIFICATE_UNUSABLE',
} as const;

export interface TransitionInput {
  directiveId: string;
  from: DirectiveStatus[];
  to: DirectiveStatus;
  expectedVersion: number | null;
  actor: Actor | null;
  action: string;
  reason: string | null;
  data: Record<string, unknown> | null;
  dedupeKey: string;
}

export interface SignActivityInput {
  directiveId: string;
  version: number;
  actor: Actor;
  authority: string;
  position: string;
  /** See SignInput.delegationId (passed on behind the patch `sign-under-delegation`). */
  delegationId?: string;
  dedupeKey: string;
}

/** A step of a reporting workflow: a cycle's timed step, or an ad hoc stream's digest. */
export type ReportingStep = CycleStep | { at: string; kind: 'digest'; tier: 0 };

export type FinalStatus = 'closed' | 'recalled' | 'superseded';

export interface DirectiveActivities {
  /** After dispatch: whether the directive asks for reports on a schedule, and which directive it supersedes. */
  afterDispatch(input: {
    directiveId: string;
  }): Promise<{ reporting: boolean; supersedes: string | null; schedules?: number[] }>;
  /** The cycle to run (computed from the schedule and the holiday calendar), the tree height and the ladder. */
  reportingPlan(input: {
    directiveId: string;
    cycle: number | null;
    schedule?: number;
  }): Promise<ReportingPlan>;
  /**
   * One timed step of a cycle: reminder, overdue mark, an escalation, or closing a tier's aggregation; for an ad hoc
   * stream, a digest of what came in since the last one.
   */
  runCycleStep(input: {
    directiveId: string;
    cycle: number;
    step: ReportingStep;
    issuerTier: number;
  }): Promise<{ units: number }>;
  /** Ends a dispatched directive: closed, recalled (edXML 13 to every node) or superseded; open nodes get a final status. */
  finishDirective(input: {
    directiveId: string;
    to: FinalStatus;
    actor: Actor | null;
    reason: string | null;
    supersededBy: string | null;
    dedupeKey: string;
  }): Promise<void>;
  recordTransition(input: TransitionInput): Promise<void>;
  signDirective(
    input: SignActivityInput,
  ): Promise<{ number: number; symbol: string; signedAt: string; sha256: string }>;
  remindReviewer(input: {
    directiveId: string;
    reviewerId: string;
    step: number;
    count: number;
    dedupeKey: string;
  }): Promise<void>;
  /** Reminds every routed unit that has not acknowledged yet (an event and e-mails to its clerks); returns how many. */
  remindUnacknowledged(input: {
    directiveId: string;
    round: number;
    dedupeKey: string;
  }): Promise<{ pending: number }>;
  /** Resolves the addressees and writes the routing tree (idempotent). */
  planDispatch(input: {
    directiveId: string;
    dedupeKey: string;
  }): Promise<{ nodes: number; skipped: number }>;
  /**
   * Delivers one batch of a hub's routed children (status 01); returns the sub-hubs among them that need a hub of
   * their own. With `inlineSubtrees`, a sub-hub whose whole subtree fits in a batch (`batchSize` nodes below it at
   * most) is delivered with the batch, subtree and all, and is not returned.
   */
  deliverBatch(input: {
    directiveId: string;
    hubUnitId: string;
    batchIndex: number;
    batchSize: number;
    inlineSubtrees?: boolean;
  }): Promise<{
    /** Units delivered by this batch: its children and the subtrees delivered with it. */
    delivered: number;
    subHubs: string[];
    more: boolean;
    /** Sub-hubs delivered with the batch, subtree and all (absent without `inlineSubtrees`). */
    inlined?: number;
  }>;
}
