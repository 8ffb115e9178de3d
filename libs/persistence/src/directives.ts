import { DataSource, EntityManager } from 'typeorm';
import { randomUUID } from 'node:crypto';
import type { Addressees, DirectiveContent, ReportingRequirement } from '@cascade/contracts';
import type { DirectiveStatus, DocType, UnitKind } from '@cascade/domain';
import { EXACT_TIME, keysetPage, type KeysetPage, type PageRequest } from './keyset';

type Db = DataSource | EntityManager;

/**
 * The directive aggregate: `directive` (the record, its content and signature), `directive_version` (every saved
 * draft) and `directive_link` (implements / supersedes). This module is their only writer.
 */

// ── api side

/** A directive's row as stored. */
export interface DirectiveRow {
  id: string;
  issuer_id: string;
  doc_type: string;
  status: string;
  version: number;
  content: Record<string, unknown>;
  workflow_id: string;
  year: number | null;
  number: number | null;
  symbol: string | null;
  signed_at: Date | null;
  signer_user_id: string | null;
  signer_authority: string | null;
  signer_position: string | null;
  signer_name: string | null;
  signer_key_id: string | null;
  canonical_sha256: string | null;
  signature: string | null;
  signed_payload: string | null;
  dispatched_at: Date | null;
  closed_at: Date | null;
  close_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A link a draft declares: to a directive it implements (under the issuer's routing node) or supersedes. */
export interface DirectiveLink {
  toId: string;
  kind: 'implements' | 'supersedes';
  unitId: string | null;
}

export async function directiveRow(db: Db, id: string): Promise<DirectiveRow | null> {
  const rows: DirectiveRow[] = await db.query(`SELECT * FROM directive WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** The issuing unit of a directive (null when there is no such directive), without loading the rest. */
export async function directiveIssuer(db: Db, id: string): Promise<string | null> {
  const rows: { issuer_id: string }[] = await db.query(`SELECT issuer_id FROM directive WHERE id = $1`, [id]);
  return rows[0]?.issuer_id ?? null;
}

/** The status and issuer of a directive (null when there is none). */
export async function directiveStatus(
  db: Db,
  id: string,
): Promise<{ status: string; issuerId: string } | null> {
  const rows: { status: string; issuer_id: string }[] = await db.query(
    `SELECT status, issuer_id FROM directive WHERE id = $1`,
    [id],
  );
  return rows.length ? { status: rows[0].status, issuerId: rows[0].issuer_id } : null;
}

export interface NewDraft {
  id: string;
  issuerId: string;
  docType: string;
  content: unknown;
  workflowId: string;
  createdBy: string | null;
}

/** A new draft at version 1, with its first version kept. */
export async function insertDraft(m: EntityManager, draft: NewDraft): Promise<void> {
  const content = JSON.stringify(draft.content);
  await m.query(
    `INSERT INTO directive (id, issuer_id, doc_type, status, version, content, workflow_id, created_by) VALUES ($1,$2,$3,'draft',1,$4,$5,$6)`,
    [draft.id, draft.issuerId, draft.docType, content, draft.workflowId, draft.createdBy],
  );
  await m.query(
    `INSERT INTO directive_version (directive_id, version, content, edited_by) VALUES ($1, 1, $2, $3)`,
    [draft.id, content, draft.createdBy],
  );
}

/**
 * What a retried draft finds under its derived id: nothing; or the directive, its status and whether it was drafted
 * with this issuer and content (its first version), i.e. by the same request.
 */
export async function draftedBefore(
  db: DataSource | EntityManager,
  id: string,
  draft: { issuerId: string; content: unknown },
): Promise<{ status: string; sameRequest: boolean } | null> {
  const rows: { status: string; same_request: boolean }[] = await db.query(
    `SELECT d.status, (d.issuer_id = $2 AND v.content = $3::jsonb) AS same_request
       FROM directive d JOIN directive_version v ON v.directive_id = d.id AND v.version = 1
      WHERE d.id = $1`,
    [id, draft.issuerId, JSON.stringify(draft.content)],
  );
  return rows[0] ? { status: rows[0].status, sameRequest: rows[0].same_request } : null;
}

/** Undoes `insertDraft` (with its links) when its workflow could not be started; its trail has not started yet. */
export async function deleteUnstartedDraft(m: EntityManager, id: string): Promise<void> {
  await m.query(`DELETE FROM directive_link WHERE from_id = $1`, [id]);
  await m.query(`DELETE FROM directive_version WHERE directive_id = $1`, [id]);
  await m.query(`DELETE FROM directive WHERE id = $1`, [id]);
}

/** Locks a directive's row for an edit and answers its status and version. */
export async function lockForEdit(
  m: EntityManager,
  id: string,
): Promise<{ status: string; version: number }> {
  const rows: { status: string; version: number }[] = await m.query(
    `SELECT status, version FROM directive WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return rows[0];
}

/** Saves an edited draft as its new version, kept with the old ones. The caller holds `lockForEdit`. */
export async function saveDraftVersion(
  m: EntityManager,
  id: string,
  version: number,
  content: unknown,
  editedBy: string | null,
): Promise<void> {
  await m.query(`UPDATE directive SET content = $2, version = $3, updated_at = now() WHERE id = $1`, [
    id,
    JSON.stringify(content),
    version,
  ]);
  await m.query(
    `INSERT INTO directive_version (directive_id, version, content, edited_by) VALUES ($1,$2,$3,$4)`,
    [id, version, JSON.stringify(content), editedBy],
  );
}

export async function draftVersions(db: Db, id: string): Promise<unknown[]> {
  return db.query(
    `SELECT version, content, edited_by AS "editedBy", edited_at AS "editedAt" FROM directive_version WHERE directive_id = $1 ORDER BY version`,
    [id],
  );
}

/** Replaces the links a draft declares. */
export async function replaceLinks(m: EntityManager, fromId: string, links: DirectiveLink[]): Promise<void> {
  await m.query(`DELETE FROM directive_link WHERE from_id = $1`, [fromId]);
  for (const link of links) {
    await m.query(
      `INSERT INTO directive_link (from_id, to_id, kind, to_unit_id) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING`,
      [fromId, link.toId, link.kind, link.unitId],
    );
  }
}

/** A linked directive, as the chain shows it. */
export interface LinkedDirective {
  kind: string;
  id: string;
  issuerId: string;
  issuerName: string;
  symbol: string | null;
  status: string;
  subject: string;
  viaUnitId: string | null;
  /** For a document received from outside: its received number in `issuerId`'s incoming register (else null). */
  receivedNumber: number | null;
}

/** The key of a directive implementing another in a page of them: when it was linked (exact, UTC), then its id. */
export type LinkKey = [at: string, fromId: string];

/**
 * The chain, both ways: the links from this directive and those superseding it (each a handful), and a page of the
 * directives implementing it (one per body that implements it: it grows with the units), in the order they were
 * linked (the index `directive_link_page`).
 */
export async function linksOf(
  db: Db,
  id: string,
  page: PageRequest<LinkKey>,
): Promise<{
  outgoing: LinkedDirective[];
  incoming: LinkedDirective[];
  implementedBy: KeysetPage<LinkedDirective & Record<string, unknown>, LinkKey>;
}> {
  // a document received from outside: issued by the body it names; `issuerId` is the unit that registered it
  const select = `SELECT l.kind, d.id, d.issuer_id AS "issuerId", COALESCE(d.external_issuer_name, iu.name) AS "issuerName",
                         d.symbol, d.status, d.content->>'subject' AS subject, l.to_unit_id AS "viaUnitId",
                         d.received_number AS "receivedNumber"
                    FROM directive_link l`;
  const outgoing: LinkedDirective[] = await db.query(
    `${select} JOIN directive d ON d.id = l.to_id JOIN unit iu ON iu.id = d.issuer_id WHERE l.from_id = $1 ORDER BY l.created_at`,
    [id],
  );
  const incoming: LinkedDirective[] = await db.query(
    `${select} JOIN directive d ON d.id = l.from_id JOIN unit iu ON iu.id = d.issuer_id
      WHERE l.to_id = $1 AND l.kind = 'supersedes' ORDER BY l.created_at`,
    [id],
  );
  const [at, fromId] = page.after ?? [null, null];
  const implementing: (LinkedDirective & Record<string, unknown>)[] = await db.query(
    `SELECT l.kind, d.id, d.issuer_id AS "issuerId", COALESCE(d.external_issuer_name, iu.name) AS "issuerName",
            d.symbol, d.status, d.content->>'subject' AS subject, l.to_unit_id AS "viaUnitId",
            d.received_number AS "receivedNumber", ${EXACT_TIME('l.created_at')} AS k_at
       FROM (SELECT * FROM directive_link l WHERE l.to_id = $1 AND l.kind = 'implements'
                AND ($3::timestamptz IS NULL OR (l.created_at, l.from_id) > ($3, $4::uuid))
              ORDER BY l.created_at, l.from_id LIMIT $2) l
       JOIN directive d ON d.id = l.from_id JOIN unit iu ON iu.id = d.issuer_id
      ORDER BY l.created_at, l.from_id`,
    [id, page.limit + 1, at, fromId],
  );
  return {
    outgoing,
    incoming,
    implementedBy: keysetPage(implementing, page.limit, (r) => [r.k_at as string, r.id]),
  };
}

/** Which of the given units are active units strictly below `issuerId`. */
export async function activeUnitsBelow(db: Db, issuerId: string, unitIds: string[]): Promise<Set<string>> {
  const rows: { id: string }[] = await db.query(
    `SELECT u.id FROM unit u, unit i
      WHERE i.id = $1 AND u.id = ANY($2::uuid[]) AND u.path <@ i.path AND u.id <> i.id AND u.active`,
    [issuerId, unitIds],
  );
  return new Set(rows.map((row) => row.id));
}

/** Which of the given units are active. */
export async function activeUnits(db: Db, unitIds: string[]): Promise<Set<string>> {
  const rows: { id: string }[] = await db.query(`SELECT id FROM unit WHERE id = ANY($1::uuid[]) AND active`, [
    unitIds,
  ]);
  return new Set(rows.map((row) => row.id));
}

/** The signing authorities (TM., KT., …) and positions the user holds as a leader of the unit. */
export async function leaderAuthorities(
  db: Db,
  userId: string,
  unitId: string,
): Promise<{ authority: string | null; position: string | null }[]> {
  return db.query(
    `SELECT authority, position FROM membership WHERE user_id = $1 AND unit_id = $2 AND role = 'leader'`,
    [userId, unitId],
  );
}

/** The name of a directive's issuing unit. */
export async function issuerName(db: Db, directiveId: string): Promise<string | null> {
  const rows: { name: string }[] = await db.query(
    `SELECT u.name FROM directive d JOIN unit u ON u.id = d.issuer_id WHERE d.id = $1`,
    [directiveId],
  );
  return rows[0]?.name ?? null;
}

// ── worker side

/**
 * Whether an event with this dedupe key was written: the step it records is done (a retry of it changes nothing).
 * Read under the directive's lock, taken first.
 */
export async function eventRecorded(db: DataSource | EntityManager, dedupeKey: string): Promise<boolean> {
  const rows: unknown[] = await db.query(`SELECT 1 FROM directive_event WHERE dedupe_key = $1`, [dedupeKey]);
  return rows.length > 0;
}

/** What a step checks before it moves a directive on. */
export interface DirectiveState {
  status: DirectiveStatus;
  version: number;
}

/** Locks the directive's row until the transaction ends; null when there is no such directive. */
export async function lockDirectiveState(
  db: DataSource | EntityManager,
  directiveId: string,
): Promise<DirectiveState | null> {
  const rows: DirectiveState[] = await db.query(
    `SELECT status, version FROM directive WHERE id = $1 FOR UPDATE`,
    [directiveId],
  );
  return rows[0] ?? null;
}

export async function setDirectiveStatus(
  db: DataSource | EntityManager,
  directiveId: string,
  to: DirectiveStatus,
): Promise<void> {
  // Interval schedules without a start count from dispatch.
  await db.query(
    `UPDATE directive SET status = $2, updated_at = now(),
                  dispatched_at = CASE WHEN $2 = 'dispatched' THEN now() ELSE dispatched_at END WHERE id = $1`,
    [directiveId, to],
  );
}

/** A directive about to be signed, with its issuing unit, and what a committed signing recorded. */
export interface DirectiveToSign {
  status: DirectiveStatus;
  version: number;
  docType: DocType;
  content: DirectiveContent;
  issuerId: string;
  issuerCode: string;
  issuerSymbol: string;
  issuerName: string;
  issuerKind: UnitKind;
  symbol: string | null;
  number: number | null;
  signedAt: Date | null;
  canonicalSha256: string | null;
}

/** Locks the directive's row until the transaction ends; null when there is no such directive. */
export async function lockDirectiveToSign(
  db: DataSource | EntityManager,
  directiveId: string,
): Promise<DirectiveToSign | null> {
  const rows: {
    status: DirectiveStatus;
    version: number;
    doc_type: DocType;
    content: DirectiveContent;
    issuer_id: string;
    code: string;
    symbol: string | null;
    unit_symbol: string;
    unit_name: string;
    kind: UnitKind;
    number: number | null;
    signed_at: Date | null;
    canonical_sha256: string | null;
  }[] = await db.query(
    `SELECT d.status, d.version, d.doc_type, d.content, d.issuer_id, u.code, d.symbol, u.symbol AS unit_symbol,
                  u.name AS unit_name, u.kind, d.number, d.signed_at, d.canonical_sha256
             FROM directive d JOIN unit u ON u.id = d.issuer_id WHERE d.id = $1 FOR UPDATE OF d`,
    [directiveId],
  );
  if (!rows.length) return null;
  const [row] = rows;
  return {
    status: row.status,
    version: row.version,
    docType: row.doc_type,
    content: row.content,
    issuerId: row.issuer_id,
    issuerCode: row.code,
    issuerSymbol: row.unit_symbol,
    issuerName: row.unit_name,
    issuerKind: row.kind,
    symbol: row.symbol,
    number: row.number,
    signedAt: row.signed_at,
    canonicalSha256: row.canonical_sha256,
  };
}

/**
 * The issuer's next number of the year. The sequence row is locked until the transaction ends: concurrent signings
 * of one issuer queue here, and a rollback releases the number, so numbers have no gaps and no duplicates.
 */
export async function nextIssuerNumber(
  db: DataSource | EntityManager,
  issuerId: string,
  year: number,
): Promise<number> {
  const rows: { last_number: number }[] = await db.query(
    `INSERT INTO issuer_sequence (issuer_id, year, last_number) VALUES ($1, $2, 1)
           ON CONFLICT (issuer_id, year) DO UPDATE SET last_number = issuer_sequence.last_number + 1
           RETURNING last_number`,
    [issuerId, year],
  );
  return rows[0].last_number;
}

/** A signer's key, its private half encrypted with the signing secret. */
export interface SignerKey {
  id: string;
  privateKeyEnc: string;
}

/** The signer's key that is not revoked, or null. */
export async function activeSignerKey(
  db: DataSource | EntityManager,
  userId: string,
): Promise<SignerKey | null> {
  const rows: { id: string; private_key_enc: string }[] = await db.query(
    `SELECT id, private_key_enc FROM signer_key WHERE user_id = $1 AND revoked_at IS NULL`,
    [userId],
  );
  return rows.length ? { id: rows[0].id, privateKeyEnc: rows[0].private_key_enc } : null;
}

/** Stores a new key for a signer; a signer who got one meanwhile keeps theirs, which is returned. */
export async function storeSignerKey(
  db: DataSource | EntityManager,
  key: { userId: string; publicKeyPem: string; privateKeyEnc: string },
): Promise<SignerKey> {
  const rows: { id: string; private_key_enc: string }[] = await db.query(
    `INSERT INTO signer_key (id, user_id, public_key, private_key_enc) VALUES ($1,$2,$3,$4)
             ON CONFLICT (user_id) WHERE revoked_at IS NULL DO UPDATE SET user_id = EXCLUDED.user_id
             RETURNING id, private_key_enc`,
    [randomUUID(), key.userId, key.publicKeyPem, key.privateKeyEnc],
  );
  return { id: rows[0].id, privateKeyEnc: rows[0].private_key_enc };
}

/** What a signing records on the directive. */
export interface SigningRecord {
  directiveId: string;
  year: number;
  number: number;
  symbol: string;
  signedAt: string;
  signerUserId: string;
  authority: string;
  position: string;
  signerName: string;
  signerKeyId: string;
  sha256: string;
  signature: string;
  /** The signed bytes (`signedDocumentBytes`). */
  payload: string;
}

export async function recordSigning(db: DataSource | EntityManager, signing: SigningRecord): Promise<void> {
  await db.query(
    `UPDATE directive SET status = 'signed', year = $2, number = $3, symbol = $4, signed_at = $5, signer_user_id = $6,
                  signer_authority = $7, signer_position = $8, signer_name = $9, signer_key_id = $10,
                  canonical_sha256 = $11, signature = $12, signed_payload = $13, updated_at = now()
            WHERE id = $1`,
    [
      signing.directiveId,
      signing.year,
      signing.number,
      signing.symbol,
      signing.signedAt,
      signing.signerUserId,
      signing.authority,
      signing.position,
      signing.signerName,
      signing.signerKeyId,
      signing.sha256,
      signing.signature,
      signing.payload,
    ],
  );
}

/** What the dispatch plans its routing tree from. */
export interface DirectiveToDispatch {
  issuerId: string;
  /** The issuer's ltree path, as text. */
  issuerPath: string;
  addressees: Addressees;
}

/** Locks the directive's row until the transaction ends; null when there is no such directive. */
export async function lockDirectiveToDispatch(
  db: DataSource | EntityManager,
  directiveId: string,
): Promise<DirectiveToDispatch | null> {
  const rows: { issuer_id: string; path: string; addressees: Addressees }[] = await db.query(
    `SELECT d.issuer_id, u.path::text AS path, d.content->'addressees' AS addressees
               FROM directive d JOIN unit u ON u.id = d.issuer_id WHERE d.id = $1 FOR UPDATE OF d`,
    [directiveId],
  );
  if (!rows.length) return null;
  return { issuerId: rows[0].issuer_id, issuerPath: rows[0].path, addressees: rows[0].addressees };
}

/** What the reporting cycles of a directive are planned from. */
export interface DirectiveReporting {
  status: DirectiveStatus;
  issuerId: string;
  reporting: ReportingRequirement | null;
  supersedes: string | null;
  dispatchedAt: Date | null;
}

/** Null when there is no such directive. */
export async function directiveReporting(
  db: DataSource | EntityManager,
  directiveId: string,
): Promise<DirectiveReporting | null> {
  const rows: {
    status: DirectiveStatus;
    issuer_id: string;
    reporting: ReportingRequirement | null;
    supersedes: string | null;
    dispatched_at: Date | null;
  }[] = await db.query(
    `SELECT status, issuer_id, content->'reporting' AS reporting, content->>'supersedes' AS supersedes, dispatched_at
       FROM directive WHERE id = $1`,
    [directiveId],
  );
  if (!rows.length) return null;
  const [row] = rows;
  return {
    status: row.status,
    issuerId: row.issuer_id,
    reporting: row.reporting,
    supersedes: row.supersedes,
    dispatchedAt: row.dispatched_at,
  };
}

/** Ends a dispatched directive: closed, recalled or superseded. */
export async function closeDirective(
  db: DataSource | EntityManager,
  directiveId: string,
  to: 'closed' | 'recalled' | 'superseded',
  reason: string | null,
): Promise<void> {
  await db.query(
    `UPDATE directive SET status = $2, closed_at = now(), close_reason = $3, updated_at = now() WHERE id = $1`,
    [directiveId, to, reason],
  );
}

/** How many schedules a directive runs beside its main one (each has its own reporting workflow). */
export async function extraScheduleCount(
  db: DataSource | EntityManager,
  directiveId: string,
): Promise<number> {
  const rows: { n: number }[] = await db.query(
    `SELECT COALESCE(jsonb_array_length(CASE WHEN jsonb_typeof(content->'reporting'->'schedules') = 'array'
                                             THEN content->'reporting'->'schedules' END), 0)::int AS n
       FROM directive WHERE id = $1`,
    [directiveId],
  );
  return rows[0]?.n ?? 0;
}
