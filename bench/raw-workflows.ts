// The raw arm of S1: the same Temporal operations as Cascade's dispatch, bare — no NestJS, no PostgreSQL writes, no
// validation (the raw arms whose work is PostgreSQL's run bare SQL instead: bench/bare.ts). Deterministic workflow code
// (the same lint rules as workflows/).
import {
  allHandlersFinished,
  condition,
  defineUpdate,
  executeChild,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

/**
 * A dispatch hub's shape: its batches of children, and the sub-hubs among them that Cascade runs as hubs of their own
 * (in order): those with more than a batch below them (a smaller subtree goes with its parent's batch).
 */
export interface HubShape {
  batches: number;
  subHubs: HubShape[];
  /** For each sub-hub, the batch it belongs to. */
  subHubBatch: number[];
}

/**
 * Cascade's dispatch hub, bare: one activity per batch (Cascade's delivers the batch and the small subtrees in it),
 * then a child hub per sub-hub of that batch that has more than a batch below it.
 */
export async function rawHubWorkflow(shape: HubShape): Promise<number> {
  let hubs = 0;
  for (let b = 0; b < shape.batches; b++) {
    await noop();
    const children = shape.subHubs.filter((_, i) => shape.subHubBatch[i] === b);
    const done = await Promise.all(children.map((child) => executeChild(rawHubWorkflow, { args: [child] })));
    hubs += done.reduce((n, x) => n + x, children.length);
  }
  return hubs;
}

export const rawSign = defineUpdate<void>('rawSign');

/**
 * Cascade's directive from its signature to `dispatched`, bare: the signature (an update that runs one activity and
 * answers), the dispatch plan (one activity), the tree of hubs, the transition recorded (one activity); the
 * workflow's result is the raw arm's "dispatched".
 */
export async function rawDirectiveWorkflow(shape: HubShape): Promise<number> {
  let signed = false;
  setHandler(rawSign, async () => {
    await noop();
    signed = true;
  });
  await condition(() => signed);
  await condition(allHandlersFinished);
  await noop();
  const hubs = await executeChild(rawHubWorkflow, { args: [shape] });
  await noop();
  return hubs;
}
