import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';

export const HISTORIES_DIR = join(__dirname, 'histories');

export interface CommittedHistory {
  file: string;
  workflowId: string;
  workflowType: string;
  history: temporal.api.history.v1.IHistory;
}

/**
 * Writes the history of a finished run to `<workflowType>--<name>.json` (the latest run, or `runId`'s: a workflow that
 * continued as new has one history per run). Returns the file and its number of events.
 */
export async function saveHistory(
  client: Client,
  workflowId: string,
  name: string,
  runId?: string,
  dir = HISTORIES_DIR,
): Promise<{ file: string; events: number }> {
  const handle = client.workflow.getHandle(workflowId, runId);
  const description = await handle.describe();
  if (description.status.name === 'RUNNING') {
    throw new Error(
      `${workflowId} is still running: capture finished workflows so that the history is complete`,
    );
  }
  const history = await handle.fetchHistory();
  const slug = name.replace(/[^A-Za-z0-9._-]+/g, '-');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${description.type}--${slug}.json`);
  writeFileSync(file, historyToJSON(history) + '\n');
  return { file, events: history.events?.length ?? 0 };
}

/** Every committed history: `<workflowType>--<name>.json`, as written by capture-history.ts. */
export function loadHistories(dir = HISTORIES_DIR): CommittedHistory[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const history = historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      if (!started?.workflowType?.name)
        throw new Error(`${file}: the first event is not WorkflowExecutionStarted`);
      return {
        file,
        workflowId: file.replace(/\.json$/, ''),
        workflowType: started.workflowType.name,
        history,
      };
    });
}
