import type { DataSource, EntityManager } from 'typeorm';

type Db = DataSource | EntityManager;

/** An attachment as listed (and as the signed record names it): no bytes. */
export interface Attachment {
  id: string;
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
  createdAt: string;
  uploadedBy: string;
}

/** An attachment with its bytes (download, edXML export). */
export interface AttachmentWithContent extends Attachment {
  content: Buffer;
}

const COLUMNS = `a.id, a.name, a.media_type AS "mediaType", a.size, a.sha256,
  to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt", a.uploaded_by AS "uploadedBy"`;

export interface NewAttachment {
  id: string;
  directiveId: string;
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
  content: Buffer;
  uploadedBy: string;
  idempotencyKey: string;
}

export type AttachOutcome =
  | { kind: 'created' | 'replayed'; attachment: Attachment }
  | { kind: 'key_reused' }
  | { kind: 'missing' }
  | { kind: 'not_draft'; status: string }
  | { kind: 'too_many'; count: number };

/**
 * Adds the file to the directive, once per (directive, uploader, key): a retry with the key answers the first upload
 * (whatever the directive's status has become), the key with other bytes is refused. Otherwise only a draft or a
 * directive in review takes files, at most `maxCount`; the directive's row is locked so that concurrent uploads count
 * in turn and an approval (which locks it too) sees every file uploaded before it.
 */
export async function attachOnce(
  m: EntityManager,
  a: NewAttachment,
  maxCount: number,
): Promise<AttachOutcome> {
  const directive: { status: string }[] = await m.query(
    `SELECT status FROM directive WHERE id = $1 FOR UPDATE`,
    [a.directiveId],
  );
  if (!directive.length) return { kind: 'missing' };
  const before: (Attachment & { sha256: string })[] = await m.query(
    `SELECT ${COLUMNS} FROM directive_attachment a WHERE a.directive_id = $1 AND a.uploaded_by = $2
        AND a.idempotency_key = $3`,
    [a.directiveId, a.uploadedBy, a.idempotencyKey],
  );
  if (before.length)
    return before[0].sha256 === a.sha256 && before[0].name === a.name
      ? { kind: 'replayed', attachment: before[0] }
      : { kind: 'key_reused' };
  if (!['draft', 'in_review'].includes(directive[0].status))
    return { kind: 'not_draft', status: directive[0].status };
  const [{ count }]: { count: number }[] = await m.query(
    `SELECT count(*)::int AS count FROM directive_attachment WHERE directive_id = $1`,
    [a.directiveId],
  );
  if (count >= maxCount) return { kind: 'too_many', count };
  await m.query(
    `INSERT INTO directive_attachment (id, directive_id, name, media_type, size, sha256, content, uploaded_by,
       idempotency_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [a.id, a.directiveId, a.name, a.mediaType, a.size, a.sha256, a.content, a.uploadedBy, a.idempotencyKey],
  );
  const [created]: Attachment[] = await m.query(
    `SELECT ${COLUMNS} FROM directive_attachment a WHERE a.id = $1`,
    [a.id],
  );
  return { kind: 'created', attachment: created };
}

/** The directive's attachments in the order they were uploaded (at most the configured count: not paged). */
export async function attachmentsOf(db: Db, directiveId: string): Promise<Attachment[]> {
  return db.query(
    `SELECT ${COLUMNS} FROM directive_attachment a WHERE a.directive_id = $1 ORDER BY a.created_at, a.id`,
    [directiveId],
  );
}

/** One attachment of the directive with its bytes, or null (another directive's attachment is null too). */
export async function attachmentContent(
  db: Db,
  directiveId: string,
  attachmentId: string,
): Promise<AttachmentWithContent | null> {
  const rows: AttachmentWithContent[] = await db.query(
    `SELECT ${COLUMNS}, a.content FROM directive_attachment a WHERE a.directive_id = $1 AND a.id = $2`,
    [directiveId, attachmentId],
  );
  return rows[0] ?? null;
}

/** Every attachment of the directive with its bytes, in upload order (for exports such as edXML). */
export async function directiveAttachmentsWithContent(
  db: Db,
  directiveId: string,
): Promise<AttachmentWithContent[]> {
  return db.query(
    `SELECT ${COLUMNS}, a.content FROM directive_attachment a WHERE a.directive_id = $1 ORDER BY a.created_at, a.id`,
    [directiveId],
  );
}

/** What a signature records of each attachment: its id, name, media type, size and SHA-256, in upload order. */
export function signedAttachments(
  attachments: readonly Attachment[],
): { id: string; name: string; mediaType: string; size: number; sha256: string }[] {
  return attachments.map(({ id, name, mediaType, size, sha256 }) => ({ id, name, mediaType, size, sha256 }));
}

/**
 * The files that came with a document received from outside (edXML `AttachmentEncoded`: the sender's signed PDF and
 * its attachments), stored as the received directive's attachments, once per message and position (`source` names
 * the message: a retry of the intake stores nothing twice). Returns how many were stored.
 */
export async function attachReceivedFiles(
  m: EntityManager,
  directiveId: string,
  source: string,
  files: { id: string; name: string; mediaType: string; sha256: string; content: Buffer }[],
): Promise<number> {
  let stored = 0;
  for (const [i, f] of files.entries()) {
    const rows: unknown[] = await m.query(
      `INSERT INTO directive_attachment (id, directive_id, name, media_type, size, sha256, content, uploaded_by,
         idempotency_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (directive_id, uploaded_by, idempotency_key) DO NOTHING RETURNING 1`,
      [f.id, directiveId, f.name, f.mediaType, f.content.length, f.sha256, f.content, source, String(i)],
    );
    stored += rows.length;
  }
  return stored;
}
