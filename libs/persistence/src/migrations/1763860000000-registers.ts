import { MigrationInterface, QueryRunner } from 'typeorm';

const LOWER = 'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ';
const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd');

/**
 * Registers and dashboards: `fold_vi()` folds Vietnamese text to unaccented lower case in SQL (the same as
 * `foldVietnamese()` for NFC text), and each directive gets a stored search column over its symbol and subject, so
 * that registers filter by text ignoring accents. Indexes for the incoming register and the overdue list.
 */
export class Registers1763860000000 implements MigrationInterface {
  name = 'Registers1763860000000';

  async up(q: QueryRunner): Promise<void> {
    const from = LOWER + LOWER.toUpperCase();
    const to = [...from].map((c) => fold(c.toLowerCase())).join('');
    await q.query(`CREATE FUNCTION fold_vi(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT translate(lower(normalize(t, NFC)), '${from}', '${to}')
    $$`);
    await q.query(`ALTER TABLE directive ADD COLUMN search text GENERATED ALWAYS AS
      (fold_vi(coalesce(symbol, '') || ' ' || coalesce(content->>'subject', ''))) STORED`);
    await q.query(`CREATE INDEX directive_status_signed ON directive (issuer_id, status, signed_at DESC)`);
    await q.query(`CREATE INDEX escalation_overdue ON escalation (level, at, unit_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX escalation_overdue`);
    await q.query(`DROP INDEX directive_status_signed`);
    await q.query(`ALTER TABLE directive DROP COLUMN search`);
    await q.query(`DROP FUNCTION fold_vi(text)`);
  }
}
