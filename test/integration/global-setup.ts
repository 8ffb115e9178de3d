/**
 * Starts what the integration tests talk to, fresh for every run: the Temporal dev server (the CLI found or built
 * by infra/bin/temporal-cli.sh, passed to the SDK as `existing-path`) on a free port with a new SQLite file, and a
 * new PostgreSQL database with the migrations applied. The tests find them through process.env.
 * With CASCADE_TEMPORAL=cluster, a real Temporal cluster instead (infra/bin/temporal-server.sh: PostgreSQL, 8
 * history shards, two history processes), on databases of its own on the same PostgreSQL server.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { SEARCH_ATTRIBUTE_KEYS } from '../../libs/contracts/src/temporal';
import { workflowBundleOptions } from '../../libs/temporal/src/workflow-bundle';
import { ensureDatabase, runMigrations } from '../../libs/persistence/src/database-admin';
import { freePort } from './support/ports';
import { startTemporalCluster, TemporalCluster } from './support/temporal-cluster';

const root = join(__dirname, '..', '..');

export interface TestStack {
  env?: TestWorkflowEnvironment;
  cluster?: TemporalCluster;
  databaseUrl: string;
  temporalDbFile: string;
  /** The workflow code bundled once for the run, which every worker a spec starts loads (WORKFLOW_BUNDLE_PATH). */
  workflowBundle: string;
  dataDir: string;
}

function script(path: string, args: string[] = []): string {
  return execFileSync('bash', [join(root, path), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}${process.pid}`;
  const temporalCli = script('infra/bin/temporal-cli.sh');
  const pgServer = script('infra/bin/postgres.sh', ['ensure']);

  const databaseUrl = `${pgServer}/cascade_test_${runId}`;
  await ensureDatabase(databaseUrl);
  await runMigrations(databaseUrl);

  const dataDir = join(root, '.data', 'test');
  mkdirSync(dataDir, { recursive: true });
  const temporalDbFile = join(dataDir, `temporal-${runId}.db`);
  // The workflows bundled once here, as the production worker loads dist/workflow-bundle.js, instead of webpack
  // running again in each of the ~30 spec files that start a worker (5–10 s of CPU apiece).
  const workflowBundle = join(dataDir, `workflow-bundle-${runId}.js`);
  writeFileSync(
    workflowBundle,
    (await bundleWorkflowCode({ ...workflowBundleOptions(), logger: new DefaultLogger('WARN') })).code,
  );
  const mode = process.env.CASCADE_TEMPORAL ?? 'dev';
  if (mode !== 'dev' && mode !== 'cluster')
    throw new Error(`CASCADE_TEMPORAL must be dev or cluster, not ${mode}`);
  const stack: TestStack = { databaseUrl, temporalDbFile, workflowBundle, dataDir };
  if (mode === 'cluster') {
    process.env.TEMPORAL_CLI ??= temporalCli;
    stack.cluster = startTemporalCluster({
      dir: join(dataDir, `temporal-cluster-${runId}`),
      port: await freePort(),
      pgServer,
      database: `temporal_test_${runId}`,
    });
  } else {
    stack.env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: temporalCli },
        ip: '127.0.0.1',
        dbFilename: temporalDbFile,
        extraArgs: ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL'],
        searchAttributes: SEARCH_ATTRIBUTE_KEYS,
      },
    });
  }

  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: stack.cluster?.address ?? stack.env!.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: `cascade-test-${runId}`,
    CASCADE_TEMPORAL_CLI: temporalCli,
    WORKFLOW_BUNDLE_PATH: workflowBundle,
    JWT_SECRET: randomBytes(48).toString('base64url'),
    SIGNING_KEY_SECRET: randomBytes(48).toString('base64url'),
    // Every spec file signs in from 127.0.0.1 against one database: an address's failure count would carry from one
    // file to the next. The specs that test it set their own.
    LOGIN_MAX_FAILURES_PER_ADDRESS: '100000',
  });
  (globalThis as { __CASCADE_STACK__?: TestStack }).__CASCADE_STACK__ = stack;
}
