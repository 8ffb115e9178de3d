import { DataSource } from 'typeorm';
import { finishProbe, insertProbe } from '@cascade/persistence';
import { probeWorkflowId, type ProbeActivities } from '@cascade/contracts';

/** Idempotent under retries: the row is keyed by probe id, and a retried insert leaves the first write in place. */
export function createProbeActivities(dataSource: DataSource): ProbeActivities {
  return {
    async recordProbe({ probeId, message }) {
      const { recordedAt } = await insertProbe(dataSource, {
        probeId,
        message,
        workflowId: probeWorkflowId(probeId),
      });
      return { recordedAt: recordedAt.toISOString() };
    },

    async markProbeFinished({ probeId, note }) {
      const { finishedAt } = await finishProbe(dataSource, probeId, note);
      return { finishedAt: finishedAt.toISOString() };
    },
  };
}
