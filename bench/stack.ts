/**
 * The bench's own stack: its own Temporal dev server and data file, its own PostgreSQL cluster (bench/postgres.ts),
 * Cascade's API and worker in their own processes, the raw arms' worker and bare database pool; and its teardown.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import { SEARCH_ATTRIBUTE_KEYS } from '@cascade/contracts';
import { ensureDatabase, runMigrations } from '@cascade/persistence';
import { bareDb } from './bare';
import { say, until } from './measure';
import { ROOT } from './options';
import { machineInfo, startCluster, STATEMENTS } from './postgres';
import { header } from './report';

function script(path: string, args: string[] = []): string {
  return execFileSync('bash', [join(ROOT, path), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/** The same database through the server's Unix socket when the server runs on this host, else the URL as it is. */
async function socketUrl(url: string): Promise<string> {
  const parsed = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) return url;
  const c = new PgClient({ connectionString: url });
  await c.connect();
  try {
    const dirs = (await c.query<{ d: string }>(`SELECT current_setting('unix_socket_directories') AS d`))
      .rows[0].d;
    const port = parsed.port || '5432';
    const dir = dirs
      .split(',')
      .map((d) => d.trim())
      .find((d) => d && existsSync(join(d, `.s.PGSQL.${port}`)));
    if (!dir) return url;
    // (node-postgres takes the host from the query; the URL keeps a hostname so that it stays a valid URL.)
    parsed.searchParams.set('host', dir);
    parsed.searchParams.set('port', port);
    return parsed.toString();
  } finally {
    await c.end();
  }
}

/** Stops what the run started, for a run that fails half-way. */
export const onFailure: (() => unknown)[] = [];

export type Stack = Awaited<ReturnType<typeof startStack>>;

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const port = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });

export async function startStack(runId: string) {
  const temporalCli = script('infra/bin/temporal-cli.sh');
  const cluster = startCluster(await freePort(), script);
  onFailure.push(() => cluster.stop());
  const pgServer = cluster.server;
  const databaseUrl = `${pgServer}/cascade_bench_${runId}`;
  await ensureDatabase(databaseUrl);
  await runMigrations(databaseUrl);
  if (STATEMENTS && cluster.own) {
    const c = new PgClient({ connectionString: databaseUrl });
    await c.connect();
    await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await c.end();
  }
  // The API and the worker reach a PostgreSQL on this host through its Unix socket, as a single-host deployment should
  // (BENCH_PG_TCP=1: through TCP on the loopback instead).
  const appDatabaseUrl = process.env.BENCH_PG_TCP === '1' ? databaseUrl : await socketUrl(databaseUrl);
  mkdirSync(join(ROOT, '.data', 'bench'), { recursive: true });
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCli },
      ip: '127.0.0.1',
      dbFilename: join(ROOT, '.data', 'bench', `temporal-${runId}.db`),
      extraArgs: ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL'],
      searchAttributes: SEARCH_ATTRIBUTE_KEYS,
    },
  });
  onFailure.push(() => env.teardown());
  Object.assign(process.env, {
    NODE_ENV: 'production',
    LOG_LEVEL: 'error',
    DATABASE_URL: appDatabaseUrl,
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: `cascade-bench-${runId}`,
    WORKER_HEALTH_PORT: '0',
    WORKFLOW_BUNDLE_PATH: '',
    JWT_SECRET: randomBytes(48).toString('base64url'),
    SIGNING_KEY_SECRET: randomBytes(48).toString('base64url'),
  });
  // Cascade's API and worker in their own processes, as deployed (the compiled code and workflow bundle): the load
  // generator (this process) does not share the API's event loop, and S6 reads the worker's own memory.
  const app = (main: string, extra: Record<string, string>) =>
    spawn(
      process.execPath,
      [
        // BENCH_PROFILE_DIR: CPU profiles of the API and the worker, written when they stop.
        ...(process.env.BENCH_PROFILE_DIR
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
          : []),
        '-r',
        'tsconfig-paths/register',
        main,
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          TS_NODE_BASEURL: './dist',
          WORKFLOW_BUNDLE_PATH: join(ROOT, 'dist', 'workflow-bundle.js'),
          ...extra,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  const apiPort = await freePort();
  const api = app('dist/apps/api/src/main.js', {
    PORT: String(apiPort),
    API_PROCESSES: process.env.BENCH_API_PROCESSES ?? '1',
  });
  onFailure.push(() => api.kill('SIGKILL'));
  const base = `http://127.0.0.1:${apiPort}`;
  const healthPort = await freePort();
  const worker = app('dist/apps/worker/src/main.js', { WORKER_HEALTH_PORT: String(healthPort) });
  onFailure.push(() => worker.kill('SIGKILL'));
  for (const [what, url] of [
    ['the API', `${base}/health`],
    ['the worker', `http://127.0.0.1:${healthPort}/health`],
  ])
    await until(what, async () => (await fetch(url).catch(() => null))?.ok, 120_000, 200);
  // CPU seconds used so far by the API (its processes), PostgreSQL's processes and this one, from /proc: what one
  // request costs each, for the README's account of what limits ingest.
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const cpuNow = () => {
    const used = { api: 0, postgres: 0, load: 0 };
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(f[11]) + Number(f[12])) / ticks;
      const pid = Number(d);
      if (pid === api.pid || Number(f[1]) === api.pid) used.api += seconds;
      else if (comm === 'postgres') used.postgres += seconds;
      else if (pid === process.pid) used.load += seconds;
    }
    return used;
  };
  const workerRss = () => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${worker.pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  };
  const rawQueue = `raw-${runId}`;
  const rawWorker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: rawQueue,
    workflowsPath: require.resolve('./raw-workflows'),
    activities: { noop: async () => {} },
    maxCachedWorkflows: 1000,
  });
  const rawRun = rawWorker.run();
  const client = env.client;
  const pg = new PgClient({ connectionString: databaseUrl });
  await pg.connect();
  // The raw arms' bare connections: as many as one API process has (DATABASE_POOL_SIZE, 10 by default).
  const bare = bareDb(appDatabaseUrl, Number(process.env.DATABASE_POOL_SIZE) || 10);
  const machine = await machineInfo(databaseUrl, cluster);
  say(`the run's settings:\n${header(machine)}`);
  say(`stack up: API ${base}, Temporal ${env.address}, database ${databaseUrl.replace(/.*\//, '')}`);
  return {
    cluster,
    machine,
    bare,
    pgServer,
    databaseUrl,
    env,
    api,
    worker,
    base,
    cpuNow,
    workerRss,
    rawQueue,
    rawWorker,
    rawRun,
    client,
    pg,
  };
}

export async function stopStack(
  { cluster, bare, pgServer, env, api, worker, rawWorker, rawRun, pg }: Stack,
  runId: string,
) {
  await pg.end();
  await bare.end();
  rawWorker.shutdown();
  await rawRun;
  worker.kill('SIGTERM');
  await new Promise((r) => worker.once('exit', r));
  api.kill('SIGTERM');
  await new Promise((r) => api.once('exit', r));
  await env.teardown();
  // The bench's cluster, or on a fallback server its database, goes with its run (the results are in the JSON file).
  if (cluster.own) return cluster.stop();
  const server = new PgClient({ connectionString: `${pgServer}/postgres` });
  await server.connect();
  await server.query(`DROP DATABASE IF EXISTS cascade_bench_${runId}`);
  await server.end();
}
