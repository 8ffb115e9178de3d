/**
 * S1: sign → the directive `dispatched` (every unit of the tree delivered, the transition committed), as its clerk
 * reads it through the API; against the same shape of bare workflows, from their signature update to their result.
 */
import type { Bench } from '../context';
import { record, round, rounds, say, until } from '../measure';
import { BATCH, UNITS } from '../options';
import { rawDirectiveWorkflow, rawSign, type HubShape } from '../raw-workflows';

/** The directive that the other scenarios use (the warm-up round's), and its routing nodes. */
export type Dispatched = Awaited<ReturnType<typeof s1Dispatch>>;
type Node = { unit_id: string; parent_unit_id: string; is_hub: boolean };

export async function s1Dispatch({
  runId,
  stack: { pg, client, rawQueue },
  api: { call, must },
  tree: { rootId, leader, clerk, form, issue, delivered },
}: Bench) {
  const recipients = UNITS - 1;
  // The tree of hub workflows Cascade's dispatch runs: a sub-hub with no more than a batch below it is delivered with
  // its parent's batch (dispatch-inline-subtrees), so only the bigger ones are hubs of their own.
  const shapeOf = (nodes: Node[]) => {
    const kids = new Map<string, Node[]>();
    for (const n of nodes) kids.set(n.parent_unit_id, [...(kids.get(n.parent_unit_id) ?? []), n]);
    const below = new Map<string, number>();
    const sizeOf = (unit: string): number => {
      let n = below.get(unit);
      if (n === undefined) {
        n = (kids.get(unit) ?? []).reduce((sum, c) => sum + 1 + sizeOf(c.unit_id), 0);
        below.set(unit, n);
      }
      return n;
    };
    const of = (hub: string): HubShape => {
      const children = kids.get(hub) ?? [];
      const subs = children
        .map((c, i) => ({ c, i }))
        .filter(({ c }) => c.is_hub && sizeOf(c.unit_id) > BATCH);
      return {
        batches: Math.max(1, Math.ceil(children.length / BATCH)),
        subHubs: subs.map(({ c }) => of(c.unit_id)),
        subHubBatch: subs.map(({ i }) => Math.floor(i / BATCH)),
      };
    };
    return of(rootId);
  };
  let first: { directiveId: string; nodes: Node[] } | null = null;
  const measured = await rounds('S1 dispatch', async (n) => {
    // A long cycle: S2's reports arrive on time (late reports are another path, see the README).
    const directiveId = await issue({
      schedule: { kind: 'interval', everySeconds: 3_600, count: 1 },
      stagger: [0, 5, 10, 15],
      form,
      escalation: { parentAfter: 'PT5S' },
    });
    const s0 = performance.now();
    await must('sign', call('POST', `/directives/${directiveId}/sign`, leader.token, { version: 1 }));
    // What the clerk sees: the directive's status, committed, polled through the API.
    await until(
      'the directive dispatched',
      async () => (await call('GET', `/directives/${directiveId}`, clerk.token)).body.status === 'dispatched',
      600_000,
      25,
    );
    const ours = recipients / ((performance.now() - s0) / 1000);
    const reached = await delivered(directiveId);
    if (reached !== recipients)
      throw new Error(`S1: dispatched with ${reached} of ${recipients} units delivered`);
    const nodes = (
      await pg.query<Node>(
        `SELECT unit_id, parent_unit_id, is_hub FROM routing_node WHERE directive_id = $1 ORDER BY unit_id`,
        [directiveId],
      )
    ).rows;
    first ??= { directiveId, nodes };
    const raw = await client.workflow.start(rawDirectiveWorkflow, {
      taskQueue: rawQueue,
      workflowId: `raw-directive-${runId}-${n}`,
      args: [shapeOf(nodes)],
    });
    const r0 = performance.now();
    await raw.executeUpdate(rawSign);
    await raw.result();
    const bare = recipients / ((performance.now() - r0) / 1000);
    say(`  ${round(ours, 1)} units/s, raw ${round(bare, 1)} units/s`);
    return { ours, bare };
  });
  record({
    id: 'S1 dispatch',
    metric: `sign → the directive dispatched as its clerk reads it (${recipients} units delivered, tree depth 4); raw: signature update → bare directive workflow done`,
    unit: 'units/s',
    ours: measured.map((m) => m.ours),
    bare: measured.map((m) => m.bare),
    target: '≥ 0.7 of raw (medians)',
    pass: (o, r) => o.median / r!.median >= 0.7,
    digits: 1,
  });
  return first!;
}
