/**
 * S7: the import of a large hierarchy through the API, against the import's own statements through bare PostgreSQL
 * into the real `unit` table (its indexes, constraints and WAL) of a database of the raw arm's own.
 */
import { randomUUID } from 'node:crypto';
import { generateUnits, planUnitImport } from '@cascade/domain';
import {
  dropDatabase,
  ensureDatabase,
  lockHierarchyForImport,
  runMigrations,
  writeImportedUnits,
} from '@cascade/persistence';
import { bareDb } from '../bare';
import type { Bench } from '../context';
import { record, round, rounds, say } from '../measure';
import { IMPORT_UNITS } from '../options';

// Depth 5, fan-out 18 holds 111,151 units; the generator cuts the last level at the count asked for (and throws if
// the shape held fewer), so both sizes are the count they say: 10,000 (quick) and 100,000.
const DEPTH = 5;
const FANOUT = 18;
// The bound: 100,000 units in under 60 s, scaled to the run's size.
const boundS = (IMPORT_UNITS / 100_000) * 60;

export async function s7Import({
  runId,
  stack: { pg, databaseUrl },
  api: { call, must, admin },
}: Omit<Bench, 'tree'>) {
  const rawUrl = `${databaseUrl}_raw_import`;
  await ensureDatabase(rawUrl);
  await runMigrations(rawUrl);
  const raw = bareDb(rawUrl, 1);
  const count = async (prefix: string) =>
    (await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM unit WHERE code LIKE $1`, [`${prefix}-%`]))
      .rows[0].n;
  // Each round's units are removed after it (and the table vacuumed), so that every round imports into the same
  // table: the bench's hierarchy, and the raw arm's empty one. The delete skips the foreign keys' checks (the
  // replica role, in its own transaction): nothing refers to units just imported, and checking each of 10^5 against
  // every table that refers to units — `routing_node.parent_unit_id` by no index of its own — ran for minutes once S0
  // had left 3 × 10^5 routing nodes (2026-12-04). The count after it is checked.
  const remove = async (
    q: { query: (sql: string, params?: unknown[]) => Promise<unknown> },
    prefix: string,
  ) => {
    // a DO block takes no parameters: the prefix is the bench's own, letters and digits only
    if (!/^[A-Za-z0-9]+$/.test(prefix)) throw new Error(`S7: prefix ${prefix}`);
    await q.query(
      `DO $$ BEGIN
         SET LOCAL session_replication_role = replica;
         DELETE FROM unit WHERE code LIKE '${prefix}-%';
       END $$`,
    );
    await q.query(`VACUUM ANALYZE unit`);
  };
  try {
    const measured = await rounds('S7 import', async (n) => {
      const prefix = `IMP${runId}R${n}`;
      const rows = generateUnits({ count: IMPORT_UNITS, depth: DEPTH, fanout: FANOUT, prefix });
      if (rows.length !== IMPORT_UNITS)
        throw new Error(`S7: ${rows.length} units generated, ${IMPORT_UNITS} asked for`);
      const t0 = performance.now();
      const imported = await must('import', call('POST', '/units/import', admin, { units: rows }));
      const ours = (performance.now() - t0) / 1000;
      const created = (imported.created as unknown[]).length;
      const stored = await count(prefix);
      if (created !== IMPORT_UNITS || stored !== IMPORT_UNITS)
        throw new Error(`S7: ${created} units created and ${stored} stored, ${IMPORT_UNITS} asked for`);
      await remove(pg, prefix);
      if ((await count(prefix)) !== 0) throw new Error(`S7: the round's units were not removed`);
      // Raw: what the import's transaction runs (apps/api/src/units/units.service.ts) — the hierarchy's lock and read,
      // the batched upserts — the plan (ids and paths) made beforehand, outside the clock.
      const plan = planUnitImport(
        rows.map((r, i) => ({ ...r, line: i + 1 })),
        { existing: [], newId: randomUUID, mayPlaceUnder: () => true, maySee: () => true },
      );
      if (plan.writes.length !== IMPORT_UNITS)
        throw new Error(`S7 raw: ${plan.writes.length} writes planned`);
      const r0 = performance.now();
      await raw.db.transaction(async (m) => {
        await lockHierarchyForImport(m);
        await writeImportedUnits(m, plan.writes, null);
      });
      const bare = (performance.now() - r0) / 1000;
      const [{ n: rawStored }] = await raw.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM unit`);
      if (rawStored !== IMPORT_UNITS)
        throw new Error(`S7 raw: ${rawStored} units stored, ${IMPORT_UNITS} asked for`);
      await remove(raw.db, prefix);
      say(`  ${round(ours)} s, bare SQL ${round(bare, 3)} s`);
      return { ours, bare };
    });
    record({
      id: 'S7 import',
      metric: `${IMPORT_UNITS} units into the hierarchy (depth ${DEPTH}, fan-out ${FANOUT}), each round counted in the table; raw: the import's statements through bare PostgreSQL into an empty \`unit\` table of its own`,
      unit: 's',
      ours: measured.map((m) => m.ours),
      bare: measured.map((m) => m.bare),
      ratio: (o, r) => r / o,
      target: `≤ ${round(boundS, 1)} s (60 s per 100,000 units)`,
      pass: (o) => o.median <= boundS,
      digits: 3,
    });
  } finally {
    await raw.end();
    await dropDatabase(rawUrl);
  }
}
