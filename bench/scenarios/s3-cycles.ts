/** S3: cycles seconds apart on the same tree, aggregated at every level, and the longest workflow history. */
import type { Bench } from '../context';
import { pct, round, say, scenarios, until } from '../measure';
import { QUICK, UNITS } from '../options';

/** S3's directive and its first deadline, for S4's storm. */
export interface Cycles {
  directiveId: string;
  deadline0: number;
}

export async function s3Cycles({
  stack: { pg, client },
  api: { call, must },
  tree: { rootId, leader, form, issue },
}: Bench): Promise<Cycles> {
  const s3 = { directiveId: '', deadline0: 0 };
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
  return s3;
}
