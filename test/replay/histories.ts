import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';

export const HISTORIES_DIR = join(__dirname, 'histories');

export interface CommittedHistory {
  file: string;
  workflowId: string;
  workflowType: string;
  history: temporal.api.history.v1.IHistory;
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
