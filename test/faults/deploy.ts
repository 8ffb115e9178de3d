/**
 * Fault 10: a deployment of changed workflow code while a directive is mid-cycle. The suite builds two real variants
 * of workflows/ (copied into the run's directory, bundled by apps/worker/src/build-workflow-bundle.ts as production
 * bundles are): in both, `reportingWorkflow` asks for its plan a second time right after the first; in the patched
 * one that second call sits behind `patched('fault-deploy-probe')`, in the other it does not (an incompatible change).
 * The worker that replaces the killed one at fault 2 (cycle 0's reports in, its deadline's timer pending) and every
 * worker started after it run the patched bundle. Checked afterwards, with one check for both bundles (`deployCheck`):
 * no run of the directive has a workflow task failed (bar UNHANDLED_COMMAND, a signal racing a completion) and every
 * history replays against the patched bundle; the runs that were running at the deploy finished, were carried on by
 * the new workers, and carry no marker; the runs started after it carry the patch marker; and the same check flags
 * the runs that spanned the deploy as nondeterministic against the unpatched bundle (the negative control).
 */
import { execFile } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { temporal } from '@temporalio/proto';
import { replayRuns, type WorkflowRun } from '@cascade/temporal';

export const DEPLOY_PATCH = 'fault-deploy-probe';
const ANCHOR =
  'let plan = await reportingPlan({ directiveId: input.directiveId, cycle: input.cycle, ...schedule });';
const AGAIN =
  'plan = await reportingPlan({ directiveId: input.directiveId, cycle: input.cycle, ...schedule });';

/** Builds the variant of workflows/ (patched or not) into `dir`; answers the bundle's path. */
export async function buildDeployVariant(root: string, dir: string, kind: 'patched' | 'unpatched') {
  const src = join(dir, `workflows-${kind}`, 'src');
  cpSync(join(root, 'workflows', 'src'), src, { recursive: true });
  const file = join(src, 'reporting.workflow.ts');
  const code = readFileSync(file, 'utf8');
  if (!code.includes(ANCHOR)) throw new Error(`fault 10: reporting.workflow.ts no longer has «${ANCHOR}»`);
  const probe = kind === 'patched' ? `if (patched('${DEPLOY_PATCH}')) ${AGAIN}` : AGAIN;
  writeFileSync(file, code.replace(ANCHOR, `${ANCHOR}\n  ${probe}`));
  const out = join(dir, `workflow-bundle-${kind}.js`);
  await promisify(execFile)(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      'apps/worker/src/build-workflow-bundle.ts',
      out,
      join(src, 'index.ts'),
    ],
    { cwd: root },
  );
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
