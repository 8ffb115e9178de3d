import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { Addressees, DirectiveContent, ReportingRequirement } from '@cascade/contracts';
import type { DirectiveStatus, DocType, UnitKind } from '@cascade/domain';

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
