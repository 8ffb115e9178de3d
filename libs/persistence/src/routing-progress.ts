import { DataSource, EntityManager } from 'typeorm';

type Db = DataSource | EntityManager;

/**
 * What a receiving unit reports of its work on a directive it accepted, as its e-office system tells it in edXML
 * status messages: 04 assigned by a leader, 05 in progress, 06 completed. Routing's own writes of `routing_node`
 * (routing.ts) do the rest; this is the one more, kept apart because routing.ts is at its size limit.
 */
export type NodeProgressCode = '04' | '05' | '06';

/**
 * Moves an accepted node's status code forward to `code` (never back: a late 04 after a 06 changes nothing). Answers
 * the node's status and code as they are after it (null when the directive was not routed to the unit), and whether
 * it moved.
 */
export async function recordNodeProgress(
  db: Db,
  directiveId: string,
  unitId: string,
  code: NodeProgressCode,
): Promise<{
  status: string;
  statusCode: string | null;
  recallStatus: string | null;
  moved: boolean;
} | null> {
  const moved: unknown[] = await db.query(
    `UPDATE routing_node SET status_code = $3, version = version + 1
      WHERE directive_id = $1 AND unit_id = $2 AND status = 'accepted' AND recall_status IS NULL
        AND status_code IN ('03', '04', '05', '06') AND status_code < $3
      RETURNING 1`,
    [directiveId, unitId, code],
  );
  const rows: { status: string; status_code: string | null; recall_status: string | null }[] = await db.query(
    `SELECT status, status_code, recall_status FROM routing_node WHERE directive_id = $1 AND unit_id = $2`,
    [directiveId, unitId],
  );
  const node = rows[0];
  return node
    ? {
        status: node.status,
        statusCode: node.status_code,
        recallStatus: node.recall_status,
        moved: moved.length > 0,
      }
    : null;
}
