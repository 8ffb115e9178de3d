/** S2: acknowledgements and reports through the API at several concurrencies, against bare signals and updates. */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { Bench } from '../context';
import { pct, round, say, scenarios, until } from '../measure';
import { INGEST_UNITS, QUICK, want } from '../options';
import { rawSignal, rawSinkWorkflow, rawStop, rawUpdate } from '../raw-workflows';
import type { Dispatched } from './s1-dispatch';

export async function s2Ingest(
  { runId, stack: { pg, client, rawQueue, cpuNow }, api: { call }, tree: { member, clerk } }: Bench,
  { directiveId, nodes }: Dispatched,
) {
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
}
