// The raw arm of the benchmark: the same Temporal operations as Cascade's workflows, bare — no NestJS, no
// PostgreSQL writes, no validation. Deterministic workflow code (the same lint rules as workflows/).
import {
  condition,
  defineSignal,
  defineUpdate,
  executeChild,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

/** A dispatch hub's shape: its batches of children, and the sub-hubs among them (in order). */
export interface HubShape {
  batches: number;
  subHubs: HubShape[];
  /** For each sub-hub, the batch it belongs to. */
  subHubBatch: number[];
}

/** Cascade's dispatch hub, bare: one activity per batch, then a child hub per sub-hub of that batch. */
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

/** A deadline, bare: one timer until the instant, then one activity (Cascade's overdue step is one activity). */
export async function rawTimerWorkflow(at: string): Promise<number> {
  const wait = Date.parse(at) - Date.now();
  if (wait > 0) await condition(() => false, wait);
  await noop();
  return Date.now() - Date.parse(at);
}

export const rawSignal = defineSignal<[string]>('rawSignal');
export const rawUpdate = defineUpdate<number, [string]>('rawUpdate');
export const rawStop = defineSignal('rawStop');

/** Takes signals and updates until stopped: the raw arm of report ingest. */
export async function rawSinkWorkflow(): Promise<number> {
  let received = 0;
  let stopped = false;
  setHandler(rawSignal, () => void received++);
  setHandler(rawUpdate, () => ++received);
  setHandler(rawStop, () => void (stopped = true));
  await condition(() => stopped);
  return received;
}
