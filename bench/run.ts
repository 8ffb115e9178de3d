/**
 * `npm run bench [-- --quick]`: Cascade against the raw engine, in one run, on its own stack (its own Temporal dev
 * server and data file, its own PostgreSQL database, its own ports), so that it can run beside the dev stack.
 * Prints a table and writes bench/results/<timestamp>.json. See the README's Performance section.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, totalmem, platform, release } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import { SEARCH_ATTRIBUTE_KEYS } from '@cascade/contracts';
import { generateUnits } from '@cascade/domain';
import { bootstrapAdmin, ensureDatabase, OVERDUE_SQL, runMigrations, TREE_SQL } from '@cascade/persistence';
import {
  rawHubWorkflow,
  rawSignal,
  rawUpdate,
  rawSinkWorkflow,
  rawStop,
  rawTimerWorkflow,
  type HubShape,
} from './raw-workflows';

const ROOT = join(__dirname, '..');
const QUICK = process.argv.includes('--quick');
// `--only=S2,S5` runs those scenarios (S1 always runs: the others use its directive; S4 brings S3, whose directive it
// uses), for tuning one figure.
const ONLY = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const want = (id: string) => !ONLY || ONLY.includes(id) || (id === 'S3' && ONLY.includes('S4'));
const UNITS = QUICK ? 1_000 : 10_000;
const IMPORT_UNITS = QUICK ? 10_000 : 100_000;
// Grassroots units per concurrency level of S2 (BENCH_INGEST_UNITS for longer runs while profiling).
const INGEST_UNITS = Number(process.env.BENCH_INGEST_UNITS) || (QUICK ? 150 : 300);
const BATCH = 1_000;

interface Scenario {
  id: string;
  metric: string;
  unit: string;
  value: number;
  raw: number | null;
  ratio: number | null;
  target: string;
  pass: boolean | null;
}
const scenarios: Scenario[] = [];
const say = (m: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}`);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(
  what: string,
  probe: () => Promise<T | false | undefined>,
  timeoutMs = 600_000,
  every = 50,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== false && v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}

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
const onFailure: (() => unknown)[] = [];

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const runId = `${Date.now().toString(36)}${process.pid}`;
  say(`${QUICK ? 'quick' : 'full'} mode: ${UNITS} units, import of ${IMPORT_UNITS}`);

  // --- its own stack --------------------------------------------------------------------------------------------
  const temporalCli = script('infra/bin/temporal-cli.sh');
  const pgServer = script('infra/bin/postgres.sh', ['ensure']);
  const databaseUrl = `${pgServer}/cascade_bench_${runId}`;
  await ensureDatabase(databaseUrl);
  await runMigrations(databaseUrl);
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
  const freePort = () =>
    new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const port = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(port));
      });
    });
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
  say(`stack up: API ${base}, Temporal ${env.address}, database ${databaseUrl.replace(/.*\//, '')}`);

  let keyN = 0;
  const call = async (method: string, path: string, token: string | null, body?: unknown, key?: string) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(method === 'GET' ? {} : { 'idempotency-key': key ?? `bench-${runId}-${keyN++}` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : null) as Record<string, unknown> & { id: string },
    };
  };
  const must = async (what: string, p: ReturnType<typeof call>, ok = [200, 201]) => {
    const r = await p;
    if (!ok.includes(r.status)) throw new Error(`${what} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const password = 'Bench-mật-khẩu-2026';
  const adminEmail = `bench-${runId}@bench.cascade.vn`;
  await bootstrapAdmin(databaseUrl, adminEmail, password, 'Bench');
  const login = async (email: string) =>
    (await must('login', call('POST', '/auth/login', null, { email, password }))).accessToken as string;
  const admin = await login(adminEmail);

  // --- S7 import --------------------------------------------------------------------------------------------------
  if (want('S7')) {
    // depth 5, fan-out 18: up to 111,151 units, cut at the count asked for (the generator refuses a smaller tree)
    const rows = generateUnits({ count: IMPORT_UNITS, depth: 5, fanout: 18, prefix: `IMP${runId}` });
    if (rows.length !== IMPORT_UNITS)
      throw new Error(`S7: ${rows.length} units generated, ${IMPORT_UNITS} asked for`);
    const t0 = performance.now();
    const imported = await must('import', call('POST', '/units/import', admin, { units: rows }));
    const ours = (performance.now() - t0) / 1000;
    if ((imported.created as unknown[]).length !== rows.length)
      throw new Error('import: not every unit created');
    await pg.query(
      `CREATE TEMP TABLE raw_unit (code text PRIMARY KEY, name text, kind text, parent_code text)`,
    );
    const r0 = performance.now();
    await pg.query(
      `INSERT INTO raw_unit SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
      [
        rows.map((r) => r.code),
        rows.map((r) => r.name),
        rows.map((r) => r.kind),
        rows.map((r) => r.parentCode),
      ],
    );
    const raw = (performance.now() - r0) / 1000;
    scenarios.push({
      id: 'S7 import',
      metric: `${rows.length} units into the hierarchy (depth 5)`,
      unit: 's',
      value: round(ours),
      raw: round(raw, 3),
      ratio: round(raw / ours, 3),
      target: '< 60 s (100,000 units)',
      pass: ours < 60,
    });
    say(`S7 import: ${round(ours)} s (bare INSERT of the rows: ${round(raw, 3)} s)`);
  }

  // --- the tree for the directive ---------------------------------------------------------------------------------
  const prefix = `B${runId}`;
  const units = generateUnits({ count: UNITS, depth: 4, fanout: QUICK ? 10 : 22, prefix });
  const tree = await must('units', call('POST', '/units/import', admin, { units }));
  const idOf = new Map((tree.created as { code: string; id: string }[]).map((c) => [c.code, c.id]));
  const rootId = idOf.get(`${prefix}-1`)!;
  const member = async (unitId: string, role: string, extra: object = {}) => {
    const email = `${role}-${randomBytes(4).toString('hex')}@bench.cascade.vn`;
    const u = await must(
      'user',
      call('POST', '/users', admin, { email, name: role, password, membership: { unitId, role, ...extra } }),
    );
    return { id: u.id, token: await login(email) };
  };
  const clerk = await member(rootId, 'clerk');
  const leader = await member(rootId, 'leader', { authority: 'TM. BAN THƯỜNG VỤ', position: 'CHỦ TỊCH' });
  await must('chain', call('PUT', `/units/${rootId}/review-chain`, admin, { reviewerIds: [leader.id] }));
  const form = {
    fields: [
      { key: 'sessions', label: 'Số buổi', type: 'integer', required: true, min: 0, aggregate: 'sum' },
      { key: 'done', label: 'Đã quán triệt', type: 'boolean', required: true, aggregate: 'countTrue' },
    ],
  };
  const issue = async (reporting: object) => {
    const d = await must(
      'draft',
      call('POST', '/directives', clerk.token, {
        issuerId: rootId,
        type: 'KH',
        subject: `Kế hoạch đo hiệu năng ${runId}`,
        tasks: ['Đo.'],
        addressees: { mode: 'subtree', depth: 3 },
        reporting,
      }),
    );
    await must('submit', call('POST', `/directives/${d.id}/submit`, clerk.token, { version: 1 }));
    await must(
      'approve',
      call('POST', `/directives/${d.id}/review`, leader.token, { version: 1, decision: 'approve' }),
    );
    return d.id;
  };
  const delivered = async (directiveId: string) =>
    (
      await pg.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM routing_node WHERE directive_id = $1 AND status <> 'pending'`,
        [directiveId],
      )
    ).rows[0].n;

  // --- S1 dispatch ------------------------------------------------------------------------------------------------
  // A long cycle: S2's reports arrive on time (late reports are another path, see the README).
  const cycleSeconds = 3_600;
  const directiveId = await issue({
    schedule: { kind: 'interval', everySeconds: cycleSeconds, count: 1 },
    stagger: [0, 5, 10, 15],
    form,
    escalation: { parentAfter: 'PT5S' },
  });
  const recipients = UNITS - 1;
  const s0 = performance.now();
  await must('sign', call('POST', `/directives/${directiveId}/sign`, leader.token, { version: 1 }));
  await until('every unit delivered', async () => (await delivered(directiveId)) === recipients, 600_000, 20);
  const ours1 = recipients / ((performance.now() - s0) / 1000);
  const nodes: { unit_id: string; parent_unit_id: string; is_hub: boolean }[] = (
    await pg.query<{ unit_id: string; parent_unit_id: string; is_hub: boolean }>(
      `SELECT unit_id, parent_unit_id, is_hub FROM routing_node WHERE directive_id = $1 ORDER BY unit_id`,
      [directiveId],
    )
  ).rows;
  const kids = new Map<string, { unit_id: string; is_hub: boolean }[]>();
  for (const n of nodes) kids.set(n.parent_unit_id, [...(kids.get(n.parent_unit_id) ?? []), n]);
  const shapeOf = (hub: string): HubShape => {
    const children = kids.get(hub) ?? [];
    const subs = children.map((c, i) => ({ c, i })).filter(({ c }) => c.is_hub);
    return {
      batches: Math.max(1, Math.ceil(children.length / BATCH)),
      subHubs: subs.map(({ c }) => shapeOf(c.unit_id)),
      subHubBatch: subs.map(({ i }) => Math.floor(i / BATCH)),
    };
  };
  const r1 = performance.now();
  await client.workflow.execute(rawHubWorkflow, {
    taskQueue: rawQueue,
    workflowId: `raw-hub-${runId}`,
    args: [shapeOf(rootId)],
  });
  const raw1 = recipients / ((performance.now() - r1) / 1000);
  scenarios.push({
    id: 'S1 dispatch',
    metric: `sign → ${recipients} units delivered (tree depth 4)`,
    unit: 'units/s',
    value: round(ours1, 1),
    raw: round(raw1, 1),
    ratio: round(ours1 / raw1, 3),
    target: '≥ 0.7 of raw',
    pass: ours1 / raw1 >= 0.7,
  });
  say(`S1 dispatch: ${round(ours1, 1)} units/s, raw ${round(raw1, 1)} units/s`);

  // --- S2 ingest --------------------------------------------------------------------------------------------------
  // Each concurrency level has its own grassroots units: each acknowledges the directive, then reports its cycle; 10%
  // of the requests are sent again with the same key and body (a client's retry), which must create nothing. Raw: the
  // same requests as bare Temporal operations on one open workflow, an acknowledgement as a signal and a report as an
  // update (it answers, as the API does), in the same order at the same concurrency.
  const levels = !want('S2') ? [] : QUICK ? [4, 16] : [4, 16, 64];
  const ingestLeaves = nodes.filter((n) => !n.is_hub).slice(0, INGEST_UNITS * levels.length);
  const reporters = await Promise.all(ingestLeaves.map((l) => member(l.unit_id, 'specialist')));
  if (levels.length)
    await until('dispatched', async () => {
      const d = await call('GET', `/directives/${directiveId}`, clerk.token);
      return d.body.status === 'dispatched';
    });
  const count = async (table: string) =>
    (
      await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE directive_id = $1`, [
        directiveId,
      ])
    ).rows[0].n;
  // BENCH_PROFILE=file.cpuprofile: a CPU profile of this process (the API and the load generator) during the ingest.
  const profiler = process.env.BENCH_PROFILE ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  for (const [level, concurrency] of levels.entries()) {
    const units = ingestLeaves.slice(level * INGEST_UNITS, (level + 1) * INGEST_UNITS);
    type Req = { kind: 'ack' | 'report'; unitId: string; token: string; key: string };
    const requests: Req[] = units.flatMap((u, i) => {
      const token = reporters[level * INGEST_UNITS + i].token;
      return [
        { kind: 'ack' as const, unitId: u.unit_id, token, key: `ingest-ack-${concurrency}-${i}` },
        { kind: 'report' as const, unitId: u.unit_id, token, key: `ingest-report-${concurrency}-${i}` },
      ];
    });
    // A unit's acknowledgement comes before its report; a duplicate comes after its original.
    const all = requests.flatMap((q, i) => (i % 10 === 9 ? [q, q] : [q]));
    const total = all.length; // a duplicate that overtook its original and is sent again counts once
    const acknowledged = async () =>
      (
        await pg.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM directive_event WHERE directive_id = $1 AND action = 'acknowledged'`,
          [directiveId],
        )
      ).rows[0].n;
    const before = await count('report');
    const acksBefore = await acknowledged();
    const lat: number[] = [];
    let next = 0;
    const send = (q: Req) =>
      q.kind === 'ack'
        ? call(
            'POST',
            `/directives/${directiveId}/acknowledge`,
            q.token,
            { unitId: q.unitId, decision: 'accept' },
            q.key,
          )
        : call(
            'POST',
            `/directives/${directiveId}/reports`,
            q.token,
            { unitId: q.unitId, cycle: 0, values: { sessions: 1, done: true } },
            q.key,
          );
    say(`S2 ingest c=${concurrency}: ${total} requests`);
    const cpu0 = cpuNow();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < all.length) {
          const q = all[next++];
          const a = performance.now();
          const res = await send(q);
          if (
            res.status === 409 &&
            (res.body.error as { code?: string })?.code === 'IDEMPOTENCY_REQUEST_IN_PROGRESS'
          ) {
            all.push(q); // a duplicate that overtook its original: retried later, as a client would
            continue;
          }
          if (res.status !== 201 && res.status !== 200)
            throw new Error(`${q.kind} → ${res.status} ${JSON.stringify(res.body)}`);
          lat.push(performance.now() - a);
        }
      }),
    );
    const ours = total / ((performance.now() - t0) / 1000);
    const cpu1 = cpuNow();
    const perRequest = (k: keyof typeof cpu0) => round(((cpu1[k] - cpu0[k]) * 1000) / total, 2);
    const cpu = `CPU per request: API ${perRequest('api')} ms, PostgreSQL ${perRequest('postgres')} ms, load generator ${perRequest('load')} ms`;
    say(`  ${cpu}`);
    say(
      `  Cascade: ${round(ours, 1)} req/s, p50 ${round(pct(lat, 50), 1)} ms, p99 ${round(pct(lat, 99), 1)} ms`,
    );
    const created = (await count('report')) - before;
    // The duplicates created nothing: one report and one acknowledgement per unit.
    const acks = (await acknowledged()) - acksBefore;
    if (created !== units.length || acks !== units.length)
      throw new Error(`ingest: ${created} reports and ${acks} acknowledgements for ${units.length} units`);
    // Raw, two ways, and the faster counts: one bare workflow for the directive (Temporal batches the signals of one
    // workflow into one task, but holds at most 10 updates in flight per workflow), and one per hub, as a
    // Temporal-native design would send a unit's answers to the hub that aggregates it.
    const parentOf = new Map(nodes.map((n) => [n.unit_id, n.parent_unit_id]));
    const rawArm = async (name: string, sinkOf: (unitId: string) => string) => {
      const sinks = new Map<
        string,
        Awaited<ReturnType<typeof client.workflow.start<typeof rawSinkWorkflow>>>
      >();
      for (const sink of new Set(units.map((u) => sinkOf(u.unit_id))))
        sinks.set(
          sink,
          await client.workflow.start(rawSinkWorkflow, {
            taskQueue: rawQueue,
            workflowId: `raw-sink-${runId}-${concurrency}-${name}-${sink}`,
          }),
        );
      const latencies: number[] = [];
      let rn = 0;
      const r0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (rn < total) {
            const q = all[rn++];
            const a = performance.now();
            const sink = sinks.get(sinkOf(q.unitId))!;
            if (q.kind === 'ack') await sink.signal(rawSignal, q.key);
            else await sink.executeUpdate(rawUpdate, { args: [q.key] });
            latencies.push(performance.now() - a);
          }
        }),
      );
      const throughput = total / ((performance.now() - r0) / 1000);
      for (const sink of sinks.values()) await sink.signal(rawStop);
      say(
        `  raw, ${name}: ${round(throughput, 1)} req/s, p50 ${round(pct(latencies, 50), 1)} ms, p99 ${round(pct(latencies, 99), 1)} ms`,
      );
      return { name, throughput, latencies };
    };
    const arms = [
      await rawArm('one workflow', () => directiveId),
      await rawArm('a workflow per hub', (u) => parentOf.get(u)!),
    ];
    const best = arms.reduce((a, b) => (b.throughput > a.throughput ? b : a));
    const raw = best.throughput;
    const rawLat = best.latencies;
    scenarios.push({
      id: `S2 ingest c=${concurrency}`,
      metric: `${units.length} acknowledgements and ${units.length} reports through the API, ${total - requests.length} duplicates; p50 ${round(pct(lat, 50), 1)} ms, p99 ${round(pct(lat, 99), 1)} ms (raw, ${best.name}: p99 ${round(pct(rawLat, 99), 1)} ms); ${cpu}`,
      unit: 'req/s',
      value: round(ours, 1),
      raw: round(raw, 1),
      ratio: round(ours / raw, 3),
      target: '≥ 0.6 of raw, p99 ≤ 2× raw',
      pass: ours / raw >= 0.6 && pct(lat, 99) <= 2 * pct(rawLat, 99),
    });
    say(
      `S2 ingest c=${concurrency}: ${round(ours, 1)} req/s (raw ${round(raw, 1)}), p50 ${round(pct(lat, 50), 1)} ms, p99 ${round(pct(lat, 99), 1)} ms (raw ${round(pct(rawLat, 50), 1)}, ${round(pct(rawLat, 99), 1)} ms)`,
    );
  }

  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify(profile));
    profiler.disconnect();
  }

  // --- S3 cycles ------------------------------------------------------------------------------------------------
  const s3 = { directiveId: '', deadline0: 0 };
  if (want('S3')) {
    // Cycles seconds apart on the same tree, nobody reporting: every cycle marks every grassroots unit overdue and
    // closes every level's aggregation up to the issuer. Time per cycle: from the issuer's deadline to its aggregate.
    const cycles = QUICK ? 6 : 12;
    const every = QUICK ? 5 : 20;
    const cyclic = await issue({
      schedule: { kind: 'interval', everySeconds: every, count: cycles },
      stagger: [0, 1, 2, 3],
      form,
      escalation: {},
    });
    await must('sign', call('POST', `/directives/${cyclic}/sign`, leader.token, { version: 1 }));
    s3.directiveId = cyclic;
    await until(
      'every cycle aggregated at the issuer',
      async () =>
        (
          await pg.query<{ n: number }>(
            `SELECT count(DISTINCT cycle)::int AS n FROM aggregate_report WHERE directive_id = $1 AND unit_id = $2`,
            [cyclic, rootId],
          )
        ).rows[0].n >= cycles,
      600_000,
      200,
    );
    const dispatchedAt = Date.parse(
      (
        await pg.query<{ at: Date }>(`SELECT dispatched_at AS at FROM directive WHERE id = $1`, [cyclic])
      ).rows[0].at.toISOString(),
    );
    const closes = (
      await pg.query<{ cycle: number; at: Date }>(
        `SELECT cycle, min(created_at) AS at FROM aggregate_report WHERE directive_id = $1 AND unit_id = $2 GROUP BY cycle ORDER BY cycle`,
        [cyclic, rootId],
      )
    ).rows.map((r) => r.at.getTime() - (dispatchedAt + (r.cycle + 1) * every * 1000 + 3_000));
    s3.deadline0 = dispatchedAt + every * 1000;
    let longest = 0;
    for await (const w of client.workflow.list({
      query: `TaskQueue = '${process.env.TEMPORAL_TASK_QUEUE}'`,
    })) {
      longest = Math.max(longest, w.historyLength);
    }
    scenarios.push({
      id: 'S3 cycles',
      metric: `${cycles} cycles ${every} s apart, ${UNITS} units, aggregation at every level; longest history ${longest} events`,
      unit: 'ms per cycle (p50, issuer deadline → its aggregate)',
      value: round(pct(closes, 50)),
      raw: null,
      ratio: null,
      target: 'longest history < 8,000 events (continue-as-new bound)',
      pass: longest < 8_000,
    });
    say(`S3 cycles: ${round(pct(closes, 50))} ms per cycle, longest history ${longest} events`);
  }

  // --- S4 deadline storm ------------------------------------------------------------------------------------------
  // The storm: cycle 0 of S3's directive, where nobody reports, marks every grassroots unit overdue at one instant.
  if (want('S4')) {
    const deadline = s3.deadline0;
    const expectedLate = nodes.filter((n) => !n.is_hub).length;
    await until(
      'the overdue marks',
      async () =>
        (
          await pg.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM escalation WHERE directive_id = $1 AND level = 'overdue' AND cycle = 0`,
            [s3.directiveId],
          )
        ).rows[0].n >= expectedLate,
      600_000,
      100,
    );
    const lags: number[] = (
      await pg.query<{ lag: string }>(
        `SELECT extract(epoch FROM e.at - $2::timestamptz) * 1000 AS lag FROM escalation e
         JOIN directive_event ev ON ev.dedupe_key = 'escalation/' || e.directive_id || '/' || e.cycle || '/' || e.unit_id || '/' || e.level
        WHERE e.directive_id = $1 AND e.level = 'overdue' AND e.cycle = 0`,
        [s3.directiveId, new Date(deadline).toISOString()],
      )
    ).rows.map((r: { lag: string }) => Number(r.lag));
    // Raw: bare timers, one workflow each, all due at one instant, started (50 at a time) well before it.
    const rawCount = Math.min(1_000, UNITS);
    const rawAt = new Date(Date.now() + 15_000 + rawCount * 15).toISOString();
    const rawRuns = [];
    for (let i = 0; i < rawCount; i += 50) {
      rawRuns.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(50, rawCount - i) }, (_, k) =>
            client.workflow.start(rawTimerWorkflow, {
              taskQueue: rawQueue,
              workflowId: `raw-timer-${runId}-${i + k}`,
              args: [rawAt],
            }),
          ),
        )),
      );
    }
    if (Date.now() >= Date.parse(rawAt)) say('S4: the raw timers were not all started before their instant');
    const rawLags = await Promise.all(rawRuns.map((h) => h.result()));
    scenarios.push({
      id: 'S4 deadline storm',
      metric: `${expectedLate} grassroots deadlines at one instant → overdue events; p50 ${round(pct(lags, 50))} ms (raw ${rawCount} timers p50 ${round(pct(rawLags, 50))} ms)`,
      unit: 'ms p99',
      value: round(pct(lags, 99)),
      raw: round(pct(rawLags, 99)),
      ratio: round(pct(lags, 99) / Math.max(1, pct(rawLags, 99)), 3),
      target: 'p99 ≤ 1.5× raw',
      pass: pct(lags, 99) <= 1.5 * Math.max(1, pct(rawLags, 99)),
    });
    say(`S4 deadline storm: p99 ${round(pct(lags, 99))} ms, raw p99 ${round(pct(rawLags, 99))} ms`);
  }

  // As in production, where autovacuum keeps the planner's statistics current.
  await pg.query('ANALYZE');

  // --- S5 dashboards ----------------------------------------------------------------------------------------------
  if (want('S5')) {
    const reps = QUICK ? 40 : 100;
    const timeIt = async (f: () => Promise<unknown>) => {
      const xs: number[] = [];
      await f(); // warm
      for (let i = 0; i < reps; i++) {
        const a = performance.now();
        await f();
        xs.push(performance.now() - a);
      }
      return xs;
    };
    const apiTree = await timeIt(() => call('GET', `/directives/${directiveId}/tree?cycle=0`, clerk.token));
    const sqlTree = await timeIt(() => pg.query(TREE_SQL, [directiveId, rootId, null, 101, 0]));
    const apiOverdue = await timeIt(() => call('GET', `/overdue?unitId=${rootId}`, clerk.token));
    const sqlOverdue = await timeIt(() =>
      pg.query(OVERDUE_SQL, [rootId, 100, 0, ['reminded', 'overdue', 'parent', 'issuer']]),
    );
    for (const [what, ours, bare, target] of [
      ['routing tree, first page with roll-ups', apiTree, sqlTree, 50],
      ['overdue list', apiOverdue, sqlOverdue, 100],
    ] as const) {
      scenarios.push({
        id: `S5 ${what}`,
        metric: `${UNITS} units; p50 ${round(pct(ours, 50))} ms (bare SQL p50 ${round(pct(bare, 50))} ms)`,
        unit: 'ms p95',
        value: round(pct(ours, 95)),
        raw: round(pct(bare, 95)),
        ratio: round(pct(ours, 95) / Math.max(0.01, pct(bare, 95)), 3),
        target: `p95 ≤ ${target} ms at 10,000 units`,
        pass: pct(ours, 95) <= target,
      });
      say(`S5 ${what}: p95 ${round(pct(ours, 95))} ms (bare ${round(pct(bare, 95))} ms)`);
    }
  }

  // --- S6 memory --------------------------------------------------------------------------------------------------
  if (want('S6')) {
    // The worker's RSS before and after it holds many more open directive workflows in its cache: drafts wait for
    // review, each an open workflow that the worker has run once and keeps cached.
    const drafts = QUICK ? 200 : 500;
    const before = workerRss();
    const ids: string[] = [];
    for (let i = 0; i < drafts; i++) {
      const d = await must(
        'draft',
        call('POST', '/directives', clerk.token, {
          issuerId: rootId,
          type: 'CV',
          subject: `Bộ nhớ ${i}`,
          tasks: ['Đo.'],
          addressees: { mode: 'children' },
        }),
      );
      ids.push(d.id);
    }
    // Each workflow has run its first task once its search attributes are visible as a draft.
    await until('the drafts to be cached', async () => {
      const n = await client.workflow.count(`WorkflowType = 'directiveWorkflow' AND CascadeStatus = 'draft'`);
      return n.count >= drafts;
    });
    if (global.gc) global.gc();
    const after = workerRss();
    const perWorkflow = (after - before) / drafts;
    scenarios.push({
      id: 'S6 memory',
      metric: `worker RSS ${round(before, 1)} MB → ${round(after, 1)} MB with ${drafts} more cached directive workflows`,
      unit: 'MB per cached workflow',
      value: round(perWorkflow, 3),
      raw: null,
      ratio: null,
      target: '≤ 1 MB per cached workflow',
      pass: perWorkflow <= 1,
    });
    say(`S6 memory: ${round(perWorkflow, 3)} MB per cached workflow`);
  }

  // --- results ----------------------------------------------------------------------------------------------------
  const result = {
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      memoryGB: round(totalmem() / 2 ** 30, 1),
      node: process.version,
      platform: `${platform()} ${release()}`,
    },
    mode: QUICK ? 'quick' : 'full',
    startedAt: new Date().toISOString(),
    scenarios,
  };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const file = join(ROOT, 'bench', 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(
    '\n| scenario | metric | Cascade | raw | ratio | target | pass |\n| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const s of scenarios) {
    console.log(
      `| ${s.id} | ${s.metric} | ${s.value} ${s.unit} | ${s.raw ?? '—'} | ${s.ratio ?? '—'} | ${s.target} | ${s.pass === null ? '—' : s.pass ? 'yes' : 'no'} |`,
    );
  }
  console.log(`\nwritten to ${file}`);

  await pg.end();
  rawWorker.shutdown();
  await rawRun;
  worker.kill('SIGTERM');
  await new Promise((r) => worker.once('exit', r));
  api.kill('SIGTERM');
  await new Promise((r) => api.once('exit', r));
  await env.teardown();
  // The bench's database goes with its run (the results are in the JSON file).
  const server = new PgClient({ connectionString: `${pgServer}/postgres` });
  await server.connect();
  await server.query(`DROP DATABASE IF EXISTS cascade_bench_${runId}`);
  await server.end();
}

main().then(
  () => process.exit(0),
  async (error: Error) => {
    console.error(`bench failed: ${error.stack ?? error.message}`);
    // What the run started goes with it, even when it fails.
    for (const stop of onFailure.reverse()) await Promise.resolve(stop()).catch(() => undefined);
    process.exit(1);
  },
);
