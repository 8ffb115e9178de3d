/**
 * `npm run bench [-- --quick]`: Cascade against raw arms doing the same work (bare Temporal workflows where the work
 * is Temporal's, the same statements through bare PostgreSQL where it is the database's), in one run, on its own stack
 * (its own Temporal dev server and data file, its own PostgreSQL cluster, its own ports), so that it can run beside
 * the dev stack. Every scenario runs a warm-up and three measured rounds and reports their median and spread.
 * Prints a table and writes bench/results/<timestamp>.json. See the README's Performance section.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { connectApi } from './api';
import type { Bench } from './context';
import { ROUNDS, say } from './measure';
import { IMPORT_UNITS, QUICK, UNITS, want } from './options';
import { writeResults } from './report';
import { s0National } from './scenarios/s0-national';
import { s1Dispatch } from './scenarios/s1-dispatch';
import { s2Ingest } from './scenarios/s2-ingest';
import { s3Cycles, type Cycles } from './scenarios/s3-cycles';
import { s4DeadlineStorm } from './scenarios/s4-deadline-storm';
import { s5Dashboards } from './scenarios/s5-dashboards';
import { s6Memory } from './scenarios/s6-memory';
import { s7Import } from './scenarios/s7-import';
import { onFailure, startStack, stopStack } from './stack';
import { setUpTree } from './tree';

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const runId = `${Date.now().toString(36)}${process.pid}`;
  say(
    `${QUICK ? 'quick' : 'full'} mode: ${UNITS} units, import of ${IMPORT_UNITS}; every scenario a warm-up and ${ROUNDS} measured rounds`,
  );

  // --- its own stack --------------------------------------------------------------------------------------------
  const stack = await startStack(runId);
  const api = await connectApi(stack.base, runId, stack.databaseUrl);

  // --- S0 the national cycle ---------------------------------------------------------------------------------------
  if (want('S0')) await s0National({ runId, stack, api });
  // S0 at 10^5 outlives an access token (15 minutes): the other scenarios sign in again
  api.admin = await api.login(api.adminEmail);

  // --- S7 import --------------------------------------------------------------------------------------------------
  if (want('S7')) await s7Import({ runId, stack, api });

  // --- the tree for the directive ---------------------------------------------------------------------------------
  const b: Bench = { runId, stack, api, tree: await setUpTree(runId, stack, api) };

  // --- S1 dispatch ------------------------------------------------------------------------------------------------
  const dispatched = await s1Dispatch(b);

  // --- S2 ingest --------------------------------------------------------------------------------------------------
  await s2Ingest(b, dispatched);

  // --- S3 cycles ------------------------------------------------------------------------------------------------
  const s3: Cycles | null = want('S3') ? await s3Cycles(b, dispatched) : null;

  // --- S4 deadline storm ------------------------------------------------------------------------------------------
  if (s3 && want('S4')) await s4DeadlineStorm(b, s3);
  else await s3?.watcher.stop();

  // As in production, where autovacuum keeps the planner's statistics current.
  await stack.pg.query('ANALYZE');

  // --- S5 dashboards ----------------------------------------------------------------------------------------------
  if (want('S5')) await s5Dashboards(b, dispatched);

  // --- S6 memory --------------------------------------------------------------------------------------------------
  if (want('S6')) await s6Memory(b);

  // --- results ----------------------------------------------------------------------------------------------------
  writeResults(stack.machine);

  await stopStack(stack, runId);
}

main().then(
  () => process.exit(0),
  async (error: Error) => {
    console.error(`bench failed: ${error.stack ?? error.message}`);
    // What the run started goes with it, even when it fails.
    for (const stop of onFailure.reverse()) await Promise.resolve(stop()).catch(() => undefined);
    process.exit(1);
  },
);
