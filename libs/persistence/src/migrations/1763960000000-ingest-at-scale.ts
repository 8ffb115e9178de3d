import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ingest at scale. Late reports coalesce: a late report marks its closed hub pending (`aggregate_pending`, with how
 * many reports it folds in) instead of revising every ancestor at once, and a periodic pass revises pending hubs
 * bottom-up, each revision saying how many reports it folds in (`aggregate_report.folds`). Batched
 * acknowledgements remember each item's key on the node it answered (`routing_node.acknowledged_key`), so that a
 * retried item is told apart from another caller's answer.
 */
export class IngestAtScale1763960000000 implements MigrationInterface {
  name = 'IngestAtScale1763960000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE aggregate_report ADD COLUMN folds int`);
    await q.query(`CREATE TABLE aggregate_pending (
      directive_id uuid NOT NULL REFERENCES directive(id),
      unit_id uuid NOT NULL REFERENCES unit(id),
      cycle int NOT NULL,
      folds int NOT NULL CHECK (folds > 0),
      marked_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (directive_id, unit_id, cycle)
    )`);
    await q.query(`ALTER TABLE routing_node ADD COLUMN acknowledged_key text`);
    await q.query(
      `CREATE UNIQUE INDEX routing_node_acknowledged_key ON routing_node (directive_id, acknowledged_key)
        WHERE acknowledged_key IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX routing_node_acknowledged_key`);
    await q.query(`ALTER TABLE routing_node DROP COLUMN acknowledged_key`);
    await q.query(`DROP TABLE aggregate_pending`);
    await q.query(`ALTER TABLE aggregate_report DROP COLUMN folds`);
  }
}
