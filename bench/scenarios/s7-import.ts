/** S7: the import of a large hierarchy through the API, against a bare INSERT of the same rows. */
import { generateUnits } from '@cascade/domain';
import type { Bench } from '../context';
import { round, say, scenarios } from '../measure';
import { IMPORT_UNITS } from '../options';

export async function s7Import({ runId, stack: { pg }, api: { call, must, admin } }: Omit<Bench, 'tree'>) {
  // depth 5, fan-out 18: up to 111,151 units, cut at the count asked for (the generator refuses a smaller tree)
  const rows = generateUnits({ count: IMPORT_UNITS, depth: 5, fanout: 18, prefix: `IMP${runId}` });
  if (rows.length !== IMPORT_UNITS)
    throw new Error(`S7: ${rows.length} units generated, ${IMPORT_UNITS} asked for`);
  const t0 = performance.now();
  const imported = await must('import', call('POST', '/units/import', admin, { units: rows }));
  const ours = (performance.now() - t0) / 1000;
  if ((imported.created as unknown[]).length !== rows.length)
    throw new Error('import: not every unit created');
  await pg.query(
    `CREATE TEMP TABLE raw_unit (code text PRIMARY KEY, name text, kind text, parent_code text)`,
  );
  const r0 = performance.now();
  await pg.query(
    `INSERT INTO raw_unit SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
    [
      rows.map((r) => r.code),
      rows.map((r) => r.name),
      rows.map((r) => r.kind),
      rows.map((r) => r.parentCode),
    ],
  );
  const raw = (performance.now() - r0) / 1000;
  scenarios.push({
    id: 'S7 import',
    metric: `${rows.length} units into the hierarchy (depth 5)`,
    unit: 's',
    value: round(ours),
    raw: round(raw, 3),
    ratio: round(raw / ours, 3),
    target: '< 60 s (100,000 units)',
    pass: ours < 60,
  });
  say(`S7 import: ${round(ours)} s (bare INSERT of the rows: ${round(raw, 3)} s)`);
}
