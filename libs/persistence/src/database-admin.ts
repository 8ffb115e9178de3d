import { Client } from 'pg';
import { createDataSource } from './data-source';
import { applySqlDefinitions } from './sql';

/** Splits `postgres://…/name` into the server URL (pointing at the `postgres` database) and the database name. */
export function splitDatabaseUrl(url: string): { serverUrl: string; database: string } {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres';
  parsed.pathname = '/postgres';
  return { serverUrl: parsed.toString(), database };
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Creates the database named by `url` when it does not exist yet. Returns true when it was created. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const { serverUrl, database } = splitDatabaseUrl(url);
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE ${quoteIdent(database)}`);
    return true;
  } catch (error) {
    // Two starters racing: the other one created it.
    if ((error as { code?: string }).code === '42P04') return false;
    throw error;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const { serverUrl, database } = splitDatabaseUrl(url);
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * Runs pending migrations, then applies the database functions and triggers whose definition changed
 * (libs/persistence/src/sql/); returns the names of the migrations applied.
 */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = createDataSource({ url, poolSize: 2, applicationName: 'cascade-migrate' });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    await applySqlDefinitions(dataSource);
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/** The trail: the runtime role may append and read, never rewrite (sealing runs as the owner, `cascade_seal_events`). */
const TRAIL_TABLES = ['directive_event', 'directive_chain_head'];
/** The schema's own bookkeeping, which only migrations write. */
const MIGRATION_TABLES = ['schema_migrations', 'schema_definition'];

/**
 * Gives the role the running services connect as (`CASCADE_RUNTIME_ROLE`) exactly what they need, on the database
 * the migration role (which owns the schema, its tables, functions and triggers) has just migrated: read and write the
 * application's tables, append to and read the trail, call the functions. Not being the owner, it cannot alter or
 * disable a trigger, replace a function or drop a table; without UPDATE, DELETE and TRUNCATE on the trail, it cannot
 * rewrite an event even where a trigger were gone. Run after every migration (new tables get their grants).
 */
export async function grantRuntimeRole(url: string, role: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const who = quoteIdent(role);
  try {
    await client.query('BEGIN');
    await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${who}`);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${who}`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${who}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${who}`);
    await client.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${who}`);
    await client.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${TRAIL_TABLES.join(', ')} FROM ${who}`);
    await client.query(
      `REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ${MIGRATION_TABLES.join(', ')} FROM ${who}`,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
