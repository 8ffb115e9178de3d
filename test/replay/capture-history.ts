/**
 * Captures the history of a finished workflow into test/replay/histories/, for the replay tests:
 *   npm run replay:capture -- <workflowId> [name] [runId]
 * Reads TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE (defaults: the local stack). The file is named
 * `<workflowType>--<name>.json`; commit it. The integration tests capture theirs with CAPTURE_HISTORIES=1.
 */
import { Client, Connection } from '@temporalio/client';
import { loadDotEnvFile } from '@cascade/config';
import { saveHistory } from './histories';

async function main([workflowId, name, runId]: string[]): Promise<void> {
  if (!workflowId) {
    console.error('usage: npm run replay:capture -- <workflowId> [name] [runId]');
    process.exit(2);
  }
  loadDotEnvFile();
  // Only Temporal's address is needed here, not the whole application configuration.
  const address = process.env.TEMPORAL_ADDRESS || '127.0.0.1:7233';
  const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
  const connection = await Connection.connect({ address });
  try {
    const saved = await saveHistory(
      new Client({ connection, namespace }),
      workflowId,
      name ?? workflowId,
      runId,
    );
    console.log(`${saved.events} events written to ${saved.file}`);
  } finally {
    await connection.close();
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
