/** S6: the worker's memory per cached directive workflow. */
import type { Bench } from '../context';
import { round, say, scenarios, until } from '../measure';
import { QUICK } from '../options';

export async function s6Memory({
  stack: { client, workerRss },
  api: { call, must },
  tree: { rootId, clerk },
}: Bench) {
  // The worker's RSS before and after it holds many more open directive workflows in its cache: drafts wait for
  // review, each an open workflow that the worker has run once and keeps cached.
  const drafts = QUICK ? 200 : 500;
  const before = workerRss();
  const ids: string[] = [];
  for (let i = 0; i < drafts; i++) {
    const d = await must(
      'draft',
      call('POST', '/directives', clerk.token, {
        issuerId: rootId,
        type: 'CV',
        subject: `Bộ nhớ ${i}`,
        tasks: ['Đo.'],
        addressees: { mode: 'children' },
      }),
    );
    ids.push(d.id);
  }
  // Each workflow has run its first task once its search attributes are visible as a draft.
  await until('the drafts to be cached', async () => {
    const n = await client.workflow.count(`WorkflowType = 'directiveWorkflow' AND CascadeStatus = 'draft'`);
    return n.count >= drafts;
  });
  if (global.gc) global.gc();
  const after = workerRss();
  const perWorkflow = (after - before) / drafts;
  scenarios.push({
    id: 'S6 memory',
    metric: `worker RSS ${round(before, 1)} MB → ${round(after, 1)} MB with ${drafts} more cached directive workflows`,
    unit: 'MB per cached workflow',
    value: round(perWorkflow, 3),
    raw: null,
    ratio: null,
    target: '≤ 1 MB per cached workflow',
    pass: perWorkflow <= 1,
  });
  say(`S6 memory: ${round(perWorkflow, 3)} MB per cached workflow`);
}
