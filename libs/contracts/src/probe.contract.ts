import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ProbeStatus } from '@cascade/domain';

export interface ProbeInput {
  probeId: string;
  message: string;
}

export interface ProbeState {
  probeId: string;
  message: string;
  status: ProbeStatus;
  recordedAt: string | null;
  finishedAt: string | null;
  note: string | null;
}

export interface FinishProbeInput {
  note: string;
}

export const probeWorkflowType = 'probeWorkflow';
export const probeWorkflowId = (probeId: string): string => `probe/${probeId}`;

export const probeStateQuery = defineQuery<ProbeState>('probeState');
export const finishProbeUpdate = defineUpdate<ProbeState, [FinishProbeInput]>('finishProbe');

/** Activities the probe workflow calls (implemented in apps/worker). */
export interface ProbeActivities {
  recordProbe(input: ProbeInput): Promise<{ recordedAt: string }>;
  markProbeFinished(input: { probeId: string; note: string }): Promise<{ finishedAt: string }>;
}
