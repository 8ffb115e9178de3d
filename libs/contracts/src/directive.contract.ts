import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { DirectiveStatus } from '@cascade/domain';

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
  /** Reminders per review step before the workflow stops reminding (the escalation ladder comes later). */
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

/** Failure types the workflow and its activities raise; the API maps each to an HTTP status and error code. */
export const DirectiveFailure = {
  INVALID_STATE: 'DIRECTIVE_INVALID_STATE',
  VERSION_STALE: 'DIRECTIVE_VERSION_STALE',
  NOT_YOUR_TURN: 'DIRECTIVE_NOT_YOUR_TURN',
  REVIEW_CHAIN_EMPTY: 'DIRECTIVE_REVIEW_CHAIN_EMPTY',
  BUSY: 'DIRECTIVE_BUSY',
  INVALID_INPUT: 'DIRECTIVE_INVALID_INPUT',
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
  dedupeKey: string;
}

export interface DirectiveActivities {
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
  /** Delivers one batch of a hub's routed children (status 01); returns the sub-hubs among them. */
  deliverBatch(input: {
    directiveId: string;
    hubUnitId: string;
    batchIndex: number;
    batchSize: number;
  }): Promise<{
    delivered: number;
    subHubs: string[];
    more: boolean;
  }>;
}
