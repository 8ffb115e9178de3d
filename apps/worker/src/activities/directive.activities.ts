import { createHash, randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { DateTime } from 'luxon';
import { DataSource, EntityManager } from 'typeorm';
import { generateSignerKey, signWithEncryptedKey } from '@cascade/auth';
import { DirectiveFailure, type DirectiveActivities, type TransitionInput } from '@cascade/contracts';
import { formatSymbol, signedDocumentBytes, VN_ZONE, type DocType, type UnitKind } from '@cascade/domain';

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
        await m.query(`UPDATE directive SET status = $2, updated_at = now() WHERE id = $1`, [
          input.directiveId,
          input.to,
        ]);
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

    async remindReviewer({ directiveId, reviewerId, step, count, dedupeKey }) {
      await dataSource.query(
        `INSERT INTO directive_event (directive_id, action, data, dedupe_key) VALUES ($1, 'review.reminded', $2, $3)
         ON CONFLICT (dedupe_key) DO NOTHING`,
        [directiveId, JSON.stringify({ reviewerId, step, count }), dedupeKey],
      );
    },
  };
}
