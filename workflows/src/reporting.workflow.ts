import {
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  type ActivityOptions,
} from '@temporalio/workflow';
import {
  cycleClosedSignal,
  DirectiveFailure,
  reportingStateQuery,
  stopReportingSignal,
  type ReportingState,
  type DirectiveActivities,
  type ReportingWorkflowInput,
} from '@cascade/contracts';
import { cycleSteps } from '@cascade/domain';

const options: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [DirectiveFailure.INVALID_STATE],
  },
};
const { reportingPlan } = proxyActivities<DirectiveActivities>(options);
// A step heartbeats (apps/worker/src/activities/heartbeat.ts): a worker killed or frozen in the middle of a deadline's
// work is replaced after 30 s without a heartbeat, not after the 5 minutes of its start-to-close timeout; behind
// `patched('step-heartbeat-10s')` after 10 s (the step heartbeats every 2 s). Runs recorded before keep 30 s.
const runCycleStepOptions = (timeout: '10 seconds' | '30 seconds') =>
  proxyActivities<DirectiveActivities>({ ...options, heartbeatTimeout: timeout }).runCycleStep;
const runCycleStepBefore = runCycleStepOptions('30 seconds');
const runCycleStepQuick = runCycleStepOptions('10 seconds');
const runCycleStep = (input: Parameters<DirectiveActivities['runCycleStep']>[0]) =>
  (patched('step-heartbeat-10s') ? runCycleStepQuick : runCycleStepBefore)(input);

/**
 * The reporting cycles of a dispatched directive, one cycle per run: it asks for the cycle's deadlines (computed from
 * the schedule and the holiday calendar by the pure `cycleAt`), plans the cycle's steps with the pure `cycleSteps`,
 * and runs each on a durable timer — the reminder, the overdue mark at the grassroots deadline, the escalations to
 * the parent's and the issuer's leaders, and each level's aggregation closing at its own staggered deadline, which
 * reports it upward. Then it continues as new with the next cycle, so its history stays short however long the
 * schedule runs. Every step is one activity that works on the whole tree in SQL, so the number of units never
 * reaches the workflow's history. A stop signal (close, recall, supersede) ends it between steps.
 */
export async function reportingWorkflow(input: ReportingWorkflowInput): Promise<{ cycles: number }> {
  let stopped = false;
  const live: ReportingState = { cycle: null, steps: [], done: 0, stopped: false };
  setHandler(stopReportingSignal, () => {
    stopped = true;
    live.stopped = true;
  });
  setHandler(reportingStateQuery, () => live);
  const closed = new Set<number>();
  setHandler(cycleClosedSignal, ({ cycle }) => void closed.add(cycle));
  const schedule = input.schedule ? { schedule: input.schedule } : {};
  let plan = await reportingPlan({ directiveId: input.directiveId, cycle: input.cycle, ...schedule });
  if (!plan.cycle) return { cycles: input.cycle ?? 0 };
  if (patched('stored-cycles')) {
    // Until a cycle opens, a corrected calendar may still move its deadlines: wait for the opening, then read the
    // stored cycle again (it no longer changes once open, by the database's clock).
    while (plan.cycle && plan.opened === false) {
      live.cycle = plan.cycle;
      const wait = Math.max(1_000, Date.parse(plan.cycle.opensAt) - Date.now());
      if (await condition(() => stopped, wait)) return { cycles: plan.cycle.index };
      plan = await reportingPlan({ directiveId: input.directiveId, cycle: plan.cycle.index, ...schedule });
    }
    if (!plan.cycle) return { cycles: input.cycle ?? 0 };
  }
  if (plan.openEnded && patched('open-ended-cycles')) {
    const key = plan.cycle.index;
    live.cycle = plan.cycle;
    // An ad hoc stream: reports come whenever something happens; the hubs' digests (when set) and the one reminder
    // (when set) run on timers until the directive ends.
    if (plan.adhoc) {
      const more = await adhocStream(
        input.directiveId,
        key,
        plan.cycle.opensAt,
        plan.adhoc,
        () => stopped,
        plan.issuerTier,
        input.adhoc,
      );
      // A long stream continues as new now and then, so that its history stays short however long it runs.
      if (more)
        return continueAsNew<typeof reportingWorkflow>({
          directiveId: input.directiveId,
          cycle: key,
          ...schedule,
          adhoc: more,
        });
      return { cycles: 1 };
    }
    // A phase that ends when the issuer closes it: wait for that, then run its steps against the closing instant.
    await condition(() => stopped || closed.has(key));
    if (stopped) return { cycles: key };
    plan = await reportingPlan({ directiveId: input.directiveId, cycle: key, ...schedule });
    if (!plan.cycle) return { cycles: key };
  }
  const cycle = plan.cycle.index;
  live.cycle = plan.cycle;
  live.steps = cycleSteps(plan.cycle, plan.issuerTier, plan.ladder);
  for (const step of live.steps) {
    const wait = Date.parse(step.at) - Date.now();
    if (wait > 0) await condition(() => stopped, wait);
    if (stopped) return { cycles: cycle };
    await runCycleStep({ directiveId: input.directiveId, cycle, step, issuerTier: plan.issuerTier });
    live.done++;
  }
  // A stop that arrived while the last step ran is handled before the next cycle starts.
  if (stopped) return { cycles: cycle + 1 };
  return continueAsNew<typeof reportingWorkflow>({
    directiveId: input.directiveId,
    cycle: cycle + 1,
    ...schedule,
  });
}

/** Timer rounds of an ad hoc stream in one run before it continues as new (each adds about a dozen events). */
const ADHOC_ROUNDS_PER_RUN = 300;

/**
 * An ad hoc stream's timers: a digest every `digestSeconds`, one reminder `remindAfterSeconds` after it opened. Answers
 * where the stream stands when it should continue as new (null: the stream stopped).
 */
async function adhocStream(
  directiveId: string,
  cycle: number,
  opensAt: string,
  adhoc: { digestSeconds?: number; remindAfterSeconds?: number },
  stopped: () => boolean,
  issuerTier: number,
  resume: { digestAt: number | null; remindAt: number | null } | undefined,
): Promise<{ digestAt: number | null; remindAt: number | null } | null> {
  let remindAt = resume
    ? (resume.remindAt ?? Infinity)
    : adhoc.remindAfterSeconds
      ? Date.parse(opensAt) + adhoc.remindAfterSeconds * 1000
      : Infinity;
  let digestAt = resume
    ? (resume.digestAt ?? Infinity)
    : adhoc.digestSeconds
      ? Date.now() + adhoc.digestSeconds * 1000
      : Infinity;
  const finite = (t: number) => (t === Infinity ? null : t);
  for (let round = 0; !stopped(); round++) {
    if (round >= ADHOC_ROUNDS_PER_RUN) return { digestAt: finite(digestAt), remindAt: finite(remindAt) };
    const next = Math.min(remindAt, digestAt);
    if (next === Infinity) {
      await condition(stopped);
      break;
    }
    if (await condition(stopped, Math.max(1, next - Date.now()))) break;
    const at = new Date().toISOString();
    if (Date.now() >= remindAt) {
      await runCycleStep({ directiveId, cycle, step: { at, kind: 'remind', tier: 0 }, issuerTier });
      remindAt = Infinity;
    }
    if (Date.now() >= digestAt) {
      await runCycleStep({ directiveId, cycle, step: { at, kind: 'digest', tier: 0 }, issuerTier });
      digestAt += adhoc.digestSeconds! * 1000;
    }
  }
  return null;
}
