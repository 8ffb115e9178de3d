/**
 * The raw arms' database: bare node-postgres (no NestJS, no TypeORM, no validation) under the few methods of a
 * TypeORM DataSource that libs/persistence's functions use (`query`, `manager`, `transaction`), so that a raw arm runs
 * the very statements Cascade runs, at the same durability, into the real tables with their indexes and constraints.
 */
import { Pool, type PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

type Queryable = Pool | PoolClient;

const manager = (q: Queryable) =>
  ({
    // TypeORM answers a raw query with its rows; these functions read rows only.
    query: async (sql: string, params?: unknown[]): Promise<unknown[]> =>
      (await q.query<Record<string, unknown>>(sql, params)).rows,
    transaction: () => {
      throw new Error('bare: nested transactions are not used by the raw arms');
    },
  }) as unknown as EntityManager;

export interface Bare {
  db: DataSource;
  end(): Promise<void>;
}

export function bareDb(connectionString: string, max: number): Bare {
  const pool = new Pool({ connectionString, max });
  const db = {
    query: async (sql: string, params?: unknown[]): Promise<unknown[]> =>
      (await pool.query<Record<string, unknown>>(sql, params)).rows,
    manager: manager(pool),
    transaction: async <T>(run: (m: EntityManager) => Promise<T>): Promise<T> => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await run(manager(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  } as unknown as DataSource;
  return { db, end: () => pool.end() };
}
