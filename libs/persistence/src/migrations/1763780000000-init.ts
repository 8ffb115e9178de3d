import { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1763780000000 implements MigrationInterface {
  name = 'Init1763780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE probe (
      id text PRIMARY KEY,
      message text NOT NULL,
      workflow_id text NOT NULL,
      status text NOT NULL DEFAULT 'recorded',
      note text,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE probe`);
  }
}
