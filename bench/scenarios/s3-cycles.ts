/**
 * S3: cycles seconds apart on the same tree, nobody reporting: every cycle marks every grassroots unit overdue at its
 * deadline and closes every tier's aggregates at theirs, up to the issuer. Measured: how late each step committed
 * after its planned instant (the stored deadline of its tier), from the rows' commit timestamps.
 */
import { Client as PgClient } from 'pg';
import type { Bench } from '../context';
import { record, round, say, until } from '../measure';
import { QUICK, UNITS } from '../options';
import type { Dispatched } from './s1-dispatch';

/** S3's directive and when each cycle's overdue marks were all visible, for S4. */
export interface Cycles {
  directiveId: string;
  cycles: number;
  grassroots: number;
  /** Per cycle: its grassroots deadline, and when another connection first saw every one of its overdue marks. */
  marks: { cycle: number; deadline: number; visible: number }[];
  watcher: Watcher;
}

/**
 * Polls, from a connection of its own, how many overdue marks each cycle of a directive has, and notes when a cycle
 * first shows all of them: the instant they were all committed, to within the polling interval.
 */
export type Watcher = Awaited<ReturnType<typeof watchMarks>>;
export async function watchMarks(databaseUrl: string, directiveId: string, expected: number, everyMs = 10) {
  const c = new PgClient({ connectionString: databaseUrl });
  await c.connect();
  const seen = new Map<number, number>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const rows = (
        await c.query<{ cycle: number; n: number }>(
          `SELECT cycle, count(*)::int AS n FROM escalation WHERE directive_id = $1 AND level = 'overdue' GROUP BY cycle`,
          [directiveId],
        )
      ).rows;
      const now = Date.now();
      for (const r of rows) if (r.n >= expected && !seen.has(r.cycle)) seen.set(r.cycle, now);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    seen,
    visible: (cycle: number) =>
      until(`the overdue marks of cycle ${cycle}`, async () => seen.get(cycle), 600_000, 5),
    stop: async () => {
      stopped = true;
      await loop;
      await c.end();
    },
  };
}

export async function s3Cycles(
  { stack: { pg, client, databaseUrl }, api: { call, must }, tree: { rootId, leader, form, issue } }: Bench,
  { nodes }: Dispatched,
): Promise<Cycles> {
  const cycles = QUICK ? 6 : 12;
  const every = QUICK ? 5 : 20;
  // The bound on every step of every cycle (cycle 0 is the warm-up): the issue's 5 s for 10^5 overdue marks at full
  // size, 2 s at the quick run's 1,000 units.
  const boundMs = QUICK ? 2_000 : 5_000;
  const directiveId = await issue({
    schedule: { kind: 'interval', everySeconds: every, count: cycles },
    stagger: [0, 1, 2, 3],
    form,
    escalation: {},
  });
  // The same addressees as S1's directive: the same grassroots units.
  const grassroots = nodes.filter((n) => !n.is_hub).length;
  const watcher = await watchMarks(databaseUrl, directiveId, grassroots);
  await must('sign', call('POST', `/directives/${directiveId}/sign`, leader.token, { version: 1 }));
  await until(
    'every cycle aggregated at the issuer',
    async () =>
      (
        await pg.query<{ n: number }>(
          `SELECT count(DISTINCT cycle)::int AS n FROM aggregate_report WHERE directive_id = $1 AND unit_id = $2`,
          [directiveId, rootId],
        )
      ).rows[0].n >= cycles,
    600_000,
    200,
  );
  const committed = (
    await pg.query<{ on: boolean }>(`SELECT current_setting('track_commit_timestamp') = 'on' AS on`)
  ).rows[0].on;
  // Without commit timestamps (a fallback server), the rows' own times: their transaction's start.
  const at = (t: string, column: string) =>
    committed ? `pg_xact_commit_timestamp(${t}.xmin)` : `${t}.${column}`;
  const steps = (
    await pg.query<{ cycle: number; tier: number; lag: number; deadline: Date }>(
      `WITH done AS (
         SELECT cycle, 0 AS tier, max(${at('e', 'at')}) AS at FROM escalation e
          WHERE directive_id = $1 AND level = 'overdue' GROUP BY cycle
         UNION ALL
         SELECT a.cycle, COALESCE(r.tier, 1000), max(${at('a', 'created_at')}) FROM aggregate_report a
           LEFT JOIN routing_node r ON r.directive_id = a.directive_id AND r.unit_id = a.unit_id
          WHERE a.directive_id = $1 AND a.revision = 1 GROUP BY 1, 2
       ), planned AS (
         SELECT d.cycle, d.tier, d.at,
                (c.deadlines -> LEAST(d.tier, jsonb_array_length(c.deadlines) - 1) ->> 'at')::timestamptz AS deadline
           FROM done d JOIN reporting_cycle c ON c.directive_id = $1 AND c.cycle = d.cycle
       )
       SELECT cycle, tier, extract(epoch FROM at - deadline)::float8 * 1000 AS lag, deadline FROM planned ORDER BY cycle, tier`,
      [directiveId],
    )
  ).rows;
  const worst = new Map<number, number>();
  for (const s of steps) worst.set(s.cycle, Math.max(worst.get(s.cycle) ?? -Infinity, Number(s.lag)));
  const measured = [...worst.entries()].filter(([c]) => c > 0 && c < cycles).map(([, lag]) => lag);
  if (measured.length < cycles - 1)
    throw new Error(`S3: ${measured.length} cycles measured of ${cycles - 1}`);
  let longest = 0;
  for await (const w of client.workflow.list({ query: `TaskQueue = '${process.env.TEMPORAL_TASK_QUEUE}'` }))
    longest = Math.max(longest, w.historyLength);
  record({
    id: 'S3 cycles',
    metric: `${cycles} cycles ${every} s apart (cycle 0 the warm-up), ${UNITS} units, overdue marks and aggregation at every tier; per cycle, its latest step's commit after its planned instant (${committed ? 'commit timestamps' : 'transaction starts: track_commit_timestamp is off'}); longest history ${longest} events (information: continue-as-new bounds it)`,
    unit: 'ms (worst step per cycle)',
    ours: measured,
    target: `every step of every cycle committed ≤ ${boundMs} ms after its instant`,
    pass: (o) => o.max <= boundMs,
  });
  say(`  steps: ${steps.map((s) => `c${s.cycle}/t${s.tier} ${round(Number(s.lag))}`).join(', ')}`);
  const marks = steps
    .filter((s) => s.tier === 0)
    .map((s) => ({
      cycle: s.cycle,
      deadline: s.deadline.getTime(),
      visible: watcher.seen.get(s.cycle) ?? NaN,
    }));
  return { directiveId, cycles, grassroots, marks, watcher };
}
