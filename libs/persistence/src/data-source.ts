import { DataSource, DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DataSourceSettings {
  url: string;
  poolSize?: number;
  applicationName?: string;
  /** PostgreSQL ends a session left idle inside a transaction this long (0: never); default 30 s. */
  idleInTransactionTimeoutMs?: number;
  /** How long a query waits for a connection of the pool (or for a new one) before it fails (ms; default 5000). */
  acquireTimeoutMs?: number;
  /** The server's `lock_timeout` for every session of the pool (ms; unset: none). */
  lockTimeoutMs?: number;
  /** The server's `statement_timeout` for every session of the pool (ms; unset: none). */
  statementTimeoutMs?: number;
}

/** The one DataSource definition: the apps, the migration CLI and the tests all build it here. Never synchronizes. */
export function dataSourceOptions(settings: DataSourceSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    applicationName: settings.applicationName ?? 'cascade',
    extra: {
      max: settings.poolSize ?? 10,
      // Also the wait for a free connection when all are in use: a full pool answers "busy", it does not queue forever.
      connectionTimeoutMillis: settings.acquireTimeoutMs ?? 5_000,
      // Sent at connection start: a statement that waits on a lock, or runs, past these is cancelled by the server.
      ...(settings.lockTimeoutMs ? { lock_timeout: settings.lockTimeoutMs } : {}),
      ...(settings.statementTimeoutMs ? { statement_timeout: settings.statementTimeoutMs } : {}),
      // Fail fast instead of queueing forever when the server is gone; pg reconnects on the next query.
      query_timeout: 30_000,
      // A process that dies or freezes between two statements of a transaction (SIGSTOP, a host paused, a lost
      // client) would hold its row and advisory locks — a hub's, a directive's — for ever: every writer of that hub
      // would wait behind it. No transaction of the apps waits on anything but the database between its statements.
      idle_in_transaction_session_timeout: settings.idleInTransactionTimeoutMs ?? 30_000,
    },
  };
}

export function createDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource(dataSourceOptions(settings));
}
