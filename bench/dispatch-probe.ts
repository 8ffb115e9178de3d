/**
 * `npm run bench:dispatch [-- N]`: a probe, not the bench. On the bench's own stack (bench/stack.ts), imports a tree of
 * N units (2,000 unless given; depth 4, fan-out 22 as S1's unless `--fanout=F`), issues a directive to its subtree and times one
 * sign → `dispatched` as the issuer's clerk reads it through the API, with how many dispatch hub workflows ran. One
 * round, no warm-up, no raw arm: for before/after checks of the dispatch, not for the README's table. `--times=K`
 * repeats it K times on the same stack, each directive on a tree of its own (a later national directive meets the
 * statistics the earlier ones left).
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { connectApi, type Api } from './api';
import { round, say, until } from './measure';
import { onFailure, startStack, stopStack, type Stack } from './stack';
import { setUpTree } from './tree';

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const count = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 2_000);
  const runId = `${Date.now().toString(36)}${process.pid}`;
  const stack = await startStack(runId);
  const api = await connectApi(stack.base, runId, stack.databaseUrl);
  const times = Number(process.argv.find((a) => a.startsWith('--times='))?.slice(8) ?? 1);
  for (let time = 0; time < times; time++) {
    // `--analyze`: the statistics autovacuum would have gathered by then (a national directive some minutes later)
    if (time && process.argv.includes('--analyze')) await stack.pg.query('ANALYZE');
    await probe(`${runId}${time ? `-${time}` : ''}`, stack, api, count);
  }
  await stopStack(stack, runId);
}

async function probe(runId: string, stack: Stack, api: Api, count: number) {
  const { call, must } = api;
  const { leader, clerk, form, issue, delivered } = await setUpTree(runId, stack, api, {
    count,
    fanout: Number(process.argv.find((a) => a.startsWith('--fanout='))?.slice(9) ?? 22),
  });
  const directiveId = await issue({
    schedule: { kind: 'interval', everySeconds: 3_600, count: 1 },
    stagger: [0, 5, 10, 15],
    form,
  });
  const s0 = performance.now();
  await must('sign', call('POST', `/directives/${directiveId}/sign`, leader.token, { version: 1 }));
  await until(
    'the directive dispatched',
    async () => (await call('GET', `/directives/${directiveId}`, clerk.token)).body.status === 'dispatched',
    600_000,
    25,
  );
  const seconds = (performance.now() - s0) / 1000;
  const reached = await delivered(directiveId);
  if (reached !== count - 1) throw new Error(`dispatched with ${reached} of ${count - 1} units delivered`);
  let hubs = 0;
  for await (const _ of stack.client.workflow.list({ query: `WorkflowType = 'dispatchHubWorkflow'` })) hubs++;
  // Where the time went, as the trail's timestamps tell it (the database's clock).
  const steps = (
    await stack.pg.query<{ action: string; s: number }>(
      `SELECT action, extract(epoch FROM at - min(at) OVER ())::float AS s FROM directive_event
        WHERE directive_id = $1 AND action IN ('signed', 'dispatch.planned', 'dispatched') ORDER BY id`,
      [directiveId],
    )
  ).rows;
  say(
    `sign → dispatched: ${round(seconds, 2)} s for ${reached} units (${round(reached / seconds, 1)} units/s), ` +
      `${hubs} dispatch hub workflows so far; trail: ${steps.map((e) => `${e.action} +${round(e.s, 2)} s`).join(', ')}`,
  );
}

main().then(
  () => process.exit(0),
  async (error: Error) => {
    console.error(`probe failed: ${error.stack ?? error.message}`);
    for (const stop of onFailure.reverse()) await Promise.resolve(stop()).catch(() => undefined);
    process.exit(1);
  },
);
