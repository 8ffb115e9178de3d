import { MigrationInterface, QueryRunner } from 'typeorm';

/** Notifications to deliver (e-mail), written in the same transaction as the event that causes them. */
export class Outbox1763830000000 implements MigrationInterface {
  name = 'Outbox1763830000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE notification_outbox (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      directive_id uuid REFERENCES directive(id),
      kind text NOT NULL,
      recipient_user_id uuid REFERENCES app_user(id),
      recipient_email text NOT NULL,
      subject text NOT NULL,
      body text NOT NULL,
      dedupe_key text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      attempts int NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      sent_at timestamptz
    )`);
    await q.query(
      `CREATE INDEX notification_outbox_pending ON notification_outbox (next_attempt_at) WHERE sent_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_outbox`);
  }
}
