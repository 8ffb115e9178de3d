import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { verifySignature } from '@cascade/auth';
import { canonicalJson } from '@cascade/domain';
import { keysetPage, type KeysetPage, type PageRequest } from './keyset';
import { signedDocument } from './signed-documents';

/** One event as stored, its fields in the text form the chain hashes. */
export interface ChainedEvent {
  id: string;
  seq: number;
  directiveId: string;
  at: string;
  actorUserId: string | null;
  actorRole: string | null;
  actorUnitId: string | null;
  action: string;
  reason: string | null;
  data: string | null;
  prevHash: string;
  hash: string;
}

/** Selects events with the exact text the database hashed (timestamps in UTC with microseconds, jsonb as text). */
export const CHAINED_EVENT_COLUMNS = `e.id::text AS id, e.seq, e.directive_id::text AS "directiveId",
  to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, e.actor_user_id::text AS "actorUserId",
  e.actor_role AS "actorRole", e.actor_unit_id::text AS "actorUnitId", e.action, e.reason, e.data::text AS data,
  e.prev_hash AS "prevHash", e.hash`;

/**
 * The bytes an event's hash covers, rebuilt independently of the database's trigger: the previous hash, then the
 * event's fields, separated by U+001F. Must stay byte-for-byte equal to `directive_event_digest_input()` (SQL).
 */
export function eventDigestInput(e: ChainedEvent, prevHash: string): string {
  return [
    prevHash,
    e.directiveId,
    String(e.seq),
    e.at,
    e.actorUserId ?? '',
    e.actorRole ?? '',
    e.actorUnitId ?? '',
    e.action,
    e.reason ?? '',
    e.data ?? '',
  ].join('\u001f');
}

export const eventHash = (e: ChainedEvent, prevHash: string): string =>
  createHash('sha256').update(eventDigestInput(e, prevHash), 'utf8').digest('hex');

export interface ChainVerdict {
  directiveId: string;
  valid: boolean;
  events: number;
  /** The first broken link, or null. */
  firstBroken: { seq: number; eventId: string | null; problem: string } | null;
  head: string | null;
}

/**
 * Seals the events of the directives written since their last seal (`cascade_seal_events`, migration
 * SealedInBatches1763890000000): each gets its sequence number and hashes, in the order of their ids. Audit reads call
 * it first, so that they never see an unsealed event; one directive per transaction, in a fixed order.
 */
export async function sealEvents(db: DataSource | EntityManager, directiveIds: string[]): Promise<number> {
  let sealed = 0;
  for (const id of [...new Set(directiveIds)].sort()) {
    const rows: { n: number }[] = await db.query(`SELECT cascade_seal_events($1) AS n`, [id]);
    sealed += rows[0].n;
  }
  return sealed;
}

/** Seals every directive with unsealed events (the worker's sealer, every few hundred milliseconds). */
export async function sealPendingEvents(db: DataSource | EntityManager, directives = 500): Promise<number> {
  const pending: { directive_id: string }[] = await db.query(
    `SELECT DISTINCT directive_id::text AS directive_id FROM directive_event WHERE seq IS NULL LIMIT $1`,
    [directives],
  );
  return sealEvents(
    db,
    pending.map((p) => p.directive_id),
  );
}

/**
 * Recomputes a directive's chain from its events, once what was not sealed yet is sealed: sequence numbers without
 * gaps, each event's `prevHash` equal to the hash before it, each hash equal to the SHA-256 recomputed here, and the
 * last hash equal to the chain head (an event removed from the end is detected too). Reports the first broken link.
 */
export async function verifyChain(
  db: DataSource | EntityManager,
  directiveId: string,
): Promise<ChainVerdict> {
  await sealEvents(db, [directiveId]);
  const events: ChainedEvent[] = await db.query(
    `SELECT ${CHAINED_EVENT_COLUMNS} FROM directive_event e WHERE e.directive_id = $1 ORDER BY e.seq, e.id`,
    [directiveId],
  );
  const heads: { seq: number; hash: string }[] = await db.query(
    `SELECT seq, hash FROM directive_chain_head WHERE directive_id = $1`,
    [directiveId],
  );
  const verdict = (firstBroken: ChainVerdict['firstBroken']): ChainVerdict => ({
    directiveId,
    valid: firstBroken === null,
    events: events.length,
    firstBroken,
    head: heads[0]?.hash ?? null,
  });
  let prev = '';
  for (const [i, e] of events.entries()) {
    if (e.seq !== i + 1) {
      return verdict({ seq: i + 1, eventId: e.id, problem: `event ${i + 1} is missing (found ${e.seq})` });
    }
    if (e.prevHash !== prev) {
      return verdict({ seq: e.seq, eventId: e.id, problem: 'prevHash does not match the previous event' });
    }
    if (eventHash(e, prev) !== e.hash) {
      return verdict({ seq: e.seq, eventId: e.id, problem: 'the event differs from what was hashed' });
    }
    prev = e.hash;
  }
  const head = heads[0];
  if (events.length && (!head || head.seq !== events.length || head.hash !== prev)) {
    return verdict({
      seq: head && head.seq > events.length ? events.length + 1 : events.length,
      eventId: null,
      problem: head
        ? `the chain head is event ${head.seq}, the trail ends at ${events.length}`
        : 'the chain head is missing',
    });
  }
  return verdict(null);
}

/** The directive and every directive that implements it, down the chain (a cycle cannot form: links go to older ones). */
export async function directiveFamily(
  db: DataSource | EntityManager,
  directiveId: string,
): Promise<string[]> {
  const rows: { id: string }[] = await db.query(
    `WITH RECURSIVE family(id) AS (
       SELECT $1::uuid
       UNION SELECT l.from_id FROM directive_link l JOIN family f ON l.to_id = f.id WHERE l.kind = 'implements'
     ) SELECT id::text FROM family`,
    [directiveId],
  );
  return rows.map((r) => r.id);
}

export interface SignatureVerdict {
  signed: boolean;
  valid: boolean;
  problems: string[];
  sha256?: string;
  keyId?: string;
  publicKey?: string | null;
}

/** A signed directive's row: the signature, the signed bytes and every field the bytes carry. */
interface SignedRow {
  id: string;
  signature: string | null;
  signed_payload: string | null;
  signer_key_id: string | null;
  canonical_sha256: string | null;
  issuer_id: string;
  doc_type: string;
  year: number | null;
  number: number | null;
  symbol: string | null;
  signed_at: Date | null;
  content: unknown;
  signer_user_id: string | null;
  signer_authority: string | null;
  signer_position: string | null;
  signer_name: string | null;
  public_key: string | null;
}

/** What `signedDocumentBytes` puts in the signed bytes (the worker's signing). */
interface SignedDocument {
  directiveId: string;
  issuer: { id: string };
  type: string;
  year: number;
  number: number;
  symbol: string;
  signedAt: string;
  content: unknown;
  signer: { userId: string; authority: string; position: string; name: string };
  /** The attachments' names and hashes (absent from records signed without attachments). */
  attachments?: { id: string; name: string; mediaType: string; size: number; sha256: string }[];
  /** The official document's PDF as stored at signing (absent from records signed before it existed). */
  document?: { mediaType: string; sha256: string };
}

/**
 * The attachments as stored now, each with the hash of its bytes recomputed, for the comparison with what was signed
 * (a file replaced or altered behind the application no longer verifies).
 */
async function attachmentsNow(db: DataSource | EntityManager, directiveId: string) {
  const rows: {
    id: string;
    name: string;
    mediaType: string;
    size: number;
    sha256: string;
    actual: string;
  }[] = await db.query(
    `SELECT a.id, a.name, a.media_type AS "mediaType", a.size, a.sha256, encode(sha256(a.content), 'hex') AS actual
         FROM directive_attachment a WHERE a.directive_id = $1 ORDER BY a.created_at, a.id`,
    [directiveId],
  );
  return rows;
}

/**
 * The fields of the record that the signature covers, each with what was signed and what the record says now: a
 * record altered behind the application (an UPDATE of any of them) no longer verifies. The issuer's code and name are
 * signed as they were and may be renamed since; its id may not change.
 */
function signedFields(row: SignedRow, signed: SignedDocument): [string, unknown, unknown][] {
  return [
    ['id', signed.directiveId, row.id],
    ['issuerId', signed.issuer?.id, row.issuer_id],
    ['type', signed.type, row.doc_type],
    ['year', signed.year, row.year],
    ['number', signed.number, row.number],
    ['symbol', signed.symbol, row.symbol],
    ['signedAt', Date.parse(signed.signedAt), row.signed_at?.getTime() ?? null],
    ['content', canonicalJson(signed.content), canonicalJson(row.content)],
    ['signer.userId', signed.signer?.userId, row.signer_user_id],
    ['signer.authority', signed.signer?.authority, row.signer_authority],
    ['signer.position', signed.signer?.position, row.signer_position],
    ['signer.name', signed.signer?.name, row.signer_name],
  ];
}

/**
 * Recomputes the signed bytes' hash, checks the Ed25519 signature with the signer's public key, and checks that the
 * record still says what was signed, field by field (content, type, number and symbol, date, signer, authority and
 * position): each that differs is a problem named by its field.
 */
export async function verifyDirectiveSignature(
  db: DataSource | EntityManager,
  directiveId: string,
): Promise<SignatureVerdict> {
  const rows: SignedRow[] = await db.query(
    `SELECT d.id::text AS id, d.signature, d.signed_payload, d.signer_key_id, d.canonical_sha256, d.issuer_id::text AS issuer_id,
            d.doc_type, d.year, d.number, d.symbol, d.signed_at, d.content, d.signer_user_id::text AS signer_user_id,
            d.signer_authority, d.signer_position, d.signer_name, k.public_key
       FROM directive d LEFT JOIN signer_key k ON k.id = d.signer_key_id WHERE d.id = $1`,
    [directiveId],
  );
  const signedRow = rows[0];
  if (!signedRow?.signature || !signedRow.signed_payload || !signedRow.signer_key_id) {
    return { signed: false, valid: false, problems: ['the directive is not signed'] };
  }
  const problems: string[] = [];
  const sha256 = createHash('sha256').update(signedRow.signed_payload, 'utf8').digest('hex');
  if (sha256 !== signedRow.canonical_sha256)
    problems.push('sha256: the stored hash does not match the signed bytes');
  if (
    !signedRow.public_key ||
    !verifySignature(signedRow.public_key, signedRow.signed_payload, signedRow.signature)
  )
    problems.push('signature: does not verify with the signer key');
  const signed = JSON.parse(signedRow.signed_payload) as SignedDocument;
  for (const [field, wasSigned, recorded] of signedFields(signedRow, signed)) {
    if (wasSigned !== recorded) problems.push(`${field}: differs from what was signed`);
  }
  const files = await attachmentsNow(db, directiveId);
  const stored = files.map(({ id, name, mediaType, size, sha256: hash }) => ({
    id,
    name,
    mediaType,
    size,
    sha256: hash,
  }));
  if (canonicalJson(signed.attachments ?? []) !== canonicalJson(stored))
    problems.push('attachments: differ from what was signed');
  for (const file of files)
    if (file.actual !== file.sha256)
      problems.push(`attachments.${file.id}: the bytes do not match their hash`);
  // The official document stored at signing (PAdES-signed when the signer had a certificate): its bytes are those
  // whose hash was signed.
  if (signed.document) {
    const pdf = await signedDocument(db, directiveId);
    if (!pdf) problems.push('document: the signed PDF is missing');
    else if (createHash('sha256').update(pdf.content).digest('hex') !== signed.document.sha256)
      problems.push('document: the stored PDF differs from what was signed');
  }
  return {
    signed: true,
    valid: problems.length === 0,
    problems,
    sha256,
    keyId: signedRow.signer_key_id,
    publicKey: signedRow.public_key,
  };
}

export interface TimelineEvent extends ChainedEvent {
  symbol: string | null;
  actorUnitName: string | null;
  actorName: string | null;
}

/** The key of a timeline event in a page: its time (exact, UTC, as the chain hashes it) and its id. */
export type TimelineKey = [at: string, id: string];

/**
 * A page of the timeline of the directives, in time order (then id), filterable by unit (actor or subject) and
 * action: each
 * directive's next events from the index `directive_event_time` (at most a page each), merged, the page kept, and
 * only then the names joined. A page costs the family's size times the page, never the trail's length.
 */
export async function familyTimelinePage(
  db: DataSource | EntityManager,
  directiveIds: string[],
  q: { unitId?: string; action?: string },
  page: PageRequest<TimelineKey>,
): Promise<KeysetPage<TimelineEvent & Record<string, unknown>, TimelineKey>> {
  await sealEvents(db, directiveIds);
  const [at, id] = page.after ?? [null, null];
  const rows: (TimelineEvent & Record<string, unknown>)[] = await db.query(
    `SELECT ${CHAINED_EVENT_COLUMNS}, d.symbol, u.name AS "actorUnitName", au.name AS "actorName"
       FROM (SELECT p.* FROM unnest($1::uuid[]) AS f(id) CROSS JOIN LATERAL (
               SELECT e.* FROM directive_event e
                WHERE e.directive_id = f.id
                  AND ($2::uuid IS NULL OR e.actor_unit_id = $2 OR e.data->>'unitId' = $2::text)
                  AND ($3::text IS NULL OR e.action = $3 OR e.action LIKE $3 || '.%')
                  AND ($5::timestamptz IS NULL OR (e.at, e.id) > ($5, $6::bigint))
                ORDER BY e.at, e.id LIMIT $4) p
              ORDER BY p.at, p.id LIMIT $4) e
       JOIN directive d ON d.id = e.directive_id
       LEFT JOIN unit u ON u.id = e.actor_unit_id LEFT JOIN app_user au ON au.id = e.actor_user_id
      ORDER BY e.at, e.id`,
    [directiveIds, q.unitId ?? null, q.action ?? null, page.limit + 1, at, id],
  );
  return keysetPage(rows, page.limit, (r) => [r.at, r.id]);
}

/** Every hash chain and signature of a directive and of the directives that implement it. */
export async function verifyFamily(db: DataSource | EntityManager, directiveId: string) {
  const family = await directiveFamily(db, directiveId);
  const chains: ChainVerdict[] = [];
  const signatures: ({ directiveId: string } & SignatureVerdict)[] = [];
  for (const member of family) {
    chains.push(await verifyChain(db, member));
    const s = await verifyDirectiveSignature(db, member);
    signatures.push({ directiveId: member, signed: s.signed, valid: s.valid, problems: s.problems });
  }
  const valid = chains.every((c) => c.valid) && signatures.every((s) => !s.signed || s.valid);
  return { directiveId, valid, chains, signatures };
}

/** Records who read which document, at most once per user, directive, kind of read and minute (`directive_read`). */
export async function recordRead(
  db: DataSource | EntityManager,
  directiveId: string,
  userId: string,
  what: string,
): Promise<void> {
  await db.query(
    `INSERT INTO directive_read (directive_id, user_id, minute, what) VALUES ($1, $2, date_trunc('minute', now()), $3)
     ON CONFLICT DO NOTHING`,
    [directiveId, userId, what],
  );
}

/** The last event of a directive's trail at or before an instant (ISO). */
export async function lastEventAt(
  db: DataSource | EntityManager,
  directiveId: string,
  at: string,
): Promise<{ action: string; at: Date } | null> {
  const rows: { action: string; at: Date }[] = await db.query(
    `SELECT action, at FROM directive_event WHERE directive_id = $1 AND at <= $2 ORDER BY seq DESC LIMIT 1`,
    [directiveId, at],
  );
  return rows[0] ?? null;
}

/**
 * The routing tree as it stood at an instant (ISO), rebuilt from the trail: a unit is listed once the dispatch (or
 * its forwarding) had delivered it, with the acknowledgement, return, recall answer and reports recorded by then. One
 * pass over the trail per kind of answer (latest answer per unit), whatever the size of the tree.
 */
export async function treeAsOf(
  db: DataSource | EntityManager,
  directiveId: string,
  at: string,
): Promise<unknown[]> {
  return db.query(
    `WITH acks AS (
       SELECT DISTINCT ON (e.data->>'unitId') e.data->>'unitId' AS unit_id,
              CASE e.action WHEN 'acknowledged' THEN 'accepted' ELSE 'returned' END AS status
         FROM directive_event e WHERE e.directive_id = $1 AND e.at <= $2 AND e.action IN ('acknowledged','returned')
        ORDER BY e.data->>'unitId', e.seq DESC
     ), recalls AS (
       SELECT DISTINCT ON (e.data->>'unitId') e.data->>'unitId' AS unit_id,
              CASE e.action WHEN 'recall.accepted' THEN 'recall_accepted' ELSE 'recall_refused' END AS status
         FROM directive_event e WHERE e.directive_id = $1 AND e.at <= $2 AND e.action IN ('recall.accepted','recall.refused')
        ORDER BY e.data->>'unitId', e.seq DESC
     ), reps AS (
       SELECT unit_id, count(DISTINCT cycle)::int AS n FROM report WHERE directive_id = $1 AND submitted_at <= $2 GROUP BY unit_id
     ), recalled AS (
       SELECT EXISTS (SELECT 1 FROM directive_event WHERE directive_id = $1 AND action = 'recalled' AND at <= $2) AS yes
     )
     SELECT r.unit_id AS "unitId", u.code AS "unitCode", u.name AS "unitName", r.parent_unit_id AS "parentUnitId",
            COALESCE(rc.status,
                     CASE WHEN (SELECT yes FROM recalled) AND a.status IS DISTINCT FROM 'returned' THEN 'recall_requested' END,
                     a.status, 'delivered') AS status,
            COALESCE(p.n, 0) AS "cyclesReported"
       FROM routing_node r JOIN unit u ON u.id = r.unit_id
       LEFT JOIN acks a ON a.unit_id = r.unit_id::text
       LEFT JOIN recalls rc ON rc.unit_id = r.unit_id::text
       LEFT JOIN reps p ON p.unit_id = r.unit_id
      WHERE r.directive_id = $1 AND r.delivered_at IS NOT NULL AND r.delivered_at <= $2
      ORDER BY r.depth, u.code`,
    [directiveId, at],
  );
}
