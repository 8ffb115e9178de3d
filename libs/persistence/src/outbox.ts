import { DataSource, EntityManager } from 'typeorm';
import type { EscalationLevel } from './reporting';

/**
 * The notification outbox (`notification_outbox`): this file is its one writer, and where notifications are worded.
 * Each notification is written in the transaction of what it tells (both or neither), keyed by a dedupe key so that
 * a retry writes none twice; the worker's OutboxDeliveryService sends them.
 */

/**
 * The acknowledgement reminder: one e-mail per clerk of each unit still to acknowledge, in one statement whatever the
 * number of units. Keyed by the reminder event's dedupe key, the unit and the clerk.
 */
export async function notifyAcknowledgementReminder(
  db: DataSource | EntityManager,
  directiveId: string,
  dedupeKey: string,
): Promise<void> {
  await db.query(
    `INSERT INTO notification_outbox (directive_id, kind, recipient_user_id, recipient_email, subject, body, dedupe_key)
             SELECT d.id, 'acknowledgement.reminder', u.id, u.email,
                    'Nhắc xác nhận đã nhận văn bản: ' || coalesce(d.symbol, '') || ' ' || (d.content->>'subject'),
                    'Kính gửi ' || u.name || E',\n\n' || ru.name || ' chưa xác nhận đã nhận văn bản ' || coalesce(d.symbol, '') ||
                    ' "' || (d.content->>'subject') || E'". Đề nghị xác nhận trong ngày.\n\nCascade',
                    $2 || ':' || r.unit_id || ':' || u.id
               FROM routing_node r
               JOIN directive d ON d.id = r.directive_id
               JOIN unit ru ON ru.id = r.unit_id
               JOIN membership ms ON ms.unit_id = r.unit_id AND ms.role = 'clerk'
               JOIN app_user u ON u.id = ms.user_id AND u.active
              WHERE r.directive_id = $1 AND r.status = 'delivered'
             ON CONFLICT (dedupe_key) DO NOTHING`,
    [directiveId, dedupeKey],
  );
}

/** The reminder to a reviewer that a directive awaits them; keyed by the reminder event's dedupe key. */
export async function notifyReviewReminder(
  db: DataSource | EntityManager,
  reminder: { directiveId: string; reviewerId: string; count: number; dedupeKey: string },
): Promise<void> {
  await db.query(
    `INSERT INTO notification_outbox (directive_id, kind, recipient_user_id, recipient_email, subject, body, dedupe_key)
           SELECT d.id, 'review.reminder', u.id, u.email,
                  'Nhắc xem xét văn bản: ' || (d.content->>'subject'),
                  'Kính gửi ' || u.name || E',\n\nVăn bản "' || (d.content->>'subject') || '" của ' || iu.name ||
                  E' đang chờ đồng chí xem xét (lần nhắc ' || $4 || E').\n\nCascade',
                  $3
             FROM directive d JOIN unit iu ON iu.id = d.issuer_id, app_user u
            WHERE d.id = $1 AND u.id = $2
           ON CONFLICT (dedupe_key) DO NOTHING`,
    [reminder.directiveId, reminder.reviewerId, `${reminder.dedupeKey}:mail`, String(reminder.count)],
  );
}

/**
 * The notice to the clerks of every unit that holds a directive that it was recalled or superseded; keyed by the
 * closing event's dedupe key, the unit and the clerk.
 */
export async function notifyDirectiveWithdrawn(
  db: DataSource | EntityManager,
  notice: { directiveId: string; to: 'recalled' | 'superseded'; reason: string | null; dedupeKey: string },
): Promise<void> {
  await db.query(
    `INSERT INTO notification_outbox (directive_id, kind, recipient_user_id, recipient_email, subject, body, dedupe_key)
             SELECT d.id, 'directive.' || $2, u.id, u.email,
                    CASE WHEN $2 = 'recalled' THEN 'Thu hồi văn bản: ' ELSE 'Văn bản đã được thay thế: ' END ||
                      coalesce(d.symbol, '') || ' ' || (d.content->>'subject'),
                    'Kính gửi ' || u.name || E',\\n\\nVăn bản ' || coalesce(d.symbol, '') || ' "' || (d.content->>'subject') || '" ' ||
                      CASE WHEN $2 = 'recalled' THEN 'đã được cơ quan ban hành thu hồi' ELSE 'đã được thay thế bằng văn bản mới' END ||
                      coalesce(' (' || $3 || ')', '') || E'.\\n\\nCascade',
                    $4 || ':' || r.unit_id || ':' || u.id
               FROM routing_node r
               JOIN directive d ON d.id = r.directive_id
               JOIN membership ms ON ms.unit_id = r.unit_id AND ms.role = 'clerk'
               JOIN app_user u ON u.id = ms.user_id AND u.active
              WHERE r.directive_id = $1 AND r.status <> 'returned'
             ON CONFLICT (dedupe_key) DO NOTHING`,
    [notice.directiveId, notice.to, notice.reason, notice.dedupeKey],
  );
}

/**
 * A hub's aggregate goes up, to the clerks of each body it is delivered to (`report_delivery`: its routing parent,
 * or the bodies its route names), or of the department it goes through; the issuer's aggregate also to the issuer's
 * collector (its own clerks, or the department that aggregates for it). Each e-mail names its real recipient.
 * A hub without stored routes (a directive dispatched before routes were stored): the routing parent (the issuer's own clerks for the issuer's
 * aggregate), the hub's configured report targets, and for the issuer's aggregate the directive's extra targets.
 * Keyed by the aggregate's revision and the clerk.
 */
export async function notifyAggregateReported(
  db: DataSource | EntityManager,
  report: {
    directiveId: string;
    hubUnitId: string;
    cycle: number;
    revision: number;
    counts: { onTime: number; late: number; missing: number; expected: number };
  },
): Promise<void> {
  const { counts } = report;
  await db.query(
    `WITH d AS (SELECT id, symbol, content, issuer_id,
                       -- The cycle as its schedule names it ("2026-03", "Đợt 2", "Kịp thời"), else its number.
                       COALESCE((SELECT label FROM reporting_cycle WHERE directive_id = $1 AND cycle = $3),
                                (($3::int % 10000) + 1)::text) AS cycle_label
                  FROM directive WHERE id = $1),
          routed AS (SELECT EXISTS (SELECT 1 FROM report_route WHERE directive_id = $1 AND hub_unit_id = $2) AS yes),
          parent AS (
            SELECT COALESCE(dl.via_unit_id, dl.target_unit_id) AS unit_id, dl.target_unit_id, dl.via_unit_id
              FROM report_delivery dl WHERE dl.directive_id = $1 AND dl.hub_unit_id = $2
            UNION
            SELECT rr.collector_unit_id, rr.hub_unit_id, NULLIF(rr.collector_unit_id, rr.hub_unit_id)
              FROM report_route rr, d WHERE rr.directive_id = $1 AND rr.hub_unit_id = $2 AND d.issuer_id = $2
            UNION
            SELECT x.unit_id, x.unit_id, NULL::uuid FROM (
              SELECT COALESCE((SELECT parent_unit_id FROM routing_node WHERE directive_id = $1 AND unit_id = $2), $2::uuid) AS unit_id
              UNION
              SELECT t::uuid FROM d, jsonb_array_elements_text(COALESCE(d.content->'reporting'->'targets', '[]'::jsonb)) t
               WHERE d.issuer_id = $2
              UNION
              SELECT target_id FROM unit_report_target WHERE unit_id = $2
            ) x WHERE NOT (SELECT yes FROM routed)
          )
     INSERT INTO notification_outbox (directive_id, kind, recipient_user_id, recipient_email, subject, body, dedupe_key)
     SELECT DISTINCT ON (u.id) d.id, 'aggregate.reported', u.id, u.email,
            'Báo cáo tổng hợp kỳ ' || d.cycle_label || ': ' || coalesce(d.symbol, '') || ' ' || (d.content->>'subject'),
            'Kính gửi: ' || tu.name || coalesce(' (qua ' || vu.name || ')', '') || E'.\n\n' ||
            hu.name || ' đã tổng hợp báo cáo kỳ ' || d.cycle_label || ' (lần ' || $4 || E'): ' || $5 || E'.\n\nCascade',
            'aggregate/' || $1 || '/' || $2 || '/' || $3 || '/' || $4 || ':' || u.id
       FROM d, parent p
       JOIN unit tu ON tu.id = p.target_unit_id
       LEFT JOIN unit vu ON vu.id = p.via_unit_id
       JOIN membership ms ON ms.unit_id = p.unit_id AND ms.role = 'clerk'
       JOIN app_user u ON u.id = ms.user_id AND u.active
       JOIN unit hu ON hu.id = $2
      ORDER BY u.id
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [
      report.directiveId,
      report.hubUnitId,
      report.cycle,
      String(report.revision),
      `${counts.onTime} đúng hạn, ${counts.late} muộn, ${counts.missing} chưa báo cáo trên ${counts.expected}`,
    ],
  );
}

/** The subject of each rung's e-mails (the statement's $5). */
export const ESCALATION_SUBJECT: Record<EscalationLevel, string> = {
  reminded: 'Nhắc báo cáo',
  overdue: 'Quá hạn báo cáo',
  parent: 'Đôn đốc đơn vị chậm báo cáo',
  issuer: 'Báo cáo chậm: chuyển cơ quan ban hành',
  above: 'Báo cáo chậm: chuyển cấp trên của cơ quan ban hành',
};

/**
 * The e-mails of one rung of the escalation ladder, as the `mails` step of the set-based statement that writes the
 * rung (`escalateUnreported`, reporting.ts): one per recipient of each unit the rung was written for — the unit's
 * clerks and leaders for a reminder or the overdue mark, the routing parent's leaders, then the issuer's leaders,
 * then the leaders of the issuer's own parent in the organisation (none for a root issuer). A unit whose routing
 * parent is the issuer was brought to the issuer's leaders by the parent rung: the issuer rung does not tell them
 * again (it still writes the unit's row and event). Recipients are distinct per unit, so nobody gets two e-mails for
 * one unit's one rung (a user with several roles in a unit gets one reminder). It reads the statement's `d` (the
 * directive), `late` and `rung` steps and its parameters $1 (directive), $2 (cycle), $3 (level) and $5
 * (`ESCALATION_SUBJECT[level]`).
 */
export function escalationMails(level: EscalationLevel): string {
  const leadersOf = (unit: string) =>
    `SELECT l.unit_id, ms.user_id FROM late l JOIN membership ms ON ms.unit_id = ${unit} AND ms.role = 'leader'`;
  const recipients =
    level === 'parent'
      ? leadersOf('l.parent_unit_id')
      : level === 'issuer'
        ? `${leadersOf('(SELECT issuer_id FROM d)')}
            WHERE NOT (l.parent_unit_id = (SELECT issuer_id FROM d) AND EXISTS (
              SELECT 1 FROM escalation e WHERE e.directive_id = $1 AND e.cycle = $2 AND e.unit_id = l.unit_id AND e.level = 'parent'))`
        : level === 'above'
          ? leadersOf('(SELECT iu.parent_id FROM unit iu WHERE iu.id = (SELECT issuer_id FROM d))')
          : `SELECT l.unit_id, ms.user_id FROM late l JOIN membership ms ON ms.unit_id = l.unit_id AND ms.role IN ('clerk','specialist','leader')`;
  return `INSERT INTO notification_outbox (directive_id, kind, recipient_user_id, recipient_email, subject, body, dedupe_key)
            SELECT d.id, 'report.' || $3, u.id, u.email,
                   $5 || ' kỳ ' || ($2::int + 1) || ': ' || coalesce(d.symbol, '') || ' ' || (d.content->>'subject'),
                   'Kính gửi ' || u.name || E',\\n\\n' || lu.name || ' chưa gửi báo cáo kỳ ' || ($2::int + 1) ||
                   ' theo văn bản ' || coalesce(d.symbol, '') || ' "' || (d.content->>'subject') || E'".\\n\\nCascade',
                   'escalation/' || $1 || '/' || $2 || '/' || x.unit_id || '/' || $3 || ':' || u.id
              FROM (SELECT DISTINCT unit_id, user_id FROM (${recipients}) r) x
              JOIN rung ON rung.unit_id = x.unit_id
              JOIN app_user u ON u.id = x.user_id AND u.active
              JOIN unit lu ON lu.id = x.unit_id, d
            ON CONFLICT (dedupe_key) DO NOTHING`;
}

/** A notification claimed for sending. */
export interface PendingNotification {
  id: string;
  recipientEmail: string;
  subject: string;
  body: string;
  /** Attempts so far, this one included (a claim counts as an attempt: a row that crashes its sender dies too). */
  attempts: number;
  dedupeKey: string;
}

/**
 * Claims up to `limit` due notifications, oldest first, in one short statement (no transaction is held while they are
 * sent): each gets a lease of `leaseSeconds` in the name of `worker`. A row whose lease ran out (its sender crashed or
 * hung) is due again; SKIP LOCKED lets several workers claim at once without taking the same row.
 */
export async function claimDueNotifications(
  db: DataSource | EntityManager,
  claim: { worker: string; leaseSeconds: number; maxAttempts: number; limit: number },
): Promise<PendingNotification[]> {
  const rows: {
    id: string;
    recipient_email: string;
    subject: string;
    body: string;
    attempts: number;
    dedupe_key: string;
  }[] = await db.query(
    `WITH claimed AS (UPDATE notification_outbox o
        SET claimed_by = $1, claimed_until = now() + make_interval(secs => $2), attempts = o.attempts + 1
       FROM (SELECT id FROM notification_outbox
              WHERE status = 'pending' AND next_attempt_at <= now() AND attempts < $3
                AND (claimed_until IS NULL OR claimed_until < now())
              ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) due
      WHERE o.id = due.id
      RETURNING o.id::text, o.recipient_email, o.subject, o.body, o.attempts, o.dedupe_key)
     SELECT * FROM claimed`,
    [claim.worker, claim.leaseSeconds, claim.maxAttempts, claim.limit],
  );
  return rows.map((row) => ({
    id: row.id,
    recipientEmail: row.recipient_email,
    subject: row.subject,
    body: row.body,
    attempts: row.attempts,
    dedupeKey: row.dedupe_key,
  }));
}

/** Marks one notification sent, right after its send (whoever holds its lease now: the mail has left). */
export async function markNotificationSent(db: DataSource | EntityManager, id: string): Promise<void> {
  await db.query(
    `UPDATE notification_outbox SET status = 'sent', sent_at = now(), last_error = NULL, claimed_by = NULL, claimed_until = NULL
      WHERE id = $1 AND status <> 'sent'`,
    [id],
  );
}

/**
 * Records a failed attempt by the holder of the lease: the next one is due in `retryInSeconds`, unless the failure
 * is permanent or the attempts are spent, when the row is kept as `dead` with its last error. Returns the row's new
 * status (null when the lease had passed to another worker, which then owns the outcome).
 */
export async function markNotificationFailed(
  db: DataSource | EntityManager,
  failure: {
    id: string;
    worker: string;
    error: string;
    retryInSeconds: number;
    maxAttempts: number;
    permanent: boolean;
  },
): Promise<'pending' | 'dead' | null> {
  const rows: { status: 'pending' | 'dead' }[] = await db.query(
    `WITH failed AS (UPDATE notification_outbox
        SET last_error = $3, claimed_by = NULL, claimed_until = NULL,
            next_attempt_at = now() + make_interval(secs => $4),
            status = CASE WHEN $5 OR attempts >= $6 THEN 'dead' ELSE 'pending' END
      WHERE id = $1 AND claimed_by = $2 AND status = 'pending'
      RETURNING status)
     SELECT status FROM failed`,
    [
      failure.id,
      failure.worker,
      failure.error,
      failure.retryInSeconds,
      failure.permanent,
      failure.maxAttempts,
    ],
  );
  return rows[0]?.status ?? null;
}

/**
 * Rows whose attempts are spent and whose last lease ran out without an outcome (the sender crashed on each try) are
 * kept as `dead` rather than left pending for ever; returns their ids.
 */
export async function buryExhaustedNotifications(
  db: DataSource | EntityManager,
  maxAttempts: number,
): Promise<string[]> {
  const rows: { id: string }[] = await db.query(
    `WITH buried AS (UPDATE notification_outbox
        SET status = 'dead', claimed_by = NULL, claimed_until = NULL,
            last_error = coalesce(last_error || '; ', '') || 'the last attempt ended without an outcome (sender lost)'
      WHERE status = 'pending' AND attempts >= $1 AND (claimed_until IS NULL OR claimed_until < now())
      RETURNING id::text)
     SELECT id FROM buried`,
    [maxAttempts],
  );
  return rows.map((row) => row.id);
}

/** How many notifications wait to be sent and how many are dead (for `/health`): two index-only counts. */
export async function outboxCounts(
  db: DataSource | EntityManager,
): Promise<{ pending: number; dead: number }> {
  const [row]: { pending: number; dead: number }[] = await db.query(
    `SELECT (SELECT count(*)::int FROM notification_outbox WHERE status = 'pending') AS pending,
            (SELECT count(*)::int FROM notification_outbox WHERE status = 'dead') AS dead`,
  );
  return row;
}
