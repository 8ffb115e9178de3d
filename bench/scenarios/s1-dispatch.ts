/** S1: a signed directive delivered to every unit of the tree, against a raw tree of hub workflows. */
import type { Bench } from '../context';
import { round, say, scenarios, until } from '../measure';
import { BATCH, UNITS } from '../options';
import { rawHubWorkflow, type HubShape } from '../raw-workflows';

/** The directive that the other scenarios use, and its routing nodes. */
export type Dispatched = Awaited<ReturnType<typeof s1Dispatch>>;

export async function s1Dispatch({
  runId,
  stack: { pg, client, rawQueue },
  api: { call, must },
  tree: { rootId, leader, form, issue, delivered },
}: Bench) {
  // A long cycle: S2's reports arrive on time (late reports are another path, see the README).
  const cycleSeconds = 3_600;
  const directiveId = await issue({
    schedule: { kind: 'interval', everySeconds: cycleSeconds, count: 1 },
    stagger: [0, 5, 10, 15],
    form,
    escalation: { parentAfter: 'PT5S' },
  });
  const recipients = UNITS - 1;
  const s0 = performance.now();
  await must('sign', call('POST', `/directives/${directiveId}/sign`, leader.token, { version: 1 }));
  await until('every unit delivered', async () => (await delivered(directiveId)) === recipients, 600_000, 20);
  const ours1 = recipients / ((performance.now() - s0) / 1000);
  const nodes: { unit_id: string; parent_unit_id: string; is_hub: boolean }[] = (
    await pg.query<{ unit_id: string; parent_unit_id: string; is_hub: boolean }>(
      `SELECT unit_id, parent_unit_id, is_hub FROM routing_node WHERE directive_id = $1 ORDER BY unit_id`,
      [directiveId],
    )
  ).rows;
  const kids = new Map<string, { unit_id: string; is_hub: boolean }[]>();
  for (const n of nodes) kids.set(n.parent_unit_id, [...(kids.get(n.parent_unit_id) ?? []), n]);
  const shapeOf = (hub: string): HubShape => {
    const children = kids.get(hub) ?? [];
    const subs = children.map((c, i) => ({ c, i })).filter(({ c }) => c.is_hub);
    return {
      batches: Math.max(1, Math.ceil(children.length / BATCH)),
      subHubs: subs.map(({ c }) => shapeOf(c.unit_id)),
      subHubBatch: subs.map(({ i }) => Math.floor(i / BATCH)),
    };
  };
  const r1 = performance.now();
  await client.workflow.execute(rawHubWorkflow, {
    taskQueue: rawQueue,
    workflowId: `raw-hub-${runId}`,
    args: [shapeOf(rootId)],
  });
  const raw1 = recipients / ((performance.now() - r1) / 1000);
  scenarios.push({
    id: 'S1 dispatch',
    metric: `sign → ${recipients} units delivered (tree depth 4)`,
    unit: 'units/s',
    value: round(ours1, 1),
    raw: round(raw1, 1),
    ratio: round(ours1 / raw1, 3),
    target: '≥ 0.7 of raw',
    pass: ours1 / raw1 >= 0.7,
  });
  say(`S1 dispatch: ${round(ours1, 1)} units/s, raw ${round(raw1, 1)} units/s`);
  return { directiveId, nodes };
}
