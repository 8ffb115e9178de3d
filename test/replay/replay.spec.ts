/**
 * Replays every committed history (test/replay/histories/*.json) against the current workflow code: a change that
 * would break running workflows fails here. Capture new histories with `npm run replay:capture`.
 */
import { join } from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import * as workflows from '../../workflows/src';
import { workflowBundleOptions } from '@cascade/temporal';
import { loadHistories } from './histories';

jest.setTimeout(120_000);

const histories = loadHistories();

beforeAll(() => {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') }); // the bundler's and replayer's chatter stays out of CI logs
  } catch {
    // already installed in this process
  }
});

function replayOptions(workflowsPath?: string) {
  const { workflowsPath: path, webpackConfigHook } = workflowBundleOptions(workflowsPath);
  return { workflowsPath: path, bundlerOptions: { webpackConfigHook } };
}

describe('replay of committed histories', () => {
  it('has a captured history for every workflow type the worker registers', () => {
    const captured = new Set(histories.map((h) => h.workflowType));
    for (const type of Object.keys(workflows)) expect(captured).toContain(type);
  });

  it('replays every history without error', async () => {
    expect(histories.length).toBeGreaterThan(0);
    const results = Worker.runReplayHistories(
      replayOptions(),
      histories.map(({ workflowId, history }) => ({ workflowId, history })),
    );
    const outcomes: { workflowId: string; error?: string }[] = [];
    for await (const result of results) {
      outcomes.push({
        workflowId: result.workflowId,
        ...(result.error ? { error: String(result.error) } : {}),
      });
    }
    expect(outcomes).toEqual(histories.map(({ workflowId }) => ({ workflowId })));
  });

  it('reports a DeterminismViolationError when the workflow code changed incompatibly', async () => {
    const probe = histories.find((h) => h.workflowType === 'probeWorkflow');
    expect(probe).toBeDefined();
    await expect(
      Worker.runReplayHistory(
        replayOptions(join(__dirname, 'fixtures', 'changed-workflows.ts')),
        probe!.history,
        probe!.workflowId,
      ),
    ).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});
