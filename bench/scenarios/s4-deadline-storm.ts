/** S4: every grassroots deadline at one instant, against bare timers all due at one instant. */
import type { Bench } from '../context';
import { pct, round, say, scenarios, until } from '../measure';
import { UNITS } from '../options';
import { rawTimerWorkflow } from '../raw-workflows';
import type { Dispatched } from './s1-dispatch';
import type { Cycles } from './s3-cycles';

// The storm: cycle 0 of S3's directive, where nobody reports, marks every grassroots unit overdue at one instant.
export async function s4DeadlineStorm(
  { runId, stack: { pg, client, rawQueue } }: Bench,
  { nodes }: Dispatched,
  s3: Cycles,
) {
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
