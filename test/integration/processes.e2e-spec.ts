/**
 * The API and the worker as real processes: configuration is validated at boot (a bad variable stops the process
 * with a message naming it) and SIGTERM shuts each down cleanly.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { probeStateQuery, probeWorkflowId, probeWorkflowType } from '@cascade/contracts';
import { waitFor } from './support/wait-for';
import { freePort } from './support/ports';

jest.setTimeout(120_000);

const root = join(__dirname, '..', '..');
const entry = { api: 'apps/api/src/main.ts', worker: 'apps/worker/src/main.ts' };

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** An app from source, as in development: the worker bundles the workflows itself unless `env` names a bundle. */
function run(app: keyof typeof entry, env: Record<string, string>): Run {
  // the suite's own bundle (global-setup.ts) is the in-process workers', not a development run's
  const { WORKFLOW_BUNDLE_PATH: _suite, ...inherited } = process.env;
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', entry[app]],
    { cwd: root, env: { ...inherited, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

async function healthy(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health`)).status === 200;
  } catch {
    return false;
  }
}

describe.each(['api', 'worker'] as const)('the %s process', (app) => {
  it('refuses to start on a bad variable, naming it', async () => {
    const bad: Record<string, string> =
      app === 'api' ? { PORT: 'eighty' } : { TEMPORAL_ADDRESS: 'not an address' };
    const proc = run(app, bad);
    const exit = await Promise.race([
      proc.exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000).unref()),
    ]);
    if (exit === 'timeout') proc.child.kill('SIGKILL');
    expect(exit).toEqual({ code: 78, signal: null });
    expect(proc.output()).toContain('Invalid configuration');
    expect(proc.output()).toContain(Object.keys(bad)[0]);
    expect(proc.output()).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it('serves /health and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const proc = run(app, app === 'api' ? { PORT: String(port) } : { WORKER_HEALTH_PORT: String(port) });
    try {
      await waitFor(`${app} /health to answer 200`, () => healthy(port), {
        timeoutMs: 90_000,
        intervalMs: 250,
      });
      proc.child.kill('SIGTERM');
      const exit = await Promise.race([
        proc.exited,
        new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000).unref()),
      ]);
      // Nest closes the app, then exits 0 (process.exit, so that pino flushes its last lines).
      expect(exit).toEqual({ code: 0, signal: null });
      expect(proc.output()).toContain('shutting down on SIGTERM');
      // The worker drains before its connection closes; both close their PostgreSQL pool.
      expect(proc.output()).toContain('PostgreSQL pool closed');
      if (app === 'worker') {
        expect(proc.output()).toContain('worker stopped');
        expect(proc.output()).toContain('Workflow bundle created'); // development: bundled from source
      }
    } finally {
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    }
  });
});

/** The live child processes of a process (from /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[1]) === pid && fields[0] !== 'Z' ? [Number(d)] : [];
      } catch {
        return []; // gone meanwhile
      }
    });
}

describe('the API as a cluster (API_PROCESSES)', () => {
  it('serves from that many processes, replaces one that dies, and stops them all on SIGTERM', async () => {
    const port = await freePort();
    const proc = run('api', { PORT: String(port), API_PROCESSES: '2' });
    try {
      await waitFor('the API /health to answer 200', () => healthy(port), {
        timeoutMs: 90_000,
        intervalMs: 250,
      });
      await waitFor(
        'both API processes to start',
        () => (proc.output().match(/Nest application successfully started/g)?.length ?? 0) >= 2,
        { timeoutMs: 90_000, intervalMs: 250 },
      );
      const first = await waitFor('two API processes', () => {
        const kids = childrenOf(proc.child.pid!);
        return kids.length === 2 && kids;
      });
      // One of them dies: the primary starts another, and the port keeps answering.
      process.kill(first[0], 'SIGKILL');
      const second = await waitFor(
        'a new API process in place of the one killed',
        () => {
          const kids = childrenOf(proc.child.pid!);
          return kids.length === 2 && !kids.includes(first[0]) && kids;
        },
        { timeoutMs: 90_000, intervalMs: 250 },
      );
      expect(second).toContain(first[1]);
      await waitFor(
        'the new API process to start',
        () => (proc.output().match(/Nest application successfully started/g)?.length ?? 0) >= 3,
        { timeoutMs: 90_000, intervalMs: 250 },
      );
      await waitFor('the API /health to answer 200', () => healthy(port), {
        timeoutMs: 90_000,
        intervalMs: 250,
      });
      expect(proc.output()).toContain(`API process ${first[0]} exited (SIGKILL)`);
      proc.child.kill('SIGTERM');
      const exit = await Promise.race([
        proc.exited,
        new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000).unref()),
      ]);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(
        second.filter((pid) => existsSync(`/proc/${pid}/stat`) && childrenOf(proc.child.pid!).includes(pid)),
      ).toEqual([]);
      expect(proc.output().match(/PostgreSQL pool closed/g)?.length).toBe(2);
    } finally {
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    }
  });
});

describe('the production workflow bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cascade-bundle-'));
  const bundle = join(dir, 'workflow-bundle.js');
  const build = (...args: string[]) =>
    spawnSync(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        'apps/worker/src/build-workflow-bundle.ts',
        ...args,
      ],
      { cwd: root, encoding: 'utf8' },
    );

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails the build with a non-zero exit when the workflows do not bundle', () => {
    const result = build(join(dir, 'broken.js'), join(dir, 'no-such-workflows.ts'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('workflow bundle failed');
    expect(existsSync(join(dir, 'broken.js'))).toBe(false);
  });

  it('runs workflows in a worker started from the prebuilt bundle', async () => {
    expect(build(bundle).status).toBe(0);
    const taskQueue = `bundle-${Date.now()}`;
    const port = await freePort();
    const proc = run('worker', {
      WORKFLOW_BUNDLE_PATH: bundle,
      TEMPORAL_TASK_QUEUE: taskQueue,
      WORKER_HEALTH_PORT: String(port),
    });
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
    try {
      await waitFor('the bundled worker to be healthy', () => healthy(port), {
        timeoutMs: 90_000,
        intervalMs: 250,
      });
      const probeId = `prb_${Date.now().toString(16).padStart(24, '0')}`;
      const handle = await new Client({ connection }).workflow.start(probeWorkflowType, {
        workflowId: probeWorkflowId(probeId),
        taskQueue,
        args: [{ probeId, message: 'from the bundle' }],
      });
      const state = await waitFor('the bundled workflow to record its probe', async () => {
        const s = await handle.query(probeStateQuery);
        return s.status === 'recorded' ? s : undefined;
      });
      expect(state.message).toBe('from the bundle');
      // It ran the file it was given: a worker that bundles from source logs the bundling.
      expect(proc.output()).not.toContain('Workflow bundle created');
      await handle.terminate('test done');
    } finally {
      await connection.close();
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
  });
});
