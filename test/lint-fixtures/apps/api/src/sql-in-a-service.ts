// Lint fixture: SQL written in an app instead of a repository of libs/persistence (test/unit/workflow-lint.spec.ts).
import type { DataSource } from 'typeorm';

export async function unitNames(db: DataSource): Promise<unknown[]> {
  return db.query(`SELECT name FROM unit`);
}

export async function unitCount(db: DataSource): Promise<unknown> {
  return db.createQueryBuilder().select('count(*)').from('unit', 'u').getRawOne();
}

/** A Temporal query takes a definition, not SQL: allowed. */
export async function state(handle: { query(def: object): Promise<unknown> }, def: object): Promise<unknown> {
  return handle.query(def);
}
