import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import {
  finishProbeUpdate,
  probeStateQuery,
  probeWorkflowId,
  probeWorkflowType,
  type ProbeInput,
  type ProbeState,
} from '@cascade/contracts';

/** The client side of the probe workflow (`POST /probes`): start, query and finish. */

/** Starts a probe; a retry while the first runs joins it, and after it closed the id is never reused. */
export async function startProbeWorkflow(
  client: Client,
  taskQueue: string,
  input: ProbeInput,
): Promise<void> {
  try {
    await client.workflow.start(probeWorkflowType, {
      workflowId: probeWorkflowId(input.probeId),
      taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

export async function queryProbeState(client: Client, probeId: string): Promise<ProbeState> {
  return client.workflow.getHandle(probeWorkflowId(probeId)).query(probeStateQuery);
}

export async function finishProbeWorkflow(
  client: Client,
  probeId: string,
  note: string,
  updateId: string,
): Promise<ProbeState> {
  return client.workflow
    .getHandle(probeWorkflowId(probeId))
    .executeUpdate(finishProbeUpdate, { args: [{ note }], updateId });
}
