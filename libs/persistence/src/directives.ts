import { DataSource, EntityManager } from 'typeorm';

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
}

/** The chain, both ways: the links from this directive, and the links to it. */
export async function linksOf(
  db: Db,
  id: string,
): Promise<{ outgoing: LinkedDirective[]; incoming: LinkedDirective[] }> {
  const select = `SELECT l.kind, d.id, d.issuer_id AS "issuerId", iu.name AS "issuerName", d.symbol, d.status,
                         d.content->>'subject' AS subject, l.to_unit_id AS "viaUnitId"
                    FROM directive_link l`;
  const outgoing: LinkedDirective[] = await db.query(
    `${select} JOIN directive d ON d.id = l.to_id JOIN unit iu ON iu.id = d.issuer_id WHERE l.from_id = $1 ORDER BY l.created_at`,
    [id],
  );
  const incoming: LinkedDirective[] = await db.query(
    `${select} JOIN directive d ON d.id = l.from_id JOIN unit iu ON iu.id = d.issuer_id WHERE l.to_id = $1 ORDER BY l.created_at`,
    [id],
  );
  return { outgoing, incoming };
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

/** The caller's first role (alphabetically) in a unit, or null. */
export async function firstRoleIn(db: Db, userId: string, unitId: string): Promise<string | null> {
  const rows: { role: string }[] = await db.query(
    `SELECT role FROM membership WHERE user_id = $1 AND unit_id = $2 ORDER BY role LIMIT 1`,
    [userId, unitId],
  );
  return rows[0]?.role ?? null;
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
