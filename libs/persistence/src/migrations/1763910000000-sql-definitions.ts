import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The database functions and triggers get their current definitions in source files (libs/persistence/src/sql/),
 * applied after the migrations by `applySqlDefinitions` (`runMigrations`) whenever their text changed.
 * `schema_definition` records, per definition, the SHA-256 of the text last applied; a database that records none
 * (this migration just made the table) gets every definition applied once, the same text its migrations created.
 * Reverting this migration forgets what was applied, so migrating again re-applies everything.
 */
export class SqlDefinitions1763910000000 implements MigrationInterface {
  name = 'SqlDefinitions1763910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE schema_definition (
      name text PRIMARY KEY,
      sha256 text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE schema_definition`);
  }
}
