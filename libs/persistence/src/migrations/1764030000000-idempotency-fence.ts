import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fenced idempotency takeovers (issue 20): a claim carries a token (`claim_token`, new at each claim and takeover);
 * the transactions of a request that is not idempotent by itself check, before they commit, that the claim still
 * holds that token, and mark it (`effect_committed_at`), after which no retry can take the key over.
 */
export class IdempotencyFence1764030000000 implements MigrationInterface {
  name = 'IdempotencyFence1764030000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE idempotency_record ADD COLUMN claim_token uuid, ADD COLUMN effect_committed_at timestamptz`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_record DROP COLUMN claim_token, DROP COLUMN effect_committed_at`);
  }
}
