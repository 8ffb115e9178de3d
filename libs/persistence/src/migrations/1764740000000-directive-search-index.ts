import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The search box's index: trigrams of each directive's folded number and subject (`directive.search`), so that a
 * search finds its candidates through the index instead of reading every directive (`searchDirectives`); the issuer's
 * name is found through `unit_name_trgm`.
 */
export class DirectiveSearchIndex1764740000000 implements MigrationInterface {
  name = 'DirectiveSearchIndex1764740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX directive_search_trgm ON directive USING gin (search gin_trgm_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX directive_search_trgm`);
  }
}
