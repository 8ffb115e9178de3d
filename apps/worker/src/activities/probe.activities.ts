import { DataSource } from 'typeorm';
import { ProbeEntity } from '@cascade/persistence';
import { probeWorkflowId, type ProbeActivities } from '@cascade/contracts';

/** Idempotent under retries: the row is keyed by probe id, and a retried insert leaves the first write in place. */
export function createProbeActivities(dataSource: DataSource): ProbeActivities {
  return {
    async recordProbe({ probeId, message }) {
      const rows: { recorded_at: Date }[] = await dataSource.query(
        `INSERT INTO probe (id, message, workflow_id) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id
         RETURNING recorded_at`,
        [probeId, message, probeWorkflowId(probeId)],
      );
      return { recordedAt: rows[0].recorded_at.toISOString() };
    },

    async markProbeFinished({ probeId, note }) {
      await dataSource
        .createQueryBuilder()
        .update(ProbeEntity)
        .set({ status: 'finished', note, finishedAt: () => 'COALESCE(finished_at, now())' })
        .where('id = :probeId', { probeId })
        .execute();
      const row = await dataSource.getRepository(ProbeEntity).findOneByOrFail({ id: probeId });
      return { finishedAt: (row.finishedAt as Date).toISOString() };
    },
  };
}
