import { DataSource, EntityManager } from 'typeorm';
import { ProbeEntity } from './entities';

/**
 * The probe workflows' rows (`probe`): this file is their one writer (the worker's probe activities) and the API's
 * reader. Simple single-row reads and writes, so TypeORM's entity and repository serve here.
 */

/** Idempotent: the row is keyed by probe id, and a second insert leaves the first write in place. */
export async function insertProbe(
  db: DataSource | EntityManager,
  probe: { probeId: string; message: string; workflowId: string },
): Promise<{ recordedAt: Date }> {
  const rows: { recorded_at: Date }[] = await db.query(
    `INSERT INTO probe (id, message, workflow_id) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id
         RETURNING recorded_at`,
    [probe.probeId, probe.message, probe.workflowId],
  );
  return { recordedAt: rows[0].recorded_at };
}

/** Marks a probe finished with its note; finishing again keeps the first finishing time. */
export async function finishProbe(
  db: DataSource | EntityManager,
  probeId: string,
  note: string,
): Promise<{ finishedAt: Date }> {
  await db
    .createQueryBuilder()
    .update(ProbeEntity)
    .set({ status: 'finished', note, finishedAt: () => 'COALESCE(finished_at, now())' })
    .where('id = :probeId', { probeId })
    .execute();
  const row = await db.getRepository(ProbeEntity).findOneByOrFail({ id: probeId });
  return { finishedAt: row.finishedAt as Date };
}

/** Whether the probe's row is in PostgreSQL. */
export async function isProbeRecorded(db: DataSource | EntityManager, probeId: string): Promise<boolean> {
  return (await db.getRepository(ProbeEntity).countBy({ id: probeId })) > 0;
}
