/** S6: the worker's memory per cached directive workflow. */
import type { Bench } from '../context';
import { record, rounds, until } from '../measure';
import { QUICK } from '../options';

export async function s6Memory({
  stack: { client, workerRss },
  api: { call, must },
  tree: { rootId, clerk },
}: Bench) {
  // Each round: the worker's RSS before and after it holds `drafts` more open directive workflows in its cache:
  // drafts wait for review, each an open workflow that the worker has run once and keeps cached.
  const drafts = QUICK ? 200 : 500;
  let made = 0;
  const measured = await rounds('S6 memory', async (n) => {
    if (global.gc) global.gc();
    const before = workerRss();
    for (let i = 0; i < drafts; i++) {
      await must(
        'draft',
        call('POST', '/directives', clerk.token, {
          issuerId: rootId,
          type: 'CV',
          subject: `Bộ nhớ ${n}.${i}`,
          tasks: ['Đo.'],
          addressees: { mode: 'children' },
        }),
      );
    }
    made += drafts;
    // Each workflow has run its first task once its search attributes are visible as a draft.
    await until('the drafts to be cached', async () => {
      const c = await client.workflow.count(`WorkflowType = 'directiveWorkflow' AND CascadeStatus = 'draft'`);
      return c.count >= made;
    });
    return (workerRss() - before) / drafts;
  });
  record({
    id: 'S6 memory',
    metric: `the worker's RSS growth per directive workflow, ${drafts} more cached drafts per round (${made} in all)`,
    unit: 'MB per cached workflow',
    ours: measured,
    target: '≤ 1 MB per cached workflow (median)',
    pass: (o) => o.median <= 1,
    digits: 3,
  });
}
