/**
 * Captures the history of a finished workflow into test/replay/histories/, for the replay tests:
 *   npm run replay:capture -- <workflowId> [name]
 * Reads TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE (defaults: the local stack). The file is named
 * `<workflowType>--<name>.json`; commit it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { loadDotEnvFile } from '@cascade/config';
import { HISTORIES_DIR } from './histories';

async function main([workflowId, name]: string[]): Promise<void> {
  if (!workflowId) {
    console.error('usage: npm run replay:capture -- <workflowId> [name]');
    process.exit(2);
  }
  loadDotEnvFile();
  // Only Temporal's address is needed here, not the whole application configuration.
  const address = process.env.TEMPORAL_ADDRESS || '127.0.0.1:7233';
  const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
  const connection = await Connection.connect({ address });
  try {
    const handle = new Client({ connection, namespace }).workflow.getHandle(workflowId);
    const description = await handle.describe();
    if (description.status.name === 'RUNNING') {
      throw new Error(
        `${workflowId} is still running: capture finished workflows so that the history is complete`,
      );
    }
    const history = await handle.fetchHistory();
    const slug = (name ?? workflowId).replace(/[^A-Za-z0-9._-]+/g, '-');
    mkdirSync(HISTORIES_DIR, { recursive: true });
    const file = join(HISTORIES_DIR, `${description.type}--${slug}.json`);
    writeFileSync(file, historyToJSON(history) + '\n');
    console.log(`${history.events?.length ?? 0} events written to ${file}`);
  } finally {
    await connection.close();
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
