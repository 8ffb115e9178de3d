import { Client as PgClient } from 'pg';
import { rollupDrift } from '@cascade/persistence';
import { rawDb } from './plans';

/**
 * The routing tree's counters (`routing_rollup`, `report_rollup`, kept by triggers) agree with a count of the rows,
 * for each directive: what the dashboards' roll-ups read is what the routing nodes and reports say.
 */
export async function expectNoRollupDrift(...directiveIds: string[]): Promise<void> {
  const pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  try {
    for (const id of directiveIds)
      expect({ id, drift: await rollupDrift(rawDb(pg), id) }).toEqual({ id, drift: [] });
  } finally {
    await pg.end();
  }
}
