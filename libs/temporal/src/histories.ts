import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { directiveWorkflowId, dispatchHubWorkflowId, reportingWorkflowId } from '@cascade/contracts';
import { directiveFamily, dispatchHubUnits, extraScheduleCount } from '@cascade/persistence';
import { workflowBundleOptions } from './workflow-bundle';

export interface WorkflowRun {
  directiveId: string;
  workflowId: string;
  runId: string;
  type: string;
  status: string;
  history: temporal.api.history.v1.IHistory;
}

/**
 * Every workflow run of a directive and of the directives implementing it: the directive's own workflow, its
 * reporting cycles (one run per cycle) and its dispatch hubs (the issuer's and every forwarding unit's), with their
 * histories. Runs are found through Temporal's visibility store, by workflow id.
 */
export async function directiveRuns(
  client: Client,
  db: DataSource,
  directiveId: string,
  { maxRuns = Infinity }: { maxRuns?: number } = {},
): Promise<WorkflowRun[]> {
  const runs: WorkflowRun[] = [];
  for (const member of await directiveFamily(db, directiveId)) {
    const hubs = await dispatchHubUnits(db, member);
    const extra = await extraScheduleCount(db, member);
    const ids = [
      directiveWorkflowId(member),
      reportingWorkflowId(member),
      ...Array.from({ length: extra }, (_, i) => reportingWorkflowId(member, i + 1)),
      ...hubs.map((unitId) => dispatchHubWorkflowId(member, unitId)),
    ];
    for (const workflowId of ids) {
      const found = [];
      for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
        found.push(execution);
        if (runs.length + found.length > maxRuns) throw new TooManyRunsError(maxRuns);
      }
      found.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
      for (const execution of found) {
        const history = await client.workflow.getHandle(workflowId, execution.runId).fetchHistory();
        runs.push({
          directiveId: member,
          workflowId,
          runId: execution.runId,
          type: execution.type,
          status: execution.status.name,
          history,
        });
      }
    }
  }
  return runs;
}

/** More runs than the caller would read at once (`maxRuns`). */
export class TooManyRunsError extends Error {
  constructor(readonly maxRuns: number) {
    super(`more than ${maxRuns} workflow runs`);
  }
}

export const runToJSON = (run: WorkflowRun) => ({
  directiveId: run.directiveId,
  workflowId: run.workflowId,
  runId: run.runId,
  type: run.type,
  status: run.status,
  history: JSON.parse(historyToJSON(run.history)) as unknown,
});

export interface ReplayVerdict {
  workflowId: string;
  runId: string;
  type: string;
  reproduces: boolean;
  /** The first divergence, when the current code does not reproduce the run. */
  error: string | null;
}

/**
 * Replays runs against the current workflow code (the bundle at WORKFLOW_BUNDLE_PATH, else bundled from source) and
 * says, per run, whether it reproduces or where it first diverges. Running workflows replay up to where they are.
 */
export async function replayRuns(
  runs: WorkflowRun[],
  {
    bundlePath = process.env.WORKFLOW_BUNDLE_PATH,
    workflowsPath,
  }: { bundlePath?: string; workflowsPath?: string } = {},
) {
  // A workflows module given explicitly (a version to check before deploying it) wins over the deployed bundle.
  const options: ReplayWorkerOptions =
    bundlePath && !workflowsPath
      ? { workflowBundle: { codePath: bundlePath } }
      : (() => {
          const bundle = workflowBundleOptions(workflowsPath);
          return {
            workflowsPath: bundle.workflowsPath,
            bundlerOptions: { webpackConfigHook: bundle.webpackConfigHook },
          };
        })();
  const verdicts: ReplayVerdict[] = [];
  const results = Worker.runReplayHistories(
    options,
    runs.map((r) => ({ workflowId: `${r.workflowId}#${r.runId}`, history: r.history })),
  );
  for await (const result of results) {
    const [workflowId, runId] = result.workflowId.split('#');
    const run = runs.find((r) => r.workflowId === workflowId && r.runId === runId)!;
    verdicts.push({
      workflowId,
      runId,
      type: run.type,
      reproduces: !result.error,
      error: result.error ? String(result.error) : null,
    });
  }
  return verdicts;
}
