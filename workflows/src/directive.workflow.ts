import {
  allHandlersFinished,
  condition,
  currentUpdateInfo,
  executeChild,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { ApplicationFailure } from '@temporalio/common';
import {
  cancelUpdate,
  closeUpdate,
  DirectiveFailure,
  directiveWorkflowId,
  reportingWorkflowId,
  stopReportingSignal,
  supersededSignal,
  dispatchHubWorkflowId,
  directiveStateQuery,
  reviewUpdate,
  SEARCH_ATTRIBUTES,
  signUpdate,
  submitForReviewUpdate,
  type Actor,
  type CancelInput,
  type CloseInput,
  type FinalStatus,
  type ReviewInput,
  type SignInput,
  type SubmitInput,
  type DirectiveActivities,
  type DirectiveState,
  type DirectiveWorkflowInput,
} from '@cascade/contracts';
import { canMove, type DirectiveStatus } from '@cascade/domain';
import { dispatchHubWorkflow } from './dispatch.workflow';
import { reportingWorkflow } from './reporting.workflow';

const {
  recordTransition,
  signDirective,
  remindReviewer,
  planDispatch,
  remindUnacknowledged,
  afterDispatch,
  finishDirective,
} = proxyActivities<DirectiveActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '500 ms',
    maximumInterval: '10 seconds',
    nonRetryableErrorTypes: Object.values(DirectiveFailure),
  },
});

/** The dispatch's plan heartbeats behind `patched('dispatch-heartbeat')`, as the batches do (dispatch.workflow.ts). */
const { planDispatch: planDispatchHeartbeating } = proxyActivities<DirectiveActivities>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: '10 seconds',
  retry: {
    initialInterval: '500 ms',
    maximumInterval: '10 seconds',
    nonRetryableErrorTypes: Object.values(DirectiveFailure),
  },
});

const fail = (type: string, message: string) => ApplicationFailure.nonRetryable(message, type);
const TERMINAL: DirectiveStatus[] = ['signed', 'rejected', 'cancelled'];

/**
 * One directive's life: drafted (edits happen in the database while it is a draft), submitted to the issuer's review
 * chain, decided by each reviewer in turn (approve, return for changes, reject), reminded by timers while a reviewer
 * waits, signed by a leader with authority (number allocated, Ed25519 signature). Every step is written to
 * PostgreSQL by an activity before the update answers. Once signed it dispatches down the hierarchy, then runs its
 * reporting cycles as a child workflow and reminds unacknowledged units until it is closed, recalled or superseded.
 */
export async function directiveWorkflow(input: DirectiveWorkflowInput): Promise<DirectiveState> {
  const state: DirectiveState = {
    directiveId: input.directiveId,
    status: 'draft',
    version: null,
    reviewers: [],
    reviewStep: 0,
    decisions: [],
    remindersSent: 0,
    number: null,
    symbol: null,
    signedAt: null,
    delivered: null,
  };
  let busy = false;
  let changes = 0;

  const dedupeKey = (): string => `${workflowInfo().workflowId}/${currentUpdateInfo()?.id ?? 'main'}`;

  /** Writes the move to PostgreSQL, then to the state: one transition at a time. */
  async function move(
    to: DirectiveStatus,
    actor: Actor,
    action: string,
    version: number | null,
    reason: string | null,
    data: Record<string, unknown> | null,
  ) {
    busy = true;
    try {
      await recordTransition({
        directiveId: input.directiveId,
        from: [state.status],
        to,
        expectedVersion: version,
        actor,
        action,
        reason,
        data,
        dedupeKey: dedupeKey(),
      });
      state.status = to;
      changes++;
      upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: to }]);
    } finally {
      busy = false;
    }
  }

  const guard = (allowed: DirectiveStatus[], to: DirectiveStatus) => {
    if (busy) throw fail(DirectiveFailure.BUSY, 'another step of this directive is being recorded; retry');
    if (!allowed.includes(state.status) || !canMove(state.status, to)) {
      throw fail(DirectiveFailure.INVALID_STATE, `the directive is ${state.status}`);
    }
  };

  setHandler(directiveStateQuery, () => state);

  /** Ends a dispatched directive (closed, recalled, superseded): PostgreSQL first, then the state. */
  async function finish(to: FinalStatus, actor: Actor | null, reason: string | null, by: string | null) {
    busy = true;
    try {
      await finishDirective({
        directiveId: input.directiveId,
        to,
        actor,
        reason,
        supersededBy: by,
        dedupeKey: `${workflowInfo().workflowId}/${currentUpdateInfo()?.id ?? to}`,
      });
      state.status = to;
      changes++;
      upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: to }]);
    } finally {
      busy = false;
    }
  }

  setHandler(
    closeUpdate,
    async ({ actor, action, reason }) => {
      await finish(action === 'recall' ? 'recalled' : 'closed', actor, reason, null);
      return state;
    },
    {
      validator: ({ action, reason }: CloseInput) => {
        guard(['dispatched'], action === 'recall' ? 'recalled' : 'closed');
        if (action === 'recall' && !reason?.trim())
          throw fail(DirectiveFailure.INVALID_INPUT, 'reason: required to recall a directive');
      },
    },
  );

  let supersededBy: string | null = null;
  setHandler(supersededSignal, ({ byDirectiveId }) => {
    supersededBy ??= byDirectiveId;
  });

  setHandler(
    submitForReviewUpdate,
    async ({ actor, version, reviewers }) => {
      await move('in_review', actor, 'review.submitted', version, null, { version, reviewers });
      state.version = version;
      state.reviewers = reviewers;
      state.reviewStep = 0;
      state.remindersSent = 0;
      return state;
    },
    {
      validator: ({ version, reviewers }: SubmitInput) => {
        guard(['draft'], 'in_review');
        if (!Number.isInteger(version) || version < 1)
          throw fail(DirectiveFailure.INVALID_INPUT, 'version: must be a positive integer');
        if (!Array.isArray(reviewers) || reviewers.length === 0) {
          throw fail(DirectiveFailure.REVIEW_CHAIN_EMPTY, 'the issuer has no review chain configured');
        }
      },
    },
  );

  setHandler(
    reviewUpdate,
    async ({ actor, decision, comment }) => {
      const at = new Date().toISOString();
      const record = { reviewerId: actor.userId, decision, comment: comment ?? null, at };
      const last = state.reviewStep === state.reviewers.length - 1;
      const to: DirectiveStatus =
        decision === 'reject'
          ? 'rejected'
          : decision === 'return'
            ? 'draft'
            : last
              ? 'approved'
              : 'in_review';
      if (to === 'in_review') {
        // An approval that passes the document on to the next reviewer: recorded as an event, status unchanged.
        busy = true;
        try {
          await recordTransition({
            directiveId: input.directiveId,
            from: ['in_review'],
            to: 'in_review',
            expectedVersion: state.version,
            actor,
            action: 'review.approved',
            reason: comment ?? null,
            data: { step: state.reviewStep },
            dedupeKey: dedupeKey(),
          });
        } finally {
          busy = false;
        }
        state.reviewStep++;
        state.remindersSent = 0;
        changes++;
      } else {
        await move(
          to,
          actor,
          `review.${decision === 'approve' ? 'approved' : decision === 'return' ? 'returned' : 'rejected'}`,
          state.version,
          comment ?? null,
          {
            step: state.reviewStep,
          },
        );
      }
      state.decisions.push(record);
      return state;
    },
    {
      validator: ({ actor, decision, version, comment }: ReviewInput) => {
        if (busy)
          throw fail(DirectiveFailure.BUSY, 'another step of this directive is being recorded; retry');
        if (state.status !== 'in_review')
          throw fail(DirectiveFailure.INVALID_STATE, `the directive is ${state.status}`);
        if (!['approve', 'return', 'reject'].includes(decision))
          throw fail(DirectiveFailure.INVALID_INPUT, 'decision: must be approve, return or reject');
        if (version !== state.version)
          throw fail(DirectiveFailure.VERSION_STALE, `version: the review is about version ${state.version}`);
        if (actor.userId !== state.reviewers[state.reviewStep]) {
          throw fail(DirectiveFailure.NOT_YOUR_TURN, 'it is not your turn to review this directive');
        }
        if (decision !== 'approve' && !comment?.trim())
          throw fail(DirectiveFailure.INVALID_INPUT, 'comment: required when returning or rejecting');
      },
    },
  );

  setHandler(
    signUpdate,
    async ({ actor, version, authority, position, delegationId }) => {
      busy = true;
      try {
        const signed = await signDirective({
          directiveId: input.directiveId,
          version,
          actor,
          authority,
          position,
          // the relation signed under goes to the activity, which checks it (issue 21)
          ...(delegationId !== undefined && patched('sign-under-delegation') ? { delegationId } : {}),
          dedupeKey: dedupeKey(),
        });
        state.status = 'signed';
        state.number = signed.number;
        state.symbol = signed.symbol;
        state.signedAt = signed.signedAt;
        changes++;
        upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: 'signed' }]);
      } finally {
        busy = false;
      }
      return state;
    },
    {
      validator: ({ version }: SignInput) => {
        guard(['approved'], 'signed');
        if (version !== state.version)
          throw fail(DirectiveFailure.VERSION_STALE, `version: version ${state.version} was approved`);
      },
    },
  );

  setHandler(
    cancelUpdate,
    async ({ actor, reason }) => {
      await move('cancelled', actor, 'cancelled', null, reason, null);
      return state;
    },
    {
      validator: ({ reason }: CancelInput) => {
        guard(['draft', 'in_review', 'approved'], 'cancelled');
        if (!reason?.trim()) throw fail(DirectiveFailure.INVALID_INPUT, 'reason: required');
      },
    },
  );

  upsertSearchAttributes([
    { key: SEARCH_ATTRIBUTES.status, value: 'draft' },
    { key: SEARCH_ATTRIBUTES.directiveId, value: input.directiveId },
  ]);

  while (!TERMINAL.includes(state.status)) {
    const seen = changes;
    if (state.status === 'in_review') {
      // A durable timer per wait: the reviewer is reminded until they decide (or the reminder budget is spent).
      const decided = await condition(() => changes !== seen, `${input.reviewReminderSeconds} seconds`);
      if (!decided && state.status === 'in_review' && state.remindersSent < input.maxReminders) {
        const count = state.remindersSent + 1;
        await remindReviewer({
          directiveId: input.directiveId,
          reviewerId: state.reviewers[state.reviewStep],
          step: state.reviewStep,
          count,
          dedupeKey: `${workflowInfo().workflowId}/remind/${state.version}/${state.reviewStep}/${count}`,
        });
        state.remindersSent = count;
      } else if (!decided) {
        await condition(() => changes !== seen);
      }
    } else {
      await condition(() => changes !== seen);
    }
  }
  // Histories recorded before dispatch existed end here; new runs dispatch down the hierarchy once signed.
  if (state.status === 'signed' && patched('dispatch-after-signing')) {
    await condition(allHandlersFinished); // the sign update answers before dispatch starts
    const id = workflowInfo().workflowId;
    const plan = patched('dispatch-heartbeat') ? planDispatchHeartbeating : planDispatch;
    await plan({ directiveId: input.directiveId, dedupeKey: `${id}/dispatch.planned` });
    const result = await executeChild(dispatchHubWorkflow, {
      workflowId: dispatchHubWorkflowId(input.directiveId, input.issuerId),
      args: [
        {
          directiveId: input.directiveId,
          hubUnitId: input.issuerId,
          batchSize: input.dispatchBatchSize ?? 1000,
        },
      ],
    });
    await recordTransition({
      directiveId: input.directiveId,
      from: ['signed'],
      to: 'dispatched',
      expectedVersion: null,
      actor: null,
      action: 'dispatched',
      reason: null,
      data: { delivered: result.delivered },
      dedupeKey: `${id}/dispatched`,
    });
    state.status = 'dispatched';
    state.delivered = result.delivered;
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: 'dispatched' }]);
  }
  if (state.status === 'dispatched' && patched('reporting-and-closing')) {
    await afterDispatchPhase();
  } else if (state.status === 'dispatched' && input.ackReminderSeconds && patched('remind-unacknowledged')) {
    // Histories recorded before reporting existed: reminders only.
    for (let round = 1; round <= input.maxReminders; round++) {
      await sleep(`${input.ackReminderSeconds} seconds`);
      const { pending } = await remindUnacknowledged({
        directiveId: input.directiveId,
        round,
        dedupeKey: `${workflowInfo().workflowId}/ack-reminder/${round}`,
      });
      if (pending === 0) break;
    }
  }
  await condition(allHandlersFinished);
  return state;

  /**
   * The dispatched directive's life until it ends: it supersedes the directive it replaces, runs its reporting cycles
   * as a child workflow, reminds units that have not acknowledged receipt (Decree 30/2020, art. 21) on a durable
   * timer, and waits to be closed, recalled or superseded; then it stops the reporting timers.
   */
  async function afterDispatchPhase() {
    const id = workflowInfo().workflowId;
    const plan = await afterDispatch({ directiveId: input.directiveId });
    if (plan.supersedes) {
      try {
        await getExternalWorkflowHandle(directiveWorkflowId(plan.supersedes)).signal(supersededSignal, {
          byDirectiveId: input.directiveId,
        });
      } catch {
        // The old directive's workflow has already ended (closed or recalled): nothing to supersede.
      }
    }
    // One reporting workflow per schedule that takes reports (histories from before several schedules: the main
    // one, ad hoc streams aside).
    const schedules = patched('several-schedules')
      ? (plan.schedules ?? (plan.reporting ? [0] : []))
      : plan.reporting
        ? [0]
        : [];
    const running = new Set<number>();
    for (const schedule of schedules) {
      const child = await startChild(reportingWorkflow, {
        workflowId: reportingWorkflowId(input.directiveId, schedule),
        args: [{ directiveId: input.directiveId, cycle: null, ...(schedule ? { schedule } : {}) }],
      });
      running.add(schedule);
      child.result().then(
        () => running.delete(schedule),
        () => running.delete(schedule),
      );
    }
    const open = () => state.status === 'dispatched';
    const reminders = (async () => {
      if (!input.ackReminderSeconds) return;
      for (let round = 1; round <= input.maxReminders; round++) {
        if (await condition(() => !open(), input.ackReminderSeconds * 1000)) return;
        const { pending } = await remindUnacknowledged({
          directiveId: input.directiveId,
          round,
          dedupeKey: `${id}/ack-reminder/${round}`,
        });
        if (pending === 0) return;
      }
    })();
    await condition(() => !open() || (supersededBy !== null && !busy));
    if (open() && supersededBy) await finish('superseded', null, null, supersededBy);
    await reminders;
    for (const schedule of schedules) {
      if (running.has(schedule))
        await getExternalWorkflowHandle(reportingWorkflowId(input.directiveId, schedule)).signal(
          stopReportingSignal,
        );
    }
    await condition(() => running.size === 0);
  }
}
