/**
 * `npm run test:faults [-- --quick]`: proof that nothing is lost under faults. On a stack of its own — a private
 * PostgreSQL cluster, a Temporal dev server with file persistence, the API and the worker as the compiled processes
 * that are deployed — it dispatches a directive to 1,000 units (200 with --quick) with two reporting cycles, sends
 * reports through the API as clients would (retrying with their idempotency keys), and meanwhile:
 *   1. kills the worker with SIGKILL while it dispatches, and restarts it;
 *   2. kills it again at a cycle's deadline, while it aggregates;
 *   3. stops and restarts the Temporal server (same data file);
 *   4. stops and restarts PostgreSQL;
 *   5. kills the API under load and restarts it;
 *   6. runs two workers and two APIs and kills one of each.
 * Then it checks: every unit delivered exactly once; every accepted report present exactly once; no aggregate counts
 * a report twice; every deadline produced its overdue mark for the units that missed it; the audit chain verifies;
 * every workflow history replays. It prints the time each fault took to recover from and writes
 * .data/faults/<timestamp>.json. Exit 0 when every invariant holds.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import { reportingWorkflowId, SEARCH_ATTRIBUTE_KEYS } from '@cascade/contracts';
import { generateUnits } from '@cascade/domain';
import {
  bootstrapAdmin,
  createDataSource,
  ensureDatabase,
  runMigrations,
  verifyFamily,
} from '@cascade/persistence';
import { directiveRuns, replayRuns } from '@cascade/temporal';
import { cliType } from '../../infra/scripts/search-attributes';
import { freePort } from '../integration/support/ports';

const ROOT = join(__dirname, '..', '..');
const QUICK = process.argv.includes('--quick');
const UNITS = QUICK ? 200 : 1_000;
const REPORTERS = QUICK ? 40 : 120;
const CYCLE_SECONDS = QUICK ? 45 : 75;
const RUN = `${Date.now().toString(36)}${process.pid}`;
const DATA = join(ROOT, '.data', 'faults', RUN);

const say = (m: string) => console.error(`[faults ${new Date().toISOString().slice(11, 19)}] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(
  what: string,
  probe: () => Promise<T | false | undefined | null>,
  timeoutMs = 180_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== false && v !== undefined && v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
const script = (path: string, args: string[], env: Record<string, string> = {}) =>
  execFileSync('bash', [join(ROOT, path), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();

// --- processes ----------------------------------------------------------------------------------------------------

interface Proc {
  name: string;
  child: ChildProcess;
  port: number;
}
const procs = new Set<ChildProcess>();
function start(name: string, args: string[], env: Record<string, string>, port: number, log: string): Proc {
  const out = openSync(join(DATA, log), 'a');
  const child = spawn(args[0], args.slice(1), {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
    detached: false,
  });
  closeSync(out);
  procs.add(child);
  child.once('exit', () => procs.delete(child));
  return { name, child, port };
}
async function stop(p: Proc, signal: NodeJS.Signals) {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill(signal);
  await exited;
}
const healthy = async (port: number) => (await fetch(`http://127.0.0.1:${port}/health`)).ok;

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  mkdirSync(DATA, { recursive: true });
  say(
    `${QUICK ? 'quick' : 'full'} run: ${UNITS} units, ${REPORTERS} reporting units, cycles of ${CYCLE_SECONDS} s`,
  );

  // PostgreSQL: a private cluster that this run may stop and start
  const pgPort = await freePort();
  const pgEnv = { CASCADE_DATA_DIR: DATA, CASCADE_PRIVATE_PG_PORT: String(pgPort), DATABASE_URL: '' };
  const pgServer = script('infra/bin/postgres.sh', ['private'], pgEnv);
  const databaseUrl = `${pgServer}/cascade_faults`;
  await ensureDatabase(databaseUrl);
  await runMigrations(databaseUrl);

  // Temporal: the dev server with its SQLite file, restartable on the same port
  const temporalCli = script('infra/bin/temporal-cli.sh', []);
  const temporalPort = await freePort();
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const startTemporal = () =>
    start(
      'temporal',
      [
        temporalCli,
        'server',
        'start-dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(temporalPort),
        '--headless',
        '--db-filename',
        join(DATA, 'temporal.db'),
        '--sqlite-pragma',
        'journal_mode=WAL',
        '--sqlite-pragma',
        'synchronous=NORMAL',
        '--log-level',
        'error',
        ...SEARCH_ATTRIBUTE_KEYS.flatMap((k) => ['--search-attribute', `${k.name}=${cliType(k.type)}`]),
      ],
      {},
      temporalPort,
      'temporal.log',
    );
  let temporal = startTemporal();
  const temporalUp = async () => {
    const c = await Connection.connect({ address: temporalAddress, connectTimeout: '1 second' });
    try {
      await c.workflowService.getSystemInfo({});
      return true;
    } finally {
      await c.close();
    }
  };
  await until('Temporal', temporalUp);

  const appEnv = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'error',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '5',
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: `cascade-faults-${RUN}`,
    TS_NODE_BASEURL: './dist',
    WORKFLOW_BUNDLE_PATH: join(ROOT, 'dist', 'workflow-bundle.js'),
    JWT_SECRET: randomBytes(48).toString('base64url'),
    SIGNING_KEY_SECRET: randomBytes(48).toString('base64url'),
    ACK_REMINDER_SECONDS: '3600',
  };
  Object.assign(process.env, appEnv);
  const startWorker = async (name: string) => {
    const port = await freePort();
    return start(
      name,
      [process.execPath, '-r', 'tsconfig-paths/register', 'dist/apps/worker/src/main.js'],
      { ...appEnv, WORKER_HEALTH_PORT: String(port) },
      port,
      `${name}.log`,
    );
  };
  const startApi = async (name: string, port?: number) => {
    const p = port ?? (await freePort());
    return start(
      name,
      [process.execPath, '-r', 'tsconfig-paths/register', 'dist/apps/api/src/main.js'],
      { ...appEnv, PORT: String(p) },
      p,
      `${name}.log`,
    );
  };
  let workerA = await startWorker('worker-a');
  let apiA = await startApi('api-a');
  await until('worker A', () => healthy(workerA.port));
  await until('API A', () => healthy(apiA.port));
  const apis: Proc[] = [apiA];
  const pg = () => new PgClient({ connectionString: databaseUrl });
  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const c = pg();
    await c.connect();
    try {
      return (await c.query(sql, params)).rows as T[];
    } finally {
      await c.end();
    }
  };
  say(
    `stack up: PostgreSQL :${pgPort}, Temporal ${temporalAddress}, API :${apiA.port}, worker health :${workerA.port}`,
  );

  // --- a client that retries as real clients do: same idempotency key, any API that answers --------------------------
  let rr = 0;
  const call = async (
    method: string,
    path: string,
    auth: Record<string, string>,
    body?: unknown,
    key?: string,
  ) => {
    const idem = key ?? `faults-${RUN}-${randomBytes(6).toString('hex')}`;
    for (let attempt = 0; ; attempt++) {
      const alive = apis.filter((a) => a.child.exitCode === null && a.child.signalCode === null);
      const api = alive[rr++ % Math.max(1, alive.length)] ?? apis[0];
      try {
        const res = await fetch(`http://127.0.0.1:${api.port}${path}`, {
          method,
          headers: {
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...auth,
            ...(method === 'GET' ? {} : { 'idempotency-key': idem }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        });
        const text = await res.text();
        const parsed = (text ? JSON.parse(text) : null) as Record<string, unknown>;
        const code = (parsed?.error as { code?: string } | undefined)?.code;
        // unavailable or busy (PostgreSQL or Temporal down, a request still in progress elsewhere, or one that lost
        // its claim to a retry, whose answer the next retry gets): try again
        if (
          res.status >= 500 ||
          code === 'IDEMPOTENCY_REQUEST_IN_PROGRESS' ||
          code === 'IDEMPOTENCY_CLAIM_LOST' ||
          res.status === 429
        )
          throw new Error(`${res.status} ${code}`);
        return { status: res.status, body: parsed };
      } catch (e) {
        if (attempt > 600) throw new Error(`${method} ${path}: gave up: ${(e as Error).message}`);
        await sleep(200);
      }
    }
  };
  const must = async (what: string, p: ReturnType<typeof call>) => {
    const r = await p;
    if (r.status >= 300) throw new Error(`${what} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as Record<string, unknown> & { id: string };
  };

  // --- the organisation and the directive ------------------------------------------------------------------------------
  const password = 'Faults-mật-khẩu-2026';
  const adminEmail = `faults-${RUN}@faults.cascade.vn`;
  await bootstrapAdmin(databaseUrl, adminEmail, password, 'Faults');
  const login = async (email: string) => ({
    authorization: `Bearer ${(await must('login', call('POST', '/auth/login', {}, { email, password }))).accessToken as string}`,
  });
  const admin = await login(adminEmail);
  const prefix = `F${RUN}`;
  const units = generateUnits({ count: UNITS, depth: 3, fanout: Math.ceil(Math.sqrt(UNITS)), prefix });
  const tree = await must('units', call('POST', '/units/import', admin, { units }));
  const idOf = new Map((tree.created as { code: string; id: string }[]).map((c) => [c.code, c.id]));
  const rootId = idOf.get(`${prefix}-1`)!;
  const member = async (unitId: string, role: string, extra: object = {}) => {
    const email = `${role}-${randomBytes(4).toString('hex')}@faults.cascade.vn`;
    const u = await must(
      'user',
      call('POST', '/users', admin, { email, name: role, password, membership: { unitId, role, ...extra } }),
    );
    return { id: u.id, auth: await login(email) };
  };
  const clerk = await member(rootId, 'clerk');
  const leader = await member(rootId, 'leader', { authority: 'TM. BAN THƯỜNG VỤ', position: 'CHỦ TỊCH' });
  await must('chain', call('PUT', `/units/${rootId}/review-chain`, admin, { reviewerIds: [leader.id] }));
  const form = {
    fields: [
      { key: 'sessions', label: 'Số buổi', type: 'integer', required: true, min: 0, aggregate: 'sum' },
    ],
  };
  const draft = await must(
    'draft',
    call('POST', '/directives', clerk.auth, {
      issuerId: rootId,
      type: 'KH',
      subject: `Kế hoạch thử lỗi ${RUN}`,
      tasks: ['Báo cáo định kỳ.'],
      addressees: { mode: 'subtree', depth: 2 },
      reporting: {
        schedule: { kind: 'interval', everySeconds: CYCLE_SECONDS, count: 2 },
        stagger: [0, 8, 16],
        form,
        escalation: { remindBefore: 'PT10S', parentAfter: 'PT3S', issuerAfter: 'PT6S' },
      },
    }),
  );
  const directiveId = draft.id;
  await must('submit', call('POST', `/directives/${directiveId}/submit`, clerk.auth, { version: 1 }));
  await must(
    'approve',
    call('POST', `/directives/${directiveId}/review`, leader.auth, { version: 1, decision: 'approve' }),
  );
  // the grassroots units that will report, each through an API key of its own (the e-office connector's way)
  const leaves = units.filter((u) => u.kind === 'grassroots_union').slice(0, REPORTERS);
  const reporters: { unitId: string; auth: Record<string, string> }[] = [];
  for (const leaf of leaves) {
    const unitId = idOf.get(leaf.code)!;
    const key = await must(
      'api key',
      call('POST', `/units/${unitId}/api-keys`, admin, { name: 'e-office', role: 'clerk' }),
    );
    reporters.push({ unitId, auth: { 'x-api-key': key.key as string } });
  }
  const recoveries: { fault: string; recoverySeconds: number; measure: string }[] = [];
  const delivered = async () =>
    (
      await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM routing_node WHERE directive_id = $1 AND status <> 'pending'`,
        [directiveId],
      )
    )[0].n;
  const recipients = UNITS - 1;

  // --- 1. SIGKILL the worker while it dispatches -------------------------------------------------------------------
  await must('sign', call('POST', `/directives/${directiveId}/sign`, leader.auth, { version: 1 }));
  await until(
    'dispatch to begin',
    async () =>
      (await delivered()) > 0 ||
      (await query(`SELECT 1 FROM routing_node WHERE directive_id = $1`, [directiveId])).length > 0,
    60_000,
  );
  await stop(workerA, 'SIGKILL');
  const k1 = Date.now();
  const before1 = await delivered();
  say(`1. worker killed (SIGKILL) during dispatch at ${before1}/${recipients} delivered; restarting`);
  workerA = await startWorker('worker-a');
  await until('every unit delivered', async () => (await delivered()) === recipients, 300_000);
  recoveries.push({
    fault: 'worker SIGKILL during dispatch',
    recoverySeconds: (Date.now() - k1) / 1000,
    measure: 'kill → every unit delivered',
  });
  // the cycles count from the dispatch (written once every unit has it)
  const dispatchedAt = await until('the dispatch time', async () => {
    const at = (
      await query<{ at: Date | null }>(`SELECT dispatched_at AS at FROM directive WHERE id = $1`, [
        directiveId,
      ])
    )[0].at;
    return at ? at.getTime() : null;
  });

  // --- the reports: each reporter reports each cycle once, at a random moment; one in five never reports ----------------
  const accepted = new Set<string>();
  const silent = new Set(reporters.filter((_, i) => i % 5 === 4).map((r) => r.unitId));
  const sending: Promise<void>[] = [];
  for (const cycle of [0, 1])
    for (const r of reporters) {
      if (silent.has(r.unitId)) continue;
      const at = dispatchedAt + cycle * CYCLE_SECONDS * 1000 + Math.random() * (CYCLE_SECONDS - 8) * 1000;
      sending.push(
        (async () => {
          await sleep(Math.max(0, at - Date.now()));
          const res = await call(
            'POST',
            `/directives/${directiveId}/reports`,
            r.auth,
            { unitId: r.unitId, cycle, values: { sessions: 1 } },
            `report-${r.unitId}-${cycle}`,
          );
          if (res.status === 201) accepted.add(`${r.unitId}:${cycle}`);
          else throw new Error(`report ${cycle} → ${res.status} ${JSON.stringify(res.body)}`);
        })(),
      );
    }
  const allSent = Promise.all(sending);
  const cycleEnd = (cycle: number) => dispatchedAt + (cycle + 1) * CYCLE_SECONDS * 1000;

  // --- 2. SIGKILL the worker at cycle 0's deadline (the overdue marks and the aggregation) -------------------------------
  // just before the deadline, so that its timer fires while no worker runs
  await sleep(Math.max(0, cycleEnd(0) - Date.now() - 1_000));
  await stop(workerA, 'SIGKILL');
  const k2 = Date.now();
  say('2. worker killed (SIGKILL) at the deadline of cycle 0; restarting');
  await sleep(3_000);
  workerA = await startWorker('worker-a');
  const overdue0 = async () =>
    (
      await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM escalation WHERE directive_id = $1 AND cycle = 0 AND level = 'overdue'`,
        [directiveId],
      )
    )[0].n;
  await until('the overdue marks of cycle 0', async () => (await overdue0()) > 0, 120_000);
  recoveries.push({
    fault: 'worker SIGKILL at a deadline',
    recoverySeconds: (Date.now() - k2) / 1000,
    measure: 'kill → overdue marks written',
  });

  // --- 3. Temporal stopped and restarted (same file) ----------------------------------------------------------------------
  await stop(temporal, 'SIGTERM');
  const k3 = Date.now();
  say('3. Temporal stopped; restarting on the same data file');
  await sleep(2_000);
  temporal = startTemporal();
  await until('Temporal back', temporalUp, 120_000);
  await until(
    'the API to see Temporal',
    async () => {
      const h = await fetch(`http://127.0.0.1:${apis[0].port}/health`);
      return h.ok;
    },
    120_000,
  );
  await until(
    'the directive to answer a query',
    async () => (await call('GET', `/directives/${directiveId}?live=true`, clerk.auth)).status === 200,
    120_000,
  );
  recoveries.push({
    fault: 'Temporal server restart',
    recoverySeconds: (Date.now() - k3) / 1000,
    measure: 'stop → live query answered (2 s down)',
  });

  // --- 4. PostgreSQL stopped and restarted ---------------------------------------------------------------------------------
  script('infra/bin/postgres.sh', ['stop'], pgEnv);
  const k4 = Date.now();
  say('4. PostgreSQL stopped; restarting');
  await sleep(2_000);
  script('infra/bin/postgres.sh', ['private'], pgEnv);
  await until('the API to see PostgreSQL', () => healthy(apis[0].port), 120_000);
  await until(
    'a write through the API',
    async () =>
      (await call('PUT', `/units/${rootId}/review-chain`, admin, { reviewerIds: [leader.id] })).status ===
      200,
    120_000,
  );
  recoveries.push({
    fault: 'PostgreSQL restart',
    recoverySeconds: (Date.now() - k4) / 1000,
    measure: 'stop → a write answered (2 s down)',
  });

  // --- 5. the API killed under load and restarted ---------------------------------------------------------------------------
  const portA = apiA.port;
  await stop(apiA, 'SIGKILL');
  const k5 = Date.now();
  say('5. API killed (SIGKILL) under load; restarting');
  apiA = await startApi('api-a', portA);
  apis[0] = apiA;
  await until('the API back', () => healthy(portA), 120_000);
  recoveries.push({
    fault: 'API SIGKILL under load',
    recoverySeconds: (Date.now() - k5) / 1000,
    measure: 'kill → /health 200',
  });

  // --- 6. two workers and two APIs; one of each killed ------------------------------------------------------------------------
  const workerB = await startWorker('worker-b');
  const apiB = await startApi('api-b');
  apis.push(apiB);
  await until('worker B', () => healthy(workerB.port));
  await until('API B', () => healthy(apiB.port));
  await stop(workerA, 'SIGKILL');
  await stop(apiA, 'SIGKILL');
  const k6 = Date.now();
  say('6. one of two workers and one of two APIs killed (SIGKILL); the others carry on');
  await until(
    'a report or read through the other API',
    async () => (await call('GET', `/directives/${directiveId}`, clerk.auth)).status === 200,
    60_000,
  );
  recoveries.push({
    fault: 'one of two workers and APIs SIGKILL',
    recoverySeconds: (Date.now() - k6) / 1000,
    measure: 'kill → next answer',
  });

  // --- the end of the cycles ---------------------------------------------------------------------------------------------------
  await allSent;
  say(`every report sent (${accepted.size} accepted); waiting for the last cycle to close`);
  const issuerAggregate = async (cycle: number) =>
    (
      await query<{
        coverage: { onTime: number; late: number; expected: number };
        values: { sessions: number };
      }>(
        `SELECT coverage, values FROM aggregate_report WHERE directive_id = $1 AND unit_id = $2 AND cycle = $3 ORDER BY revision DESC LIMIT 1`,
        [directiveId, rootId, cycle],
      )
    )[0];
  await until(
    'the issuer aggregates of both cycles',
    async () => (await issuerAggregate(0)) && (await issuerAggregate(1)),
    cycleEnd(1) - Date.now() + 180_000,
  );
  await until(
    'the reporting to finish',
    async () => {
      const c = new Client({ connection: await Connection.connect({ address: temporalAddress }) });
      try {
        const d = await c.workflow.getHandle(reportingWorkflowId(directiveId)).describe();
        return d.status.name === 'COMPLETED';
      } finally {
        await c.connection.close();
      }
    },
    180_000,
  );

  // --- invariants ------------------------------------------------------------------------------------------------------------
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    say(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failures.push(what);
  };
  const nodes = await query<{ n: number; delivered: number; once: number }>(
    `SELECT count(*)::int AS n, count(*) FILTER (WHERE delivered_at IS NOT NULL)::int AS delivered,
            count(*) FILTER (WHERE acknowledged_at IS NOT NULL OR version = 2)::int AS once
       FROM routing_node WHERE directive_id = $1`,
    [directiveId],
  );
  check(
    nodes[0].n === recipients && nodes[0].delivered === recipients,
    `every unit delivered (${nodes[0].delivered}/${recipients})`,
  );
  check(
    nodes[0].once === recipients,
    `each delivery applied exactly once (${nodes[0].once}/${recipients} nodes moved once)`,
  );
  const reports = await query<{ unit_id: string; cycle: number; n: number }>(
    `SELECT unit_id::text, cycle, count(*)::int AS n FROM report WHERE directive_id = $1 GROUP BY 1, 2`,
    [directiveId],
  );
  const stored = new Map(reports.map((r) => [`${r.unit_id}:${r.cycle}`, r.n]));
  const lost = [...accepted].filter((k) => stored.get(k) !== 1);
  const extra = reports.filter((r) => !accepted.has(`${r.unit_id}:${r.cycle}`));
  check(
    lost.length === 0 && extra.length === 0,
    `every accepted report stored exactly once (${accepted.size} accepted, ${lost.length} lost or doubled, ${extra.length} unexpected)`,
  );
  for (const cycle of [0, 1]) {
    const agg = await issuerAggregate(cycle);
    const sent = [...accepted].filter((k) => k.endsWith(`:${cycle}`)).length;
    check(
      agg.coverage.onTime + agg.coverage.late === sent && agg.values.sessions === sent,
      `cycle ${cycle}: the issuer's aggregate counts each report once (${agg.coverage.onTime}+${agg.coverage.late} reports, sum ${agg.values.sessions}, ${sent} sent)`,
    );
  }
  for (const cycle of [0, 1]) {
    const missed = await query<{ n: number }>(
      `SELECT count(*)::int AS n FROM routing_node r
        WHERE r.directive_id = $1 AND NOT r.is_hub AND r.status <> 'returned'
          AND NOT EXISTS (SELECT 1 FROM report p WHERE p.directive_id = r.directive_id AND p.unit_id = r.unit_id AND p.cycle = $2 AND NOT p.late)
          AND NOT EXISTS (SELECT 1 FROM escalation e WHERE e.directive_id = r.directive_id AND e.unit_id = r.unit_id AND e.cycle = $2 AND e.level = 'overdue')`,
      [directiveId, cycle],
    );
    check(
      missed[0].n === 0,
      `cycle ${cycle}: every unit that missed the deadline has its overdue mark (${missed[0].n} without)`,
    );
  }
  const db = createDataSource({ url: databaseUrl, poolSize: 2, applicationName: 'cascade-faults' });
  await db.initialize();
  const verified = await verifyFamily(db, directiveId);
  check(verified.valid, 'the audit chain and signatures verify');
  const client = new Client({ connection: await Connection.connect({ address: temporalAddress }) });
  const runs = await directiveRuns(client, db, directiveId);
  const verdicts = await replayRuns(runs);
  const bad = verdicts.filter((v) => !v.reproduces);
  check(
    bad.length === 0 && runs.length > 0,
    `every workflow history replays (${runs.length} runs, ${bad.length} diverge)`,
  );
  await client.connection.close();
  await db.destroy();

  const result = {
    mode: QUICK ? 'quick' : 'full',
    units: UNITS,
    reporters: REPORTERS,
    accepted: accepted.size,
    recoveries,
    failures,
    startedAt: new Date(Number.parseInt(RUN.slice(0, -String(process.pid).length), 36)).toISOString(),
  };
  mkdirSync(join(ROOT, '.data', 'faults'), { recursive: true });
  const file = join(ROOT, '.data', 'faults', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log('\n| fault | recovery | measured |\n| --- | --- | --- |');
  for (const r of recoveries)
    console.log(`| ${r.fault} | ${r.recoverySeconds.toFixed(1)} s | ${r.measure} |`);
  console.log(
    `\n${failures.length ? `${failures.length} invariant(s) FAILED` : 'every invariant holds'}; written to ${file}`,
  );
  return failures.length ? 1 : 0;
}

/** Stops what the run started; its data (clusters, logs) is kept only when something failed. */
async function cleanup(passed: boolean) {
  for (const child of procs) child.kill('SIGKILL');
  try {
    script('infra/bin/postgres.sh', ['stop'], { CASCADE_DATA_DIR: DATA, DATABASE_URL: '' });
  } catch {
    // not started
  }
  if (passed) rmSync(DATA, { recursive: true, force: true });
  else console.error(`logs of the run's processes: ${DATA}/*.log`);
}

main().then(
  async (code) => {
    await cleanup(code === 0);
    process.exit(code);
  },
  async (error: Error) => {
    console.error(error.stack ?? error.message);
    await cleanup(false);
    process.exit(1);
  },
);
