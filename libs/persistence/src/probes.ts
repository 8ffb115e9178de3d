import { DataSource, EntityManager } from 'typeorm';
import { ProbeEntity } from './entities/probe.entity';

/**
 * The probes' rows (`probe`), written by the worker's activities when a probe workflow records itself; the API only
 * reads them here.
 */
type Db = DataSource | EntityManager;

/** Whether the probe's row is in PostgreSQL. */
export async function isProbeRecorded(db: Db, probeId: string): Promise<boolean> {
  return (await db.getRepository(ProbeEntity).countBy({ id: probeId })) > 0;
}
