import { continueAsNew, executeChild, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { dispatchHubWorkflowId, type DirectiveActivities, type DispatchHubInput } from '@cascade/contracts';

const options = {
  startToCloseTimeout: '60 seconds',
  retry: { initialInterval: '500 ms', maximumInterval: '10 seconds' },
} as const;
const { deliverBatch: deliverBatchUntimed } = proxyActivities<DirectiveActivities>(options);
/**
 * A batch heartbeats (apps/worker/src/activities/heartbeat.ts): a batch handed to a worker that is then killed is
 * retried on another 10 s after its heartbeats stop, not once its 60 s start-to-close timeout has run out (fault 1
 * recovered in ~66 s when its kill landed just after a batch was handed out).
 */
const { deliverBatch: deliverBatchHeartbeating } = proxyActivities<DirectiveActivities>({
  ...options,
  heartbeatTimeout: '10 seconds',
});

/** History length at which a hub continues as new (well under the engine's 10,240-event warning). */
const HISTORY_BOUND = 8_000;

/**
 * Dispatch from one hub of the routing tree: deliver its routed children batch by batch, and let each child that
 * has routed children of its own fan out to them as a child workflow. Every level fans out to its own subordinates,
 * so no execution holds more than one batch (at most 1,000) of children in flight, and a hub with very many
 * children continues as new before its history grows long.
 *
 * Behind `patched('dispatch-inline-subtrees')`, a child whose whole subtree fits in a batch is delivered with the
 * batch, subtree and all, in the same statement: only hubs with more than a batch below them get a workflow of their
 * own (bench:dispatch's 10^4-unit tree: one hub workflow instead of 455, each a round trip through the task queue).
 * Runs recorded before keep starting a hub per sub-hub. Behind `patched('dispatch-heartbeat')` each batch heartbeats.
 */
export async function dispatchHubWorkflow(input: DispatchHubInput): Promise<{ delivered: number }> {
  const inlineSubtrees = patched('dispatch-inline-subtrees');
  const deliverBatch = patched('dispatch-heartbeat') ? deliverBatchHeartbeating : deliverBatchUntimed;
  let delivered = input.deliveredSoFar ?? 0;
  for (let batch = input.startBatch ?? 0; ; batch++) {
    const result = await deliverBatch({
      directiveId: input.directiveId,
      hubUnitId: input.hubUnitId,
      batchIndex: batch,
      batchSize: input.batchSize,
      ...(inlineSubtrees ? { inlineSubtrees } : {}),
    });
    delivered += result.delivered;
    const below = await Promise.all(
      result.subHubs.map((unitId) =>
        executeChild(dispatchHubWorkflow, {
          workflowId: dispatchHubWorkflowId(input.directiveId, unitId),
          args: [{ directiveId: input.directiveId, hubUnitId: unitId, batchSize: input.batchSize }],
        }),
      ),
    );
    delivered += below.reduce((n, r) => n + r.delivered, 0);
    if (!result.more) return { delivered };
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > HISTORY_BOUND) {
      return continueAsNew<typeof dispatchHubWorkflow>({
        ...input,
        startBatch: batch + 1,
        deliveredSoFar: delivered,
      });
    }
  }
}
