/** S5: the dashboards' reads through the API, against their bare SQL. */
import { OVERDUE_SQL, TREE_SQL } from '@cascade/persistence';
import type { Bench } from '../context';
import { pct, round, say, scenarios } from '../measure';
import { QUICK, UNITS } from '../options';
import type { Dispatched } from './s1-dispatch';

export async function s5Dashboards(
  { stack: { pg }, api: { call }, tree: { rootId, clerk } }: Bench,
  { directiveId }: Dispatched,
) {
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
