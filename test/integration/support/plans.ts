import type { Client as PgClient } from 'pg';
import type { DataSource } from 'typeorm';

/** A node of `EXPLAIN (ANALYZE, FORMAT JSON)`. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  Plans?: PlanNode[];
}
const flatten = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(flatten)];

/** The test's connection as the persistence functions take one (they only call `query`). */
export const rawDb = (pg: PgClient) =>
  ({
    query: async (sql: string, params: unknown[]) => (await pg.query(sql, params)).rows,
  }) as unknown as DataSource;

/**
 * The persistence layer's last statement in `run`, run again under EXPLAIN ANALYZE: no node reads one of `tables`
 * whole (Seq Scan), no node handles more than `bound` rows (a Sort of the whole set, or an index range past the page,
 * would). Answers the plan's nodes.
 */
export async function explainLast(
  pg: PgClient,
  run: (db: DataSource) => Promise<unknown>,
  tables: readonly string[],
  bound: number,
): Promise<PlanNode[]> {
  const seen: [string, unknown[]][] = [];
  const db = {
    query: async (sql: string, params: unknown[]) => {
      seen.push([sql, params]);
      return (await pg.query(sql, params)).rows;
    },
  } as unknown as DataSource;
  await run(db);
  const [sql, params] = seen[seen.length - 1];
  const res = await pg.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
  const nodes = flatten((res.rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0].Plan);
  const shown = nodes.map(
    (n) =>
      `${n['Node Type']} ${n['Relation Name'] ?? n['Index Name'] ?? ''} ${n['Actual Rows']}×${n['Actual Loops']}`,
  );
  const plan = `${sql}\n${shown.join('\n')}`;
  for (const n of nodes) {
    if (n['Node Type'] === 'Seq Scan' && tables.includes(n['Relation Name'] ?? ''))
      throw new Error(`a Seq Scan of ${n['Relation Name']}:\n${plan}`);
    if (n['Actual Rows'] * n['Actual Loops'] > bound)
      throw new Error(
        `${n['Node Type']} handles ${n['Actual Rows'] * n['Actual Loops']} rows (> ${bound}):\n${plan}`,
      );
  }
  return nodes;
}
