/**
 * S2: acknowledgements and reports through the API at several concurrencies, against the same statements through
 * bare PostgreSQL (bench/bare.ts) at the same concurrency, each round on grassroots units of its own.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { ReportForm } from '@cascade/domain';
import {
  acknowledgeNode,
  closeIfComplete,
  fileReport,
  propagateUp,
  recordAggregateEvent,
  reportEvent,
  retryTransient,
  type ReportToFile,
} from '@cascade/persistence';
import type { Bench } from '../context';
import { statementCounter } from '../postgres';
import { pct, record, ROUNDS, round, rounds, say } from '../measure';
import { INGEST_UNITS, QUICK, want } from '../options';
import type { Dispatched } from './s1-dispatch';

type Req = { kind: 'ack' | 'report'; unitId: string; token: string; key: string };
const P99_MS = 100;

export async function s2Ingest(
  { runId, stack: { pg, bare, cpuNow }, api: { call }, tree: { rootId, member, form } }: Bench,
  { directiveId, nodes }: Dispatched,
) {
  // Each round of each concurrency level has its own grassroots units: each acknowledges the directive, then reports
  // its cycle; 10% of the requests are sent again with the same key and body (a client's retry), which must create
  // nothing. The raw arm, on units of its own, runs what the API's handlers run against PostgreSQL — the
  // acknowledgement's statement, `cascade_file_report` and the hub's close when complete — without HTTP, NestJS,
  // authentication, validation or the idempotency records, through as many connections as the API's pool.
  // The target for single items is at c=32 (≥ 1,000 req/s, p99 ≤ 100 ms); the quick tree has units for two levels.
  const levels = !want('S2') ? [] : QUICK ? [4, 32] : [4, 32, 64];
  const perArm = INGEST_UNITS * (ROUNDS + 1) * levels.length;
  const leaves = nodes.filter((n) => !n.is_hub);
  if (leaves.length < 2 * perArm)
    throw new Error(`S2 needs ${2 * perArm} grassroots units, the tree has ${leaves.length}`);
  const oursLeaves = leaves.slice(0, perArm);
  const rawLeaves = leaves.slice(perArm, 2 * perArm);
  // A specialist per unit of Cascade's arm, 32 at a time (the full run makes thousands).
  const tokens: string[] = [];
  for (let i = 0; i < oursLeaves.length; i += 32)
    tokens.push(
      ...(await Promise.all(oursLeaves.slice(i, i + 32).map((l) => member(l.unit_id, 'specialist')))).map(
        (m) => m.token,
      ),
    );
  const counts = async () =>
    (
      await pg.query<{ reports: number; acks: number }>(
        `SELECT (SELECT count(*)::int FROM report WHERE directive_id = $1) AS reports,
                (SELECT count(*)::int FROM directive_event WHERE directive_id = $1 AND action = 'acknowledged') AS acks`,
        [directiveId],
      )
    ).rows[0];
  // A unit's acknowledgement comes before its report; a duplicate comes after its original.
  const requestsOf = (units: { unit_id: string }[], token: (i: number) => string, tag: string) =>
    units
      .flatMap((u, i) => [
        { kind: 'ack' as const, unitId: u.unit_id, token: token(i), key: `${tag}-ack-${i}` },
        { kind: 'report' as const, unitId: u.unit_id, token: token(i), key: `${tag}-report-${i}` },
      ])
      .flatMap((q, i) => (i % 10 === 9 ? [q, q] : [q]));
  // `send` answers false for a duplicate that overtook its original (sent again later, as a client would).
  const drive = async (all: Req[], concurrency: number, send: (q: Req) => Promise<boolean>) => {
    const total = all.length;
    const lat: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < all.length) {
          const q = all[next++];
          const a = performance.now();
          if (!(await send(q))) all.push(q);
          else lat.push(performance.now() - a);
        }
      }),
    );
    return { rate: total / ((performance.now() - t0) / 1000), p50: pct(lat, 50), p99: pct(lat, 99) };
  };
  const viaApi = async (q: Req) => {
    const res =
      q.kind === 'ack'
        ? await call(
            'POST',
            `/directives/${directiveId}/acknowledge`,
            q.token,
            { unitId: q.unitId, decision: 'accept' },
            q.key,
          )
        : await call(
            'POST',
            `/directives/${directiveId}/reports`,
            q.token,
            { unitId: q.unitId, cycle: 0, values: { sessions: 1, done: true } },
            q.key,
          );
    if (
      res.status === 409 &&
      (res.body.error as { code?: string })?.code === 'IDEMPOTENCY_REQUEST_IN_PROGRESS'
    )
      return false;
    if (res.status !== 201 && res.status !== 200)
      throw new Error(`${q.kind} → ${res.status} ${JSON.stringify(res.body)}`);
    return true;
  };
  // The API's handlers' statements (apps/api/src/routing and reporting), bare.
  const reportForm = form as unknown as ReportForm;
  const bareSend = async (q: Req) => {
    if (q.kind === 'ack') {
      await acknowledgeNode(bare.db, {
        directiveId,
        unitId: q.unitId,
        status: 'accepted',
        userId: null,
        role: null,
        reason: null,
      });
      return true;
    }
    const report: ReportToFile = {
      reportId: randomUUID(),
      directiveId,
      unitId: q.unitId,
      cycle: 0,
      values: { sessions: 1, done: true },
      userId: null,
      request: { caller: `bench:${runId}`, key: q.key },
      issuerId: rootId,
    };
    const filed = await retryTransient(() => fileReport(bare.db, report, false));
    if (filed.retry_alone)
      await retryTransient(() =>
        bare.db.transaction(async (m) => {
          const alone = await fileReport(m, report, true);
          if (alone.filed_before) return;
          const aggregates = await propagateUp(m, directiveId, rootId, q.unitId, 0, reportForm);
          await reportEvent(m, report, alone);
          for (const a of aggregates) await recordAggregateEvent(m, directiveId, a);
        }),
      );
    else if (!filed.after_close && !filed.filed_before)
      await closeIfComplete(bare.db, directiveId, rootId, filed.parent_unit_id, 0, reportForm);
    return true;
  };

  const statements = statementCounter(pg);
  // BENCH_PROFILE=file.cpuprofile: a CPU profile of this process (the load generator) during the ingest.
  const profiler = process.env.BENCH_PROFILE ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  for (const [level, concurrency] of levels.entries()) {
    let cpu = '';
    const measured = await rounds(`S2 ingest c=${concurrency}`, async (n) => {
      const from = (level * (ROUNDS + 1) + n) * INGEST_UNITS;
      const units = oursLeaves.slice(from, from + INGEST_UNITS);
      const ours = requestsOf(units, (i) => tokens[from + i], `ingest-${concurrency}-${n}`);
      const expected = ours.length;
      const before = await counts();
      await statements.reset();
      const cpu0 = cpuNow();
      const api = await drive(ours, concurrency, viaApi);
      const cpu1 = cpuNow();
      await statements.print(`S2 c=${concurrency} round ${n}, the API's`, expected);
      const per = (k: keyof typeof cpu0) => round(((cpu1[k] - cpu0[k]) * 1000) / expected, 2);
      cpu = `CPU per request: API ${per('api')} ms, PostgreSQL ${per('postgres')} ms, load generator ${per('load')} ms`;
      const mid = await counts();
      // The duplicates created nothing: one report and one acknowledgement per unit.
      if (mid.reports - before.reports !== units.length || mid.acks - before.acks !== units.length)
        throw new Error(
          `S2: ${mid.reports - before.reports} reports, ${mid.acks - before.acks} acknowledgements for ${units.length} units`,
        );
      const rawUnits = rawLeaves.slice(from, from + INGEST_UNITS);
      const rawRequests = requestsOf(rawUnits, () => '', `raw-${concurrency}-${n}`);
      await statements.reset();
      const raw = await drive(rawRequests, concurrency, bareSend);
      await statements.print(`S2 c=${concurrency} round ${n}, bare SQL's`, rawRequests.length);
      const after = await counts();
      if (after.reports - mid.reports !== rawUnits.length || after.acks - mid.acks !== rawUnits.length)
        throw new Error(
          `S2 raw: ${after.reports - mid.reports} reports, ${after.acks - mid.acks} acknowledgements for ${rawUnits.length} units`,
        );
      say(
        `  Cascade ${round(api.rate, 1)} req/s (p99 ${round(api.p99, 1)} ms), bare SQL ${round(raw.rate, 1)} req/s (p99 ${round(raw.p99, 1)} ms); ${cpu}`,
      );
      return { api, raw, expected };
    });
    const p99s = measured.map((m) => m.api.p99);
    const p99 = [...p99s].sort((a, b) => a - b)[Math.floor(p99s.length / 2)];
    record({
      id: `S2 ingest c=${concurrency}`,
      metric: `${INGEST_UNITS} acknowledgements and ${INGEST_UNITS} reports per round through the API, ${measured[0].expected - 2 * INGEST_UNITS} duplicates; p99 per round ${p99s.map((x) => round(x, 1)).join(', ')} ms (bare SQL ${measured.map((m) => round(m.raw.p99, 1)).join(', ')} ms); last round's ${cpu}`,
      unit: 'req/s',
      ours: measured.map((m) => m.api.rate),
      bare: measured.map((m) => m.raw.rate),
      target: `≥ 0.6 of bare SQL (medians), median p99 ≤ ${P99_MS} ms`,
      pass: (o, r) => o.median / r!.median >= 0.6 && p99 <= P99_MS,
      digits: 1,
    });
  }

  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify(profile));
    profiler.disconnect();
  }
}
