import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notification inbox: who a ladder rung tells (the unit for a reminder or the overdue mark, the routing parent,
 * the issuer, the body above it), so an inbox walks an index of its own units' rungs; deliveries per unit in time
 * order; and what each user has read.
 */
export class Inbox1764700000000 implements MigrationInterface {
  name = 'Inbox1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE escalation ADD COLUMN notify_unit_id uuid REFERENCES unit(id)`);
    await q.query(`UPDATE escalation e SET notify_unit_id = CASE
        WHEN e.level IN ('reminded','overdue') THEN e.unit_id
        WHEN e.level = 'parent' THEN r.parent_unit_id
        WHEN e.level = 'issuer' THEN d.issuer_id
        ELSE (SELECT parent_id FROM unit WHERE id = d.issuer_id) END
      FROM directive d, routing_node r
      WHERE d.id = e.directive_id AND r.directive_id = e.directive_id AND r.unit_id = e.unit_id`);
    await q.query(
      `CREATE INDEX escalation_inbox ON escalation (notify_unit_id, at DESC, directive_id, cycle, unit_id, level)`,
    );
    await q.query(
      `CREATE INDEX routing_node_inbox ON routing_node (unit_id, delivered_at DESC, directive_id)
        WHERE delivered_at IS NOT NULL`,
    );
    await q.query(`CREATE TABLE inbox_read (
      user_id uuid NOT NULL REFERENCES app_user(id),
      item text NOT NULL CHECK (length(item) <= 200),
      read_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, item)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inbox_read`);
    await q.query(`DROP INDEX routing_node_inbox`);
    await q.query(`DROP INDEX escalation_inbox`);
    await q.query(`ALTER TABLE escalation DROP COLUMN notify_unit_id`);
  }
}
