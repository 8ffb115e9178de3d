/**
 * The fault suite's network faults (test/faults/run.ts), through a real TCP fault proxy: toxiproxy
 * (infra/bin/toxiproxy.sh finds or builds it), started by the suite on a loopback port, with one proxy between the
 * API processes and PostgreSQL (their DATABASE_URL is its listen port) and one between the workers and Temporal
 * (their TEMPORAL_ADDRESS). The suite itself, and the workers' PostgreSQL, the API's Temporal, go direct. In the
 * first cycle, while the units report, it runs in turn:
 *   a. latency on API↔PostgreSQL (300 ms ± 100 ms on every answer of the server) under the reports' load;
 *   b. a partition of API↔PostgreSQL (toxiproxy's `timeout` toxic both ways: nothing passes, and each connection,
 *      open or new, is cut 2 s later, as a peer's TCP stack gives up) for a few seconds;
 *   c. the same partition between the worker and Temporal;
 *   d. Temporal itself stopped (SIGKILL of the dev server; on the cluster, of the frontend) a few seconds before the
 *      cycle's reminder step is due, and started again after it.
 * Each fault checks that it hit what it aimed at and what the callers saw: (a) the API's reads slowed by the
 * latency, requests of the load answered meanwhile, never a 500; (b) requests answered 503 DATABASE_UNAVAILABLE or
 * DATABASE_BUSY with Retry-After during the partition — every 5xx a 503 with Retry-After, no request left without
 * an answer — and a write answered after it; (c) the worker could not answer a query of the directive's reporting
 * workflow while Temporal answered the suite directly, and did again after the partition; (d) the steps due during
 * the outage ran after it, once each, and all the cycle's steps in their order (escalation rows and their events,
 * the hubs' closing aggregates). The seed of the run draws each fault's offsets and lengths (and toxiproxy's
 * jitter). Whatever was half-done when a connection was cut is judged by the suite's invariants.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { reportingStateQuery, reportingWorkflowId, type ReportingState } from '@cascade/contracts';
import { freePort } from '../integration/support/ports';

const ROOT = join(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DATABASE_CODES = new Set(['DATABASE_UNAVAILABLE', 'DATABASE_BUSY']);
/** How long a partition lets a connection hang before it is cut (toxiproxy's `timeout` toxic). */
const PARTITION_CUT_MS = 2_000;
const LATENCY_MS = 300;
const JITTER_MS = 100;

type Step = ReportingState['steps'][number];
type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;
export interface Recovery {
  fault: string;
  recoverySeconds: number;
  measure: string;
}
interface Answer {
  at: number;
  method: string;
  path: string;
  status: number;
  code?: string;
  retryAfter: string | null;
  probe: boolean;
}

/** What run.ts gives the faults: its stack, its seeded generator, and how to stop and start Temporal. */
export interface NetworkFaultContext {
  quick: boolean;
  random: () => number;
  say: (m: string) => void;
  directiveId: string;
  /** The API the probes go to (the first one alive). */
  apiPort: () => number;
  /** A caller allowed to read the directive. */
  auth: Record<string, string>;
  /** One write through the API as a client makes it, retried until answered; true when it succeeded. */
  write: () => Promise<boolean>;
  /** A query on the app's database, direct (not through the proxy). */
  query: Query;
  temporalUp: () => Promise<boolean>;
  stopTemporal: () => Promise<void>;
  startTemporal: () => void;
  /** The moment cycle 0's grassroots deadline falls (epoch ms); fault d must be over well before it. */
  deadline: number;
}

export interface NetworkFaults {
  /** For the API processes: PostgreSQL through the proxy. */
  apiEnv: Record<string, string>;
  /** For the workers: Temporal through the proxy. */
  workerEnv: Record<string, string>;
  /** Every answer a client of the suite got (its `call`), so that the faults can say what callers saw. */
  noteAnswer(
    method: string,
    path: string,
    status: number,
    code: string | undefined,
    retryAfter: string | null,
  ): void;
  /** Faults a–d, in cycle 0 between the dispatch and the reminder; the recoveries measured. */
  run(ctx: NetworkFaultContext): Promise<Recovery[]>;
  /** The faults' own checks, and those of the outage's cycle that can only be made once it has closed. */
  checks(query: Query): Promise<[boolean, string][]>;
}

async function until<T>(what: string, probe: () => Promise<T | false | undefined | null>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== false && v !== undefined && v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Starts toxiproxy with its two proxies; it is killed when the suite's process exits. */
export async function startNetworkFaults(options: {
  data: string;
  seed: number;
  databaseUrl: string;
  temporalAddress: string;
}): Promise<NetworkFaults> {
  const bin = execFileSync('bash', [join(ROOT, 'infra', 'bin', 'toxiproxy.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const apiPort = await freePort();
  const out = openSync(join(options.data, 'toxiproxy.log'), 'a');
  const child = spawn(bin, ['-host', '127.0.0.1', '-port', String(apiPort), '-seed', String(options.seed)], {
    env: { ...process.env, LOG_LEVEL: 'info' },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  process.once('exit', () => child.kill('SIGKILL'));
  const toxi = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${apiPort}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`toxiproxy ${method} ${path} → ${res.status} ${await res.text()}`);
  };
  await until('toxiproxy', async () => (await fetch(`http://127.0.0.1:${apiPort}/version`)).ok, 30_000);
  const pg = new URL(options.databaseUrl);
  const pgListen = await freePort();
  const temporalListen = await freePort();
  await toxi('POST', '/proxies', {
    name: 'postgres',
    listen: `127.0.0.1:${pgListen}`,
    upstream: `${pg.hostname}:${pg.port}`,
    enabled: true,
  });
  await toxi('POST', '/proxies', {
    name: 'temporal',
    listen: `127.0.0.1:${temporalListen}`,
    upstream: options.temporalAddress,
    enabled: true,
  });
  const proxied = new URL(options.databaseUrl);
  proxied.host = `127.0.0.1:${pgListen}`;

  const toxic = (proxy: string, name: string, type: string, stream: string, attributes: object) =>
    toxi('POST', `/proxies/${proxy}/toxics`, { name, type, stream, toxicity: 1, attributes });
  const partition = async (proxy: string) => {
    for (const stream of ['upstream', 'downstream'])
      await toxic(proxy, `partition-${stream}`, 'timeout', stream, { timeout: PARTITION_CUT_MS });
  };
  const heal = async (proxy: string) => {
    for (const stream of ['upstream', 'downstream'])
      await toxi('DELETE', `/proxies/${proxy}/toxics/partition-${stream}`);
  };

  const answers: Answer[] = [];
  const outcomes: [boolean, string][] = [];
  const record = (ok: boolean, what: string) => void outcomes.push([ok, what]);
  let outage: { stoppedAt: number; restartedAt: number; steps: Step[] } | undefined;
  let directiveId = '';

  const noteAnswer: NetworkFaults['noteAnswer'] = (method, path, status, code, retryAfter) =>
    void answers.push({ at: Date.now(), method, path, status, code, retryAfter, probe: false });
  /** What callers saw in a window: 5xx answers must be 503 with Retry-After (of the codes given, when given). */
  const judge = (from: number, to: number, codes?: Set<string>) => {
    const seen = answers.filter((a) => a.at >= from && a.at <= to);
    const bad = seen.filter(
      (a) => a.status >= 500 && (a.status !== 503 || !a.retryAfter || (codes && !codes.has(a.code ?? ''))),
    );
    const tally = new Map<string, number>();
    for (const a of seen) {
      const key = a.code ? `${a.status} ${a.code}` : String(a.status);
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    const text = [...tally].map(([k, n]) => `${n}× ${k}`).join(', ') || 'none';
    return { seen, bad, text };
  };

  /** One read through the API by the suite itself, timed; status 0 when no answer came within the timeout. */
  const probe = async (ctx: NetworkFaultContext, timeoutMs = 20_000) => {
    const path = `/directives/${ctx.directiveId}`;
    const started = Date.now();
    try {
      const res = await fetch(`http://127.0.0.1:${ctx.apiPort()}${path}`, {
        headers: ctx.auth,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
      const a: Answer = {
        at: Date.now(),
        method: 'GET',
        path,
        status: res.status,
        code: body?.error?.code,
        retryAfter: res.headers.get('retry-after'),
        probe: true,
      };
      answers.push(a);
      return { ...a, ms: a.at - started };
    } catch (error) {
      return {
        at: Date.now(),
        status: 0,
        code: (error as Error).name,
        retryAfter: null,
        ms: Date.now() - started,
      };
    }
  };

  async function latency(ctx: NetworkFaultContext): Promise<Recovery> {
    const base = Math.min(...(await Promise.all([0, 1, 2].map(() => probe(ctx)))).map((p) => p.ms));
    const hold = (ctx.quick ? 3_500 : 6_000) + ctx.random() * (ctx.quick ? 1_000 : 3_000);
    await toxic('postgres', 'latency', 'latency', 'downstream', { latency: LATENCY_MS, jitter: JITTER_MS });
    const from = Date.now();
    ctx.say(
      `a. ${LATENCY_MS} ms ± ${JITTER_MS} ms of latency on API↔PostgreSQL for ${(hold / 1000).toFixed(1)} s`,
    );
    const slow: Awaited<ReturnType<typeof probe>>[] = [];
    while (Date.now() < from + hold) slow.push(await probe(ctx));
    await toxi('DELETE', '/proxies/postgres/toxics/latency');
    const to = Date.now();
    const ok = slow.filter((p) => p.status === 200);
    const fastest = ok.length ? Math.min(...ok.map((p) => p.ms)) : NaN;
    record(
      ok.length > 0 && fastest >= base + LATENCY_MS - JITTER_MS - 50,
      `fault a slowed the API's reads (GET /directives/:id ${base} ms before, at least ${fastest} ms under latency, ${ok.length}/${slow.length} answered 200)`,
    );
    // the requests of the load still in flight when the latency ended come back within a few seconds
    await sleep(2_000);
    const { seen, bad, text } = judge(from, to + 2_000);
    const load = seen.filter((a) => !a.probe && a.status < 300).length;
    record(
      load > 0 && bad.length === 0,
      `under latency the load was served and nothing answered a 500 or a 5xx without Retry-After (${load} answers of the load served; all answers: ${text})`,
    );
    const healed = Date.now();
    await until('a read at full speed', async () => (await probe(ctx)).status === 200, 60_000);
    return {
      fault: `API↔PostgreSQL latency ${LATENCY_MS}±${JITTER_MS} ms (${(hold / 1000).toFixed(1)} s)`,
      recoverySeconds: (Date.now() - healed) / 1000,
      measure: `latency removed → a read answered (reads ${base} ms → ≥ ${fastest} ms meanwhile)`,
    };
  }

  async function databasePartition(ctx: NetworkFaultContext): Promise<Recovery> {
    const hold = (ctx.quick ? 3_000 : 4_000) + ctx.random() * (ctx.quick ? 1_500 : 4_000);
    await partition('postgres');
    const from = Date.now();
    ctx.say(`b. API↔PostgreSQL partitioned for ${(hold / 1000).toFixed(1)} s`);
    const probes: ReturnType<typeof probe>[] = [];
    while (Date.now() < from + hold) {
      probes.push(probe(ctx));
      await sleep(400);
    }
    await heal('postgres');
    const to = Date.now();
    const healed = Date.now();
    await until('a write through the API after the partition', ctx.write, 120_000);
    const recovery = (Date.now() - healed) / 1000;
    const seen = await Promise.all(probes);
    const during = seen.filter((p) => p.at <= to);
    const shed = during.filter((p) => p.status === 503 && DATABASE_CODES.has(p.code ?? '') && p.retryAfter);
    const unanswered = seen.filter((p) => p.status === 0);
    record(
      shed.length > 0 && unanswered.length === 0,
      `fault b: reads during the partition answered 503 DATABASE_* with Retry-After (${shed.length}/${during.length}; ${unanswered.length} without an answer)`,
    );
    const { bad, text } = judge(from, to + 1_000, DATABASE_CODES);
    record(
      bad.length === 0,
      `during the partition every 5xx was a 503 DATABASE_UNAVAILABLE or DATABASE_BUSY with Retry-After, never a 500 (${text})`,
    );
    return {
      fault: `API↔PostgreSQL partition (${(hold / 1000).toFixed(1)} s)`,
      recoverySeconds: recovery,
      measure: 'partition healed → a write answered',
    };
  }

  async function workerPartition(
    ctx: NetworkFaultContext,
    client: Client,
  ): Promise<{ recovery: Recovery; steps: Step[] }> {
    const handle = client.workflow.getHandle(reportingWorkflowId(ctx.directiveId));
    const ask = (ms: number) =>
      client.connection.withDeadline(Date.now() + ms, () => handle.query(reportingStateQuery));
    const state = await until(
      'the reporting workflow to answer a query',
      async () => {
        const s = await ask(5_000);
        return s.cycle?.index === 0 && s.steps.length > 0 ? s : null;
      },
      60_000,
    );
    const hold = (ctx.quick ? 3_000 : 4_000) + ctx.random() * (ctx.quick ? 1_500 : 4_000);
    await partition('temporal');
    const from = Date.now();
    ctx.say(`c. worker↔Temporal partitioned for ${(hold / 1000).toFixed(1)} s`);
    let failed = 0;
    let tries = 0;
    while (Date.now() < from + hold) {
      tries++;
      const [answered, up] = await Promise.all([
        ask(2_000).then(
          () => true,
          () => false,
        ),
        ctx.temporalUp().catch(() => false),
      ]);
      if (!answered && up) failed++;
    }
    await heal('temporal');
    const healed = Date.now();
    await until("the worker's answer to a query after the partition", () => ask(3_000), 120_000);
    record(
      failed > 0,
      `fault c: the worker could not answer while Temporal answered the suite (${failed}/${tries} queries unanswered), and answered after the partition`,
    );
    return {
      recovery: {
        fault: `worker↔Temporal partition (${(hold / 1000).toFixed(1)} s)`,
        recoverySeconds: (Date.now() - healed) / 1000,
        measure: 'partition healed → a workflow query answered by the worker',
      },
      steps: state.steps,
    };
  }

  async function temporalOutage(ctx: NetworkFaultContext, steps: Step[]): Promise<Recovery | undefined> {
    const remind = steps.find((s) => s.kind === 'remind');
    if (!remind) {
      record(false, 'fault d: cycle 0 has a reminder step to aim at');
      return undefined;
    }
    const due = Date.parse(remind.at);
    // Short enough that the worker's polls, which back off from 200 ms doubling up to 10 s while Temporal is away,
    // come back well before the deadline (where a reminder is skipped, and fault 2 begins).
    const stopAt = due - 2_000 - ctx.random() * 1_000;
    const startAt = due + 1_500 + ctx.random() * 1_000;
    if (Date.now() > due - 1_000 || startAt > ctx.deadline - 5_000) {
      record(
        false,
        `fault d: the run fell behind (the reminder was due in ${((due - Date.now()) / 1000).toFixed(1)} s)`,
      );
      return undefined;
    }
    await sleep(Math.max(0, stopAt - Date.now()));
    await ctx.stopTemporal();
    const stoppedAt = Date.now();
    ctx.say(
      `d. Temporal stopped ${((due - stoppedAt) / 1000).toFixed(1)} s before cycle 0's reminder step; restarting after it`,
    );
    await sleep(Math.max(0, startAt - Date.now()));
    const restartedAt = Date.now();
    ctx.startTemporal();
    outage = { stoppedAt, restartedAt, steps };
    await until('Temporal back', ctx.temporalUp, 120_000);
    const reminded = async () =>
      (
        await ctx.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM escalation WHERE directive_id = $1 AND cycle = 0 AND level = 'reminded'`,
          [ctx.directiveId],
        )
      )[0].n > 0;
    try {
      await until('the reminders of cycle 0', reminded, Math.max(1_000, ctx.deadline - 1_500 - Date.now()));
    } catch {
      record(false, 'fault d: the reminder step ran after the outage, before the deadline');
      return undefined;
    }
    return {
      fault: `Temporal outage across a step (${((restartedAt - stoppedAt) / 1000).toFixed(1)} s down)`,
      recoverySeconds: (Date.now() - restartedAt) / 1000,
      measure: 'restart → the missed reminder step written',
    };
  }

  return {
    apiEnv: { DATABASE_URL: proxied.toString() },
    workerEnv: { TEMPORAL_ADDRESS: `127.0.0.1:${temporalListen}` },
    noteAnswer,
    async run(ctx) {
      directiveId = ctx.directiveId;
      const recoveries: Recovery[] = [];
      await sleep((ctx.quick ? 500 : 1_000) + ctx.random() * (ctx.quick ? 1_500 : 4_000));
      recoveries.push(await latency(ctx));
      recoveries.push(await databasePartition(ctx));
      const client = new Client({
        connection: await Connection.connect({ address: options.temporalAddress }),
      });
      try {
        const c = await workerPartition(ctx, client);
        recoveries.push(c.recovery);
        const d = await temporalOutage(ctx, c.steps);
        if (d) recoveries.push(d);
      } finally {
        await client.connection.close();
      }
      return recoveries;
    },
    async checks(query) {
      const results = [...outcomes];
      const fivehundreds = answers.filter((a) => a.status === 500).length;
      results.push([
        fivehundreds === 0,
        `no request of the run answered 500 (${answers.length} answers, ${answers.filter((a) => a.status === 503).length} of them 503)`,
      ]);
      const happened = outage;
      if (happened) results.push(...(await outageChecks(query, directiveId, happened)));
      return results;
    },
  };
}

/**
 * After fault d: the steps due while Temporal was down ran after its restart, and every step of the cycle ran once
 * and in order. A step's effect: the escalation rows of its level (one event each), or the closing aggregates
 * (reason `deadline`) of its tier's hubs, one per hub; the steps' times must not overlap, in the plan's order.
 */
async function outageChecks(
  query: Query,
  directiveId: string,
  outage: { stoppedAt: number; restartedAt: number; steps: Step[] },
): Promise<[boolean, string][]> {
  const level: Partial<Record<Step['kind'], string>> = {
    remind: 'reminded',
    overdue: 'overdue',
    'escalate-parent': 'parent',
    'escalate-issuer': 'issuer',
  };
  const issuerTier = Math.max(0, ...outage.steps.filter((s) => s.kind === 'close').map((s) => s.tier));
  const rungs = await query<{ level: string; at: Date; events: number }>(
    `SELECT x.level, x.at, (SELECT count(*)::int FROM directive_event e
         WHERE e.dedupe_key = 'escalation/' || x.directive_id || '/' || x.cycle || '/' || x.unit_id || '/' || x.level) AS events
       FROM escalation x WHERE x.directive_id = $1 AND x.cycle = 0`,
    [directiveId],
  );
  const closes = await query<{ tier: number; at: Date; closes: number }>(
    `SELECT COALESCE(r.tier, $2)::int AS tier, a.created_at AS at,
            count(*) OVER (PARTITION BY a.unit_id)::int AS closes
       FROM aggregate_report a
       LEFT JOIN routing_node r ON r.directive_id = a.directive_id AND r.unit_id = a.unit_id
      WHERE a.directive_id = $1 AND a.cycle = 0 AND a.reason = 'deadline'`,
    [directiveId, issuerTier],
  );
  const effects = outage.steps.map((step) => {
    const rows =
      step.kind === 'close'
        ? closes
            .filter((c) => c.tier === step.tier)
            .map((c) => ({ at: c.at.getTime(), once: c.closes === 1 }))
        : rungs
            .filter((r) => r.level === level[step.kind])
            .map((r) => ({ at: r.at.getTime(), once: r.events === 1 }));
    const times = rows.map((r) => r.at);
    return {
      step,
      n: rows.length,
      once: rows.every((r) => r.once),
      first: Math.min(...times),
      last: Math.max(...times),
    };
  });
  const name = (s: Step) => (s.kind === 'close' ? `close-${s.tier}` : s.kind);
  const missed = effects.filter(
    (e) => Date.parse(e.step.at) > outage.stoppedAt && Date.parse(e.step.at) < outage.restartedAt,
  );
  const afterRestart = missed.filter((e) => e.n > 0 && e.first >= outage.restartedAt);
  const unordered = effects.filter(
    (e, i) => i > 0 && e.n > 0 && effects[i - 1].n > 0 && effects[i - 1].last > e.first,
  );
  return [
    [
      missed.length > 0 && afterRestart.length === missed.length,
      `fault d: the steps due while Temporal was down (${missed.map((e) => name(e.step)).join(', ') || 'none'}) ran after its restart`,
    ],
    [
      effects.every((e) => e.n > 0 && e.once) && unordered.length === 0,
      `cycle 0: every step ran once each, in order (${effects.map((e) => `${name(e.step)} ${e.n}${e.once ? '' : ' (doubled)'}`).join(', ')}${unordered.length ? `; out of order: ${unordered.map((e) => name(e.step)).join(', ')}` : ''})`,
    ],
  ];
}
