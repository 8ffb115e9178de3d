import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox is claimed with a lease (issue 20) instead of a transaction held open while mails are sent: a worker
 * claims a row in one short statement (`claimed_by`, `claimed_until`), sends outside any transaction and marks it on
 * its own; a crashed worker's lease runs out and another claims the row. A row that cannot be sent is kept as
 * `dead` with its attempts and last error instead of being skipped for ever.
 */
export class OutboxLease1764020000000 implements MigrationInterface {
  name = 'OutboxLease1764020000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification_outbox
      ADD COLUMN status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
      ADD COLUMN claimed_by text, ADD COLUMN claimed_until timestamptz`);
    await q.query(`UPDATE notification_outbox SET status = 'sent' WHERE sent_at IS NOT NULL`);
    // The old sender skipped a row after 10 failed attempts without a word: those are dead.
    await q.query(`UPDATE notification_outbox SET status = 'dead' WHERE sent_at IS NULL AND attempts >= 10`);
    await q.query(`DROP INDEX notification_outbox_pending`);
    await q.query(
      `CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at, id) WHERE status = 'pending'`,
    );
    await q.query(`CREATE INDEX notification_outbox_dead ON notification_outbox (id) WHERE status = 'dead'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX notification_outbox_dead`);
    await q.query(`DROP INDEX notification_outbox_due`);
    await q.query(
      `CREATE INDEX notification_outbox_pending ON notification_outbox (next_attempt_at) WHERE sent_at IS NULL`,
    );
    await q.query(
      `ALTER TABLE notification_outbox DROP COLUMN status, DROP COLUMN claimed_by, DROP COLUMN claimed_until`,
    );
  }
}
