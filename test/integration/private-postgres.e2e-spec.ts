/**
 * The private PostgreSQL cluster (`infra/bin/postgres.sh private`, which the fault suite and a machine without a
 * server use) starts from a clone in a directory only its owner may enter — a root home directory is mode 700, and
 * as root initdb runs as the postgres account, which cannot enter it: the cluster then lives in a directory of its
 * own, and `stop` finds it again.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { freePort } from './support/ports';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');

const script = (args: string[], env: Record<string, string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      'bash',
      [join(ROOT, 'infra', 'bin', 'postgres.sh'), ...args],
      { env: { ...process.env, DATABASE_URL: '', ...env }, timeout: 150_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? ((error as { code?: number }).code ?? 1) : 0,
          stdout: stdout.trim(),
          stderr,
        }),
    );
  });

it('starts, answers and stops from a clone in a mode-700 directory', async () => {
  // a home directory of its own, mode 700, as root's is: the data directory of a clone inside it
  const home = mkdtempSync(join(tmpdir(), 'cascade-home-'));
  chmodSync(home, 0o700);
  const env = {
    CASCADE_DATA_DIR: join(home, 'clone', '.data'),
    CASCADE_PRIVATE_PG_PORT: String(await freePort()),
  };
  let clusterDir: string | undefined;
  try {
    const started = await script(['private'], env);
    expect([started.code, started.stdout]).toEqual([
      0,
      `postgres://postgres@127.0.0.1:${env.CASCADE_PRIVATE_PG_PORT}`,
    ]);
    clusterDir = /the private cluster is in (\S+)/.exec(started.stderr)?.[1];
    if (process.getuid?.() === 0) expect(clusterDir).toMatch(/cascade-postgres-[0-9a-f]{12}$/);
    const pg = new PgClient({ connectionString: `${started.stdout}/postgres` });
    await pg.connect();
    try {
      expect((await pg.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pg.end();
    }
    // a second start finds the running cluster; stop finds it again
    expect((await script(['private'], env)).code).toBe(0);
    const stopped = await script(['stop'], env);
    expect([stopped.code, stopped.stderr]).toEqual([
      0,
      expect.stringContaining('private PostgreSQL stopped'),
    ]);
  } finally {
    await script(['stop'], env);
    rmSync(home, { recursive: true, force: true });
    if (clusterDir) rmSync(clusterDir, { recursive: true, force: true });
  }
});
