import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { CHAIN_TRIGGERS, DIRECTIVE_EVENT_APPEND_ONLY, DIRECTIVE_EVENT_CHAIN } from './chain-triggers.sql';
import { DIRECTIVE_EVENT_DIGEST_INPUT } from './event-digest.sql';
import { CASCADE_FILE_REPORT } from './file-report.sql';
import { CASCADE_FILE_REPORTS } from './file-reports.sql';
import { FOLD_VI } from './fold-vi.sql';
import { CASCADE_NOTIFY_DIRECTIVE_EVENT, LIVE_EVENT_TRIGGERS } from './live-events.sql';
import { SQL_DEFINITIONS_LOCK_KEY } from './locks';
import { CASCADE_REPORT_EVENT } from './report-event.sql';
import { CASCADE_SEAL_EVENTS } from './seal-events.sql';
import {
  CASCADE_ROLLUP_NODES,
  CASCADE_ROLLUP_RECOUNT,
  CASCADE_ROLLUP_REPORTS,
  ROLLUP_TRIGGERS,
} from './routing-rollup.sql';

export { hubLockKey } from './locks';
export { CASCADE_SEAL_EVENTS } from './seal-events.sql';

/**
 * The current definition of a group of database functions and triggers: statements that can run again and again
 * (`CREATE OR REPLACE FUNCTION`, `DROP TRIGGER IF EXISTS` then `CREATE TRIGGER`), like Flyway's repeatable
 * migrations. The migrations made the schema they rely on; these files say what the functions are now.
 */
export interface SqlDefinition {
  name: string;
  statements: readonly string[];
}

/**
 * Every database function and trigger, in the order they are applied (a function before what calls it at creation:
 * the triggers after their functions). To change one, edit its file: the next migrate applies it, and
 * test/integration/sql-definitions.e2e-spec.ts checks that a migrated database holds exactly these.
 */
export const SQL_DEFINITIONS: readonly SqlDefinition[] = [
  { name: 'fold_vi', statements: [FOLD_VI] },
  { name: 'directive_event_digest_input', statements: [DIRECTIVE_EVENT_DIGEST_INPUT] },
  {
    name: 'directive_event_triggers',
    statements: [DIRECTIVE_EVENT_CHAIN, DIRECTIVE_EVENT_APPEND_ONLY, ...CHAIN_TRIGGERS],
  },
  { name: 'cascade_seal_events', statements: [CASCADE_SEAL_EVENTS] },
  { name: 'cascade_report_event', statements: [CASCADE_REPORT_EVENT] },
  { name: 'cascade_file_report', statements: [CASCADE_FILE_REPORT] },
  { name: 'cascade_file_reports', statements: [CASCADE_FILE_REPORTS] },
  {
    name: 'routing_rollup_triggers',
    statements: [CASCADE_ROLLUP_RECOUNT, CASCADE_ROLLUP_NODES, CASCADE_ROLLUP_REPORTS, ...ROLLUP_TRIGGERS],
  },
  { name: 'live_event_triggers', statements: [CASCADE_NOTIFY_DIRECTIVE_EVENT, ...LIVE_EVENT_TRIGGERS] },
];

/** What `schema_definition` records of a definition applied: the SHA-256 of its statements. */
export const sqlDefinitionSha256 = (definition: SqlDefinition): string =>
  createHash('sha256').update(JSON.stringify(definition.statements)).digest('hex');

/**
 * Applies, after the migrations, every definition whose text differs from the one `schema_definition` records
 * (all of them on a database that has none recorded yet), and records it: in one transaction, under an advisory
 * lock so that starters racing apply each change once. Returns the names of those applied, in order.
 */
export async function applySqlDefinitions(
  dataSource: DataSource,
  definitions: readonly SqlDefinition[] = SQL_DEFINITIONS,
): Promise<string[]> {
  return dataSource.transaction(async (m) => {
    await m.query(`SELECT pg_advisory_xact_lock(${SQL_DEFINITIONS_LOCK_KEY})`);
    const rows: { name: string; sha256: string }[] = await m.query(
      `SELECT name, sha256 FROM schema_definition`,
    );
    const recorded = new Map(rows.map((r) => [r.name, r.sha256]));
    const applied: string[] = [];
    for (const definition of definitions) {
      const sha256 = sqlDefinitionSha256(definition);
      if (recorded.get(definition.name) === sha256) continue;
      for (const statement of definition.statements) await m.query(statement);
      await m.query(
        `INSERT INTO schema_definition (name, sha256, applied_at) VALUES ($1, $2, now())
         ON CONFLICT (name) DO UPDATE SET sha256 = EXCLUDED.sha256, applied_at = EXCLUDED.applied_at`,
        [definition.name, sha256],
      );
      applied.push(definition.name);
    }
    return applied;
  });
}
