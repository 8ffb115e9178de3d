/** S5: the dashboards' reads through the API, against their bare SQL. */
import { OVERDUE_SQL, TREE_SQL } from '@cascade/persistence';
import type { Bench } from '../context';
import { pct, record, rounds } from '../measure';
import { QUICK, UNITS } from '../options';
import type { Dispatched } from './s1-dispatch';

export async function s5Dashboards(
  { stack: { pg }, api: { call }, tree: { rootId, clerk } }: Bench,
  { directiveId }: Dispatched,
) {
  // Each round: `reps` reads of each, their p95 the round's figure.
  const reps = QUICK ? 40 : 100;
  const p95 = async (f: () => Promise<unknown>) => {
    const xs: number[] = [];
    for (let i = 0; i < reps; i++) {
      const a = performance.now();
      await f();
      xs.push(performance.now() - a);
    }
    return pct(xs, 95);
  };
  // the overdue list's query takes the unit's path (the API reads it first, by the primary key)
  const rootPath = (
    await pg.query<{ path: string }>(`SELECT path::text AS path FROM unit WHERE id = $1`, [rootId])
  ).rows[0].path;
  const reads = [
    {
      what: 'routing tree, first page with roll-ups',
      target: 50,
      api: () => call('GET', `/directives/${directiveId}/tree?cycle=0`, clerk.token),
      sql: () => pg.query(TREE_SQL, [directiveId, rootId, null, 101, 0]),
    },
    {
      what: 'overdue list',
      target: 100,
      api: () => call('GET', `/overdue?unitId=${rootId}`, clerk.token),
      // the first page (no cursor: the key's four nulls), one row more than the page, as the API reads it
      sql: () =>
        pg.query(OVERDUE_SQL, [
          rootPath,
          101,
          null,
          null,
          null,
          null,
          ['reminded', 'overdue', 'parent', 'issuer'],
        ]),
    },
  ];
  for (const { what, target, api, sql } of reads) {
    const measured = await rounds(`S5 ${what}`, async () => ({ ours: await p95(api), bare: await p95(sql) }));
    record({
      id: `S5 ${what}`,
      metric: `${UNITS} units; p95 of ${reps} reads per round (bare SQL: the same query on a connection of its own)`,
      unit: 'ms p95',
      ours: measured.map((m) => m.ours),
      bare: measured.map((m) => m.bare),
      target: `median p95 ≤ ${target} ms at ${UNITS} units`,
      pass: (o) => o.median <= target,
    });
  }
}
