/**
 * The API and the worker as real processes: configuration is validated at boot (a bad variable stops the process
 * with a message naming it) and SIGTERM shuts each down cleanly.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor } from './support/wait-for';

jest.setTimeout(120_000);

const root = join(__dirname, '..', '..');
const entry = { api: 'apps/api/src/main.ts', worker: 'apps/worker/src/main.ts' };

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(app: keyof typeof entry, env: Record<string, string>): Run {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', entry[app]],
    { cwd: root, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
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
      if (app === 'worker') expect(proc.output()).toContain('worker stopped');
    } finally {
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    }
  });
});
