/**
 * Fault 10: a deployment of changed workflow code while a directive is mid-cycle. The suite writes two variants of
 * the build's workflow bundle (dist/workflow-bundle.js, which the workers run until then) into the run's directory:
 * in both, `reportingWorkflow` asks for its plan a second time right after the first; in the patched
 * one that second call sits behind `patched('fault-deploy-probe')`, in the other it does not (an incompatible change).
 * The worker that replaces the killed one at fault 2 (cycle 0's reports in, its deadline's timer pending) and every
 * worker started after it run the patched bundle. Checked afterwards, with one check for both bundles (`deployCheck`):
 * no run of the directive has a workflow task failed (bar UNHANDLED_COMMAND, a signal racing a completion) and every
 * history replays against the patched bundle; the runs that were running at the deploy finished, were carried on by
 * the new workers, and carry no marker; the runs started after it carry the patch marker; and the same check flags
 * the runs that spanned the deploy as nondeterministic against the unpatched bundle (the negative control).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { replayRuns, type WorkflowRun } from '@cascade/temporal';

export const DEPLOY_PATCH = 'fault-deploy-probe';
/** reportingWorkflow's first call for its plan, as the production build compiles it (SWC, through webpack). */
const FIRST_PLAN =
  /\n( *)let plan = await reportingPlan\((_object_spread\(\{\s*directiveId: input\.directiveId,\s*cycle: input\.cycle\s*\}, schedule\))\);/g;
/** The workflow module's import of @temporalio/workflow in the bundle, whose `patched` the probe calls. */
const WORKFLOW_IMPORT = /\(0,(_temporalio_workflow__WEBPACK_IMPORTED_MODULE_\d+__)\.setHandler\)/g;

/**
 * Writes the variant of the build's workflow bundle (patched or not) into `dir`; answers its path. It is the bundle
 * the workers run with one change, inserted into its text (no second bundling: a webpack build costs the quick run
 * several seconds of CPU at startup): right after reportingWorkflow's first call for its plan, a second one,
 * behind `patched('fault-deploy-probe')` or not. Fails when the bundle no longer has that call exactly once.
 */
export function buildDeployVariant(bundlePath: string, dir: string, kind: 'patched' | 'unpatched') {
  const code = readFileSync(bundlePath, 'utf8');
  const calls = [...code.matchAll(FIRST_PLAN)];
  if (calls.length !== 1)
    throw new Error(
      `fault 10: ${bundlePath} has ${calls.length} first plan calls of reportingWorkflow, not 1`,
    );
  const [call] = calls;
  const imports = [...code.slice(0, call.index).matchAll(WORKFLOW_IMPORT)];
  if (imports.length === 0)
    throw new Error(`fault 10: no import of @temporalio/workflow before the plan call`);
  const workflow = imports[imports.length - 1][1];
  const again = `plan = await reportingPlan(${call[2]});`;
  const probe = kind === 'patched' ? `if ((0,${workflow}.patched)('${DEPLOY_PATCH}')) ${again}` : again;
  const at = call.index + call[0].length;
  const out = join(dir, `workflow-bundle-${kind}.js`);
  writeFileSync(out, `${code.slice(0, at)}\n${call[1]}${probe}${code.slice(at)}`);
  return out;
}

const { WorkflowTaskFailedCause } = temporal.api.enums.v1;
const events = (r: WorkflowRun) => r.history.events ?? [];
const label = (r: { type: string; runId: string }) => `${r.type}/${r.runId.slice(0, 8)}`;

/** The one check of a deployment, for the bundle deployed and for the negative control alike. */
export async function deployCheck(runs: WorkflowRun[], bundlePath: string) {
  const failedTasks = runs.flatMap((r) =>
    events(r)
      .filter(
        (e) =>
          e.workflowTaskFailedEventAttributes &&
          e.workflowTaskFailedEventAttributes.cause !==
            WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
      )
      .map(
        (e) =>
          `${label(r)}: ${WorkflowTaskFailedCause[e.workflowTaskFailedEventAttributes!.cause ?? 0]} ${e.workflowTaskFailedEventAttributes!.failure?.message ?? ''}`,
      ),
  );
  const verdicts = await replayRuns(runs, { bundlePath });
  const diverging = verdicts.filter((v) => !v.reproduces).map((v) => `${label(v)}: ${v.error ?? ''}`);
  return { failedTasks, diverging };
}

const hasProbeMarker = (r: WorkflowRun) =>
  events(r).some(
    (e) =>
      e.markerRecordedEventAttributes &&
      Object.values(e.markerRecordedEventAttributes.details ?? {}).some((p) =>
        (p.payloads ?? []).some((x) =>
          Buffer.from(x.data ?? [])
            .toString('utf8')
            .includes(DEPLOY_PATCH),
        ),
      ),
  );

export interface Deployment {
  at: number;
  /** The runs of the directive running when the old worker went (workflow id → run id). */
  running: { workflowId: string; runId: string; type: string }[];
  /** `pid@host` of every worker started on the new bundle. */
  identities: Set<string>;
  patched: string;
  unpatched: string;
}

export const identityOf = (pid: number | undefined) => `${pid}@${hostname()}`;

/** The invariants of fault 10 over every run of the directive, read at the end. */
export async function deployChecks(d: Deployment, runs: WorkflowRun[]): Promise<[boolean, string][]> {
  const out: [boolean, string][] = [];
  const spanned = d.running
    .map((x) => runs.find((r) => r.runId === x.runId))
    .filter((r): r is WorkflowRun => !!r);
  out.push([
    spanned.length === d.running.length && spanned.some((r) => r.type === 'reportingWorkflow'),
    `fault 10: the deploy came while cycle 0's reporting run was running (${d.running.map(label).join(', ')}; ${spanned.length} found afterwards)`,
  ]);
  // carried on by the new code: workflow tasks of the old cycle's run completed after the deploy by a worker on the
  // new bundle (the directive's own workflow gets a task only when something happens to it, which may not be soon)
  const carriedOn = (r: WorkflowRun) =>
    events(r).some(
      (e) =>
        e.workflowTaskCompletedEventAttributes &&
        d.identities.has(e.workflowTaskCompletedEventAttributes.identity ?? ''),
    );
  const cycleRuns = spanned.filter((r) => r.type === 'reportingWorkflow');
  out.push([
    cycleRuns.length > 0 && cycleRuns.every(carriedOn),
    `fault 10: the reporting run running at the deploy was carried on by a worker on the new bundle (${cycleRuns.filter(carriedOn).length}/${cycleRuns.length}; of the others ${spanned.filter((r) => r.type !== 'reportingWorkflow' && carriedOn(r)).length}/${spanned.length - cycleRuns.length} had a task since)`,
  ]);
  // the old cycle ran to its end (the directive's own workflow runs until the directive closes)
  const oldCycles = cycleRuns;
  const unfinished = oldCycles.filter((r) => r.status === 'RUNNING');
  out.push([
    oldCycles.length > 0 && unfinished.length === 0,
    `fault 10: the reporting runs that spanned the deploy finished (${oldCycles.map((r) => r.status).join(', ')})`,
  ]);
  const marked = spanned.filter(hasProbeMarker);
  out.push([
    marked.length === 0,
    `fault 10: no run started before the deploy took the new branch (${marked.length} marked)`,
  ]);
  const started = new Set(d.running.map((x) => x.runId));
  const newer = runs.filter(
    (r) =>
      r.type === 'reportingWorkflow' &&
      !started.has(r.runId) &&
      Number(String(events(r)[0]?.eventTime?.seconds ?? 0)) * 1000 > d.at - 1_000,
  );
  const newerMarked = newer.filter(hasProbeMarker);
  out.push([
    newer.length > 0 && newerMarked.length === newer.length,
    `fault 10: every reporting run started after the deploy carries the patch marker «${DEPLOY_PATCH}» (${newerMarked.length}/${newer.length})`,
  ]);
  const now = await deployCheck(runs, d.patched);
  out.push([
    now.failedTasks.length === 0 && now.diverging.length === 0 && runs.length > 0,
    `fault 10: no workflow task failed and every history replays against the deployed bundle (${runs.length} runs; ${now.failedTasks.length} failed tasks, ${now.diverging.length} diverge)${[...now.failedTasks, ...now.diverging].map((x) => `\n      ${x}`).join('')}`,
  ]);
  // the negative control: the same change without patched() is caught by the same check
  const control = await deployCheck(
    spanned.filter((r) => r.type === 'reportingWorkflow'),
    d.unpatched,
  );
  const nondeterministic = control.diverging.filter((x) => /nondetermin|determinism/i.test(x));
  out.push([
    nondeterministic.length > 0 && nondeterministic.length === control.diverging.length,
    `fault 10 negative control: the unpatched change is caught as nondeterministic in the runs that spanned the deploy (${nondeterministic.length} of ${spanned.filter((r) => r.type === 'reportingWorkflow').length})${control.diverging
      .slice(0, 1)
      .map((x) => `\n      ${x.slice(0, 240)}`)
      .join('')}`,
  ]);
  return out;
}
