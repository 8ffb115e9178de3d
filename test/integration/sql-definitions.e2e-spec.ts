/**
 * The database functions and triggers of a migrated database are exactly those of libs/persistence/src/sql/: for
 * every function of the files, its body (`pg_proc.prosrc`) is the file's text verbatim and its definition (arguments,
 * result, language, volatility, as `pg_get_functiondef` prints them) the one the file's text creates; for every
 * trigger, `pg_get_triggerdef` is the file's text; and the database holds no function (but the extensions') nor
 * trigger the files do not declare. The comparison is shown to fail on a function altered, a trigger dropped and a
 * function added in a scratch transaction. Applying the definitions again applies nothing; a changed text, only it.
 */
import { Client as PgClient } from 'pg';
import { createDataSource, dropDatabase, ensureDatabase, runMigrations } from '@cascade/persistence';
import {
  CASCADE_SEAL_EVENTS,
  applySqlDefinitions,
  SQL_DEFINITIONS,
  sqlDefinitionSha256,
  type SqlDefinition,
} from '@cascade/persistence';

jest.setTimeout(120_000);

const SCRATCH_SCHEMA = 'sql_definitions_scratch';

interface DeclaredFunction {
  definition: string;
  name: string;
  body: string;
  statement: string;
}

interface DeclaredTrigger {
  definition: string;
  name: string;
  text: string;
}

/** The functions and triggers the definitions' statements create. */
function declared(definitions: readonly SqlDefinition[]) {
  const functions: DeclaredFunction[] = [];
  const triggers: DeclaredTrigger[] = [];
  for (const definition of definitions) {
    for (const statement of definition.statements) {
      const fn = /^CREATE OR REPLACE FUNCTION (\w+)\(/.exec(statement);
      if (fn) {
        const body = statement.slice(statement.indexOf('$$') + 2, statement.lastIndexOf('$$'));
        functions.push({ definition: definition.name, name: fn[1], body, statement });
      }
      const trigger = /^CREATE TRIGGER (\w+) /.exec(statement);
      if (trigger) triggers.push({ definition: definition.name, name: trigger[1], text: statement });
    }
  }
  return { functions, triggers };
}

interface FunctionRow {
  name: string;
  prosrc: string;
  args: string;
  result: string;
  def: string;
}

/** The functions of a schema, without those of extensions (ltree, pg_trgm). */
const functionsOf = async (pg: PgClient, schema: string): Promise<FunctionRow[]> =>
  (
    await pg.query<FunctionRow>(
      `SELECT p.proname AS name, p.prosrc, pg_get_function_arguments(p.oid) AS args,
              pg_get_function_result(p.oid) AS result, pg_get_functiondef(p.oid) AS def
         FROM pg_proc p
        WHERE p.pronamespace = $1::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_depend d
                           WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
        ORDER BY p.proname, args`,
      [schema],
    )
  ).rows;

/**
 * Every difference between the database's functions and triggers and the definitions, one line each; none when they
 * are equal. Runs inside the caller's transaction: the file's functions are created in a scratch schema, under a
 * savepoint rolled back at the end, to read their signatures as PostgreSQL reads the file's text.
 */
async function differences(pg: PgClient, definitions: readonly SqlDefinition[] = SQL_DEFINITIONS) {
  const { functions, triggers } = declared(definitions);
  const found: string[] = [];

  await pg.query(`SAVEPOINT sql_definitions`);
  let fromFiles: FunctionRow[];
  try {
    await pg.query(`CREATE SCHEMA ${SCRATCH_SCHEMA}`);
    await pg.query(`SET LOCAL search_path = ${SCRATCH_SCHEMA}, public`);
    for (const fn of functions) await pg.query(fn.statement);
    fromFiles = await functionsOf(pg, SCRATCH_SCHEMA);
  } finally {
    await pg.query(`ROLLBACK TO SAVEPOINT sql_definitions`);
  }
  const inDatabase = await functionsOf(pg, 'public');

  for (const fn of functions) {
    const where = `function ${fn.name} (definition ${fn.definition})`;
    const rows = inDatabase.filter((r) => r.name === fn.name);
    const file = fromFiles.find((r) => r.name === fn.name)!;
    if (rows.length !== 1) {
      found.push(`${where}: ${rows.length} in the database`);
      continue;
    }
    const [row] = rows;
    if (row.prosrc !== fn.body) found.push(`${where}: body differs`);
    if (row.args !== file.args)
      found.push(`${where}: arguments (${row.args}) differ from the file's (${file.args})`);
    if (row.result !== file.result)
      found.push(`${where}: result (${row.result}) differs from the file's (${file.result})`);
    if (row.def !== file.def.replace(`FUNCTION ${SCRATCH_SCHEMA}.`, 'FUNCTION public.'))
      found.push(`${where}: definition differs`);
  }
  for (const row of inDatabase)
    if (!functions.some((fn) => fn.name === row.name))
      found.push(`function ${row.name}(${row.args}): not in the files`);

  const dbTriggers = (
    await pg.query<{ name: string; def: string }>(
      `SELECT tgname AS name, pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname`,
    )
  ).rows;
  for (const trigger of triggers) {
    const where = `trigger ${trigger.name} (definition ${trigger.definition})`;
    const rows = dbTriggers.filter((r) => r.name === trigger.name);
    if (rows.length !== 1) found.push(`${where}: ${rows.length} in the database`);
    else if (rows[0].def !== trigger.text) found.push(`${where}: differs (${rows[0].def})`);
  }
  for (const row of dbTriggers)
    if (!triggers.some((t) => t.name === row.name)) found.push(`trigger ${row.name}: not in the files`);
  return found;
}

/** Runs `fn` in a transaction that is always rolled back. */
async function inScratchTransaction<T>(pg: PgClient, fn: () => Promise<T>): Promise<T> {
  await pg.query('BEGIN');
  try {
    return await fn();
  } finally {
    await pg.query('ROLLBACK');
  }
}

async function connect(url: string): Promise<PgClient> {
  const pg = new PgClient({ connectionString: url });
  await pg.connect();
  return pg;
}

/** cascade_seal_events with one more line in its body: a change of its file. */
const SEAL_EVENTS_CHANGED = CASCADE_SEAL_EVENTS.replace('RETURN n;', 'RETURN n; -- changed');
const withSealEventsChanged = (): SqlDefinition[] =>
  SQL_DEFINITIONS.map((d) =>
    d.name === 'cascade_seal_events' ? { ...d, statements: [SEAL_EVENTS_CHANGED] } : d,
  );

describe('the database functions and triggers (libs/persistence/src/sql)', () => {
  it('declare each function and trigger once, and the test reads them all', () => {
    const { functions, triggers } = declared(SQL_DEFINITIONS);
    expect(functions.map((f) => f.name).sort()).toEqual([
      'cascade_file_report',
      'cascade_file_reports',
      'cascade_notify_directive_event',
      'cascade_report_event',
      'cascade_rollup_nodes',
      'cascade_rollup_recount',
      'cascade_rollup_reports',
      'cascade_seal_events',
      'directive_event_append_only',
      'directive_event_chain',
      'directive_event_digest_input',
      'fold_vi',
    ]);
    expect(triggers.map((t) => t.name).sort()).toEqual([
      'directive_event_append_only',
      'directive_event_chain',
      'directive_event_no_truncate',
      'directive_event_notify',
      'report_rollup_delete',
      'report_rollup_insert',
      'routing_node_rollup_delete',
      'routing_node_rollup_insert',
      'routing_node_rollup_update',
    ]);
    expect(new Set(SQL_DEFINITIONS.map((d) => d.name)).size).toBe(SQL_DEFINITIONS.length);
    expect(SEAL_EVENTS_CHANGED).not.toBe(CASCADE_SEAL_EVENTS);
  });

  describe('on the tests’ migrated database', () => {
    let pg: PgClient;
    beforeAll(async () => {
      pg = await connect(process.env.DATABASE_URL!);
    });
    afterAll(async () => {
      await pg?.end();
    });

    it('are exactly those of the files', async () => {
      expect(await inScratchTransaction(pg, () => differences(pg))).toEqual([]);
    });

    it('record every definition as applied, with the SHA-256 of its text', async () => {
      const { rows } = await pg.query<{ name: string; sha256: string }>(
        `SELECT name, sha256 FROM schema_definition ORDER BY name`,
      );
      expect(rows).toEqual(
        SQL_DEFINITIONS.map((d) => ({ name: d.name, sha256: sqlDefinitionSha256(d) })).sort((a, b) =>
          a.name.localeCompare(b.name),
        ),
      );
    });
  });

  describe('on a scratch database', () => {
    const url = process.env.DATABASE_URL!.replace(/\/[^/]+$/, `/cascade_sqldef_${Date.now().toString(36)}`);
    const dataSource = createDataSource({ url, poolSize: 2 });
    let pg: PgClient;

    beforeAll(async () => {
      await ensureDatabase(url);
      await runMigrations(url);
      await dataSource.initialize();
      pg = await connect(url);
    });
    afterAll(async () => {
      await pg?.end();
      if (dataSource.isInitialized) await dataSource.destroy();
      await dropDatabase(url);
    });

    it('the comparison reports a function altered, a trigger dropped and a function the files do not declare', async () => {
      const found = await inScratchTransaction(pg, async () => {
        await pg.query(SEAL_EVENTS_CHANGED);
        await pg.query(`DROP TRIGGER directive_event_no_truncate ON directive_event`);
        await pg.query(`CREATE FUNCTION cascade_not_declared() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$`);
        await pg.query(
          `DROP FUNCTION cascade_report_event(uuid, uuid, uuid, int, int, boolean, boolean, text, jsonb)`,
        );
        await pg.query(`CREATE FUNCTION cascade_report_event(p_directive uuid) RETURNS void LANGUAGE sql AS $$
        INSERT INTO directive_event (directive_id, action) VALUES (p_directive, 'report.submitted')
      $$`);
        return differences(pg);
      });
      expect(found).toEqual([
        'function cascade_seal_events (definition cascade_seal_events): body differs',
        'function cascade_seal_events (definition cascade_seal_events): definition differs',
        'function cascade_report_event (definition cascade_report_event): body differs',
        'function cascade_report_event (definition cascade_report_event): arguments (p_directive uuid) differ from ' +
          "the file's (p_directive uuid, p_user uuid, p_unit uuid, p_cycle integer, p_revision integer, p_late " +
          'boolean, p_after_close boolean, p_actor_role text DEFAULT NULL::text, p_connector jsonb DEFAULT NULL::jsonb)',
        'function cascade_report_event (definition cascade_report_event): definition differs',
        'function cascade_not_declared(): not in the files',
        'trigger directive_event_no_truncate (definition directive_event_triggers): 0 in the database',
      ]);
      // Rolled back: equal again.
      expect(await inScratchTransaction(pg, () => differences(pg))).toEqual([]);
    });

    it('applying the definitions again applies nothing', async () => {
      const before = (await pg.query(`SELECT name, sha256, applied_at FROM schema_definition ORDER BY name`))
        .rows;
      expect(before).toHaveLength(SQL_DEFINITIONS.length);
      expect(await applySqlDefinitions(dataSource)).toEqual([]);
      expect(await runMigrations(url)).toEqual([]);
      expect(
        (await pg.query(`SELECT name, sha256, applied_at FROM schema_definition ORDER BY name`)).rows,
      ).toEqual(before);
    });

    it('a changed text is applied, and only it; the comparison then reports it until the files agree', async () => {
      expect(await applySqlDefinitions(dataSource, withSealEventsChanged())).toEqual(['cascade_seal_events']);
      expect(await applySqlDefinitions(dataSource, withSealEventsChanged())).toEqual([]);
      expect(await inScratchTransaction(pg, () => differences(pg, withSealEventsChanged()))).toEqual([]);
      expect(await inScratchTransaction(pg, () => differences(pg))).toEqual([
        'function cascade_seal_events (definition cascade_seal_events): body differs',
        'function cascade_seal_events (definition cascade_seal_events): definition differs',
      ]);
      const { rows } = await pg.query<{ prosrc: string }>(
        `SELECT prosrc FROM pg_proc WHERE proname = 'cascade_seal_events'`,
      );
      expect(rows[0].prosrc).toContain('RETURN n; -- changed');

      // Back to the files: the next migrate applies the file's text again, and only it.
      expect(await applySqlDefinitions(dataSource)).toEqual(['cascade_seal_events']);
      expect(await inScratchTransaction(pg, () => differences(pg))).toEqual([]);
    });
  });
});
