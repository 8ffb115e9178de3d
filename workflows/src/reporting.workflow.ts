import { condition, continueAsNew, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import {
  DirectiveFailure,
  reportingStateQuery,
  stopReportingSignal,
  type ReportingState,
  type DirectiveActivities,
  type ReportingWorkflowInput,
} from '@cascade/contracts';
import { cycleSteps } from '@cascade/domain';

const { reportingPlan, runCycleStep } = proxyActivities<DirectiveActivities>({
  startToCloseTimeout: '5 minutes',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [DirectiveFailure.INVALID_STATE],
  },
});

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
  let plan = await reportingPlan({ directiveId: input.directiveId, cycle: input.cycle });
  if (!plan.cycle) return { cycles: input.cycle ?? 0 };
  if (patched('stored-cycles')) {
    // Until a cycle opens, a corrected calendar may still move its deadlines: wait for the opening, then read the
    // stored cycle again (it no longer changes once open, by the database's clock).
    while (plan.cycle && plan.opened === false) {
      live.cycle = plan.cycle;
      const wait = Math.max(1_000, Date.parse(plan.cycle.opensAt) - Date.now());
      if (await condition(() => stopped, wait)) return { cycles: plan.cycle.index };
      plan = await reportingPlan({ directiveId: input.directiveId, cycle: plan.cycle.index });
    }
    if (!plan.cycle) return { cycles: input.cycle ?? 0 };
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
  return continueAsNew<typeof reportingWorkflow>({ directiveId: input.directiveId, cycle: cycle + 1 });
}
