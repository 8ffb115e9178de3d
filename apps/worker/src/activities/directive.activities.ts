import { createHash, randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { DateTime } from 'luxon';
import { DataSource, EntityManager } from 'typeorm';
import { createReportingActivities } from './reporting.activities';
import { generateSignerKey, signWithEncryptedKey } from '@cascade/auth';
import { DirectiveFailure, type DirectiveActivities, type TransitionInput } from '@cascade/contracts';
import {
  formatSymbol,
  idsFromPath,
  planRouting,
  signedDocumentBytes,
  VN_ZONE,
  type DocType,
  type UnitKind,
} from '@cascade/domain';

const fail = (type: string, message: string) => ApplicationFailure.nonRetryable(message, type);

async function alreadyDone(m: EntityManager, dedupeKey: string): Promise<boolean> {
  const rows: unknown[] = await m.query(`SELECT 1 FROM directive_event WHERE dedupe_key = $1`, [dedupeKey]);
  return rows.length > 0;
}

/**
 * The directive's steps in PostgreSQL. Each runs in one transaction that locks the directive row, checks the state it
 * expects, writes the new state and an event, and is idempotent under retries through the event's dedupe key.
 */
export function createDirectiveActivities(
  dataSource: DataSource,
  signingSecret: string,
): DirectiveActivities {
  return {
    ...createReportingActivities(dataSource),
    async recordTransition(input: TransitionInput) {
      await dataSource.transaction(async (m) => {
        const rows: { status: string; version: number }[] = await m.query(
          `SELECT status, version FROM directive WHERE id = $1 FOR UPDATE`,
          [input.directiveId],
        );
        if (!rows.length)
          throw fail(DirectiveFailure.INVALID_STATE, `directive ${input.directiveId} does not exist`);
        if (await alreadyDone(m, input.dedupeKey)) return;
        const [row] = rows;
        if (!input.from.includes(row.status as never)) {
          throw fail(DirectiveFailure.INVALID_STATE, `the directive is ${row.status}`);
        }
        if (input.expectedVersion !== null && row.version !== input.expectedVersion) {
          throw fail(DirectiveFailure.VERSION_STALE, `version: the current version is ${row.version}`);
        }
        // Interval schedules without a start count from dispatch.
        await m.query(
          `UPDATE directive SET status = $2, updated_at = now(),
                  dispatched_at = CASE WHEN $2 = 'dispatched' THEN now() ELSE dispatched_at END WHERE id = $1`,
          [input.directiveId, input.to],
        );
        await m.query(
          `INSERT INTO directive_event (directive_id, actor_user_id, actor_role, actor_unit_id, action, reason, data, dedupe_key)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
          [
            input.directiveId,
            input.actor?.userId ?? null,
            input.actor?.role ?? null,
            input.actor?.unitId ?? null,
            input.action,
            input.reason,
            input.data ? JSON.stringify(input.data) : null,
            input.dedupeKey,
          ],
        );
      });
    },

    async signDirective({ directiveId, version, actor, authority, position, dedupeKey }) {
      return dataSource.transaction(async (m) => {
        const rows: {
          status: string;
          version: number;
          doc_type: DocType;
          content: unknown;
          issuer_id: string;
          code: string;
          symbol: string | null;
          unit_symbol: string;
          unit_name: string;
          kind: UnitKind;
          number: number | null;
          signed_at: Date | null;
          canonical_sha256: string | null;
        }[] = await m.query(
          `SELECT d.status, d.version, d.doc_type, d.content, d.issuer_id, u.code, d.symbol, u.symbol AS unit_symbol,
                  u.name AS unit_name, u.kind, d.number, d.signed_at, d.canonical_sha256
             FROM directive d JOIN unit u ON u.id = d.issuer_id WHERE d.id = $1 FOR UPDATE OF d`,
          [directiveId],
        );
        if (!rows.length)
          throw fail(DirectiveFailure.INVALID_STATE, `directive ${directiveId} does not exist`);
        const d = rows[0];
        if (d.status === 'signed') {
          // A retry after the signing committed: the same answer.
          return {
            number: d.number!,
            symbol: d.symbol!,
            signedAt: d.signed_at!.toISOString(),
            sha256: d.canonical_sha256!,
          };
        }
        if (d.status !== 'approved')
          throw fail(DirectiveFailure.INVALID_STATE, `the directive is ${d.status}`);
        if (d.version !== version)
          throw fail(DirectiveFailure.VERSION_STALE, `version: version ${d.version} was approved`);

        const signedAt = new Date();
        const year = DateTime.fromJSDate(signedAt, { zone: VN_ZONE }).year;
        // The sequence row is locked until this transaction ends: concurrent signings of one issuer queue here, and
        // a rollback releases the number, so numbers have no gaps and no duplicates.
        const seq: { last_number: number }[] = await m.query(
          `INSERT INTO issuer_sequence (issuer_id, year, last_number) VALUES ($1, $2, 1)
           ON CONFLICT (issuer_id, year) DO UPDATE SET last_number = issuer_sequence.last_number + 1
           RETURNING last_number`,
          [d.issuer_id, year],
        );
        const number = seq[0].last_number;
        const symbol = formatSymbol(number, d.doc_type, d.unit_symbol, d.kind);

        let keys: { id: string; private_key_enc: string }[] = await m.query(
          `SELECT id, private_key_enc FROM signer_key WHERE user_id = $1 AND revoked_at IS NULL`,
          [actor.userId],
        );
        if (!keys.length) {
          const generated = generateSignerKey(signingSecret);
          keys = await m.query(
            `INSERT INTO signer_key (id, user_id, public_key, private_key_enc) VALUES ($1,$2,$3,$4)
             ON CONFLICT (user_id) WHERE revoked_at IS NULL DO UPDATE SET user_id = EXCLUDED.user_id
             RETURNING id, private_key_enc`,
            [randomUUID(), actor.userId, generated.publicKeyPem, generated.privateKeyEnc],
          );
        }
        const bytes = signedDocumentBytes({
          directiveId,
          issuer: { id: d.issuer_id, code: d.code, symbol: d.unit_symbol, name: d.unit_name },
          type: d.doc_type,
          year,
          number,
          symbol,
          signedAt: signedAt.toISOString(),
          version: d.version,
          content: d.content,
          signer: { userId: actor.userId, authority, position, name: actor.name },
        });
        const sha256 = createHash('sha256').update(bytes, 'utf8').digest('hex');
        const signature = signWithEncryptedKey(keys[0].private_key_enc, signingSecret, bytes);
        await m.query(
          `UPDATE directive SET status = 'signed', year = $2, number = $3, symbol = $4, signed_at = $5, signer_user_id = $6,
                  signer_authority = $7, signer_position = $8, signer_name = $9, signer_key_id = $10,
                  canonical_sha256 = $11, signature = $12, signed_payload = $13, updated_at = now()
            WHERE id = $1`,
          [
            directiveId,
            year,
            number,
            symbol,
            signedAt.toISOString(),
            actor.userId,
            authority,
            position,
            actor.name,
            keys[0].id,
            sha256,
            signature,
            bytes,
          ],
        );
        await m.query(
          `INSERT INTO directive_event (directive_id, actor_user_id, actor_role, actor_unit_id, action, data, dedupe_key)
           VALUES ($1,$2,$3,$4,'signed',$5,$6)`,
          [
            directiveId,
            actor.userId,
            actor.role,
            actor.unitId,
            JSON.stringify({ number, symbol, sha256, version }),
            dedupeKey,
          ],
        );
        return { number, symbol, signedAt: signedAt.toISOString(), sha256 };
      });
    },

    async remindUnacknowledged({ directiveId, round, dedupeKey }) {
      return dataSource.transaction(async (m) => {
        const pending: { n: number }[] = await m.query(
          `SELECT count(*)::int AS n FROM routing_node WHERE directive_id = $1 AND status = 'delivered'`,
          [directiveId],
        );
        if (pending[0].n === 0) return { pending: 0 };
        const inserted: unknown[] = await m.query(
          `INSERT INTO directive_event (directive_id, action, data, dedupe_key) VALUES ($1, 'acknowledgement.reminded', $2, $3)
           ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
          [directiveId, JSON.stringify({ round, pending: pending[0].n }), dedupeKey],
        );
        if (inserted.length) {
          // One e-mail per clerk of each unit still to acknowledge, in one statement whatever the number of units.
          await m.query(
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
        return { pending: pending[0].n };
      });
    },

    async planDispatch({ directiveId, dedupeKey }) {
      return dataSource.transaction(async (m) => {
        const rows: {
          issuer_id: string;
          path: string;
          addressees: { mode: string; unitIds?: string[]; depth?: number };
        }[] = await m.query(
          `SELECT d.issuer_id, u.path::text AS path, d.content->'addressees' AS addressees
               FROM directive d JOIN unit u ON u.id = d.issuer_id WHERE d.id = $1 FOR UPDATE OF d`,
          [directiveId],
        );
        if (!rows.length)
          throw fail(DirectiveFailure.INVALID_STATE, `directive ${directiveId} does not exist`);
        const counted: { n: number }[] = await m.query(
          `SELECT count(*)::int AS n FROM routing_node WHERE directive_id = $1`,
          [directiveId],
        );
        if (await alreadyDone(m, dedupeKey)) return { nodes: counted[0].n, skipped: 0 };
        const { issuer_id: issuerId, path: issuerPath, addressees } = rows[0];
        const select = `SELECT id, path::text AS path, active FROM unit`;
        const units: { id: string; path: string; active: boolean }[] =
          addressees.mode === 'units'
            ? await m.query(`${select} WHERE id = ANY($1::uuid[])`, [addressees.unitIds ?? []])
            : addressees.mode === 'children'
              ? await m.query(`${select} WHERE parent_id = $1`, [issuerId])
              : await m.query(
                  `${select} WHERE path <@ $1::ltree AND path <> $1::ltree AND nlevel(path) <= nlevel($1::ltree) + $2`,
                  [issuerPath, addressees.depth ?? 1],
                );
        const plan = planRouting(
          { id: issuerId, path: idsFromPath(issuerPath) },
          units.map((u) => ({ id: u.id, path: idsFromPath(u.path), active: u.active })),
        );
        const hubs = new Set(plan.hubs.map((h) => h.unitId));
        for (let i = 0; i < plan.nodes.length; i += 10_000) {
          const chunk = plan.nodes.slice(i, i + 10_000);
          await m.query(
            `INSERT INTO routing_node (directive_id, unit_id, parent_unit_id, depth, tier, is_hub)
             SELECT $1, unit_id, parent_unit_id, depth, tier, is_hub
               FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::int[], $6::boolean[]) AS t(unit_id, parent_unit_id, depth, tier, is_hub)
             ON CONFLICT DO NOTHING`,
            [
              directiveId,
              chunk.map((n) => n.unitId),
              chunk.map((n) => n.parentUnitId),
              chunk.map((n) => n.depth),
              chunk.map((n) => n.tier),
              chunk.map((n) => hubs.has(n.unitId)),
            ],
          );
        }
        await m.query(
          `INSERT INTO directive_event (directive_id, action, data, dedupe_key) VALUES ($1, 'dispatch.planned', $2, $3)`,
          [
            directiveId,
            JSON.stringify({ nodes: plan.nodes.length, skipped: plan.skipped, tiers: plan.issuerTier }),
            dedupeKey,
          ],
        );
        return { nodes: plan.nodes.length, skipped: plan.skipped.length };
      });
    },

    async deliverBatch({ directiveId, hubUnitId, batchIndex, batchSize }) {
      // The batch is a stable slice of the hub's children (the routing tree does not change after planning), so a
      // retried delivery touches the same rows; delivering twice changes nothing.
      const batch: { unit_id: string; is_hub: boolean; status: string }[] = await dataSource.query(
        `SELECT unit_id, is_hub, status FROM routing_node WHERE directive_id = $1 AND parent_unit_id = $2
          ORDER BY unit_id OFFSET $3 LIMIT $4`,
        [directiveId, hubUnitId, batchIndex * batchSize, batchSize + 1],
      );
      const more = batch.length > batchSize;
      const mine = batch.slice(0, batchSize);
      await dataSource.query(
        `UPDATE routing_node SET status = 'delivered', status_code = '01', delivered_at = now(), version = version + 1
          WHERE directive_id = $1 AND unit_id = ANY($2::uuid[]) AND status = 'pending' RETURNING unit_id`,
        [directiveId, mine.map((b) => b.unit_id)],
      );
      return { delivered: mine.length, subHubs: mine.filter((b) => b.is_hub).map((b) => b.unit_id), more };
    },

    async remindReviewer({ directiveId, reviewerId, step, count, dedupeKey }) {
      await dataSource.transaction(async (m) => {
        await m.query(
          `INSERT INTO directive_event (directive_id, action, data, dedupe_key) VALUES ($1, 'review.reminded', $2, $3)
           ON CONFLICT (dedupe_key) DO NOTHING`,
          [directiveId, JSON.stringify({ reviewerId, step, count }), dedupeKey],
        );
        // The e-mail goes out through the outbox, written with the event: both or neither.
        await m.query(
          `INSERT INTO notification_outbox (directive_id, kind, recipient_user_id, recipient_email, subject, body, dedupe_key)
           SELECT d.id, 'review.reminder', u.id, u.email,
                  'Nhắc xem xét văn bản: ' || (d.content->>'subject'),
                  'Kính gửi ' || u.name || E',\n\nVăn bản "' || (d.content->>'subject') || '" của ' || iu.name ||
                  E' đang chờ đồng chí xem xét (lần nhắc ' || $4 || E').\n\nCascade',
                  $3
             FROM directive d JOIN unit iu ON iu.id = d.issuer_id, app_user u
            WHERE d.id = $1 AND u.id = $2
           ON CONFLICT (dedupe_key) DO NOTHING`,
          [directiveId, reviewerId, `${dedupeKey}:mail`, String(count)],
        );
      });
    },
  };
}
