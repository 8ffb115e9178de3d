import { DataSource, EntityManager } from 'typeorm';

type Db = DataSource | EntityManager;

/**
 * The messages connectors post to `POST /edxml/messages` (`edxml_message`, migration EdxmlIntake1764410000000): one
 * per caller and message id, with the hash of what the message said and the answer it got. This file is their one
 * writer; it also finds the units and directives a message names by their edXML identifiers.
 */

export interface StoredEdxmlMessage {
  kind: 'document' | 'status';
  requestHash: string;
  answer: unknown;
}

export async function edxmlMessage(
  db: Db,
  principal: string,
  messageId: string,
): Promise<StoredEdxmlMessage | null> {
  const rows: StoredEdxmlMessage[] = await db.query(
    `SELECT kind, request_hash AS "requestHash", answer FROM edxml_message WHERE principal = $1 AND message_id = $2`,
    [principal, messageId],
  );
  return rows[0] ?? null;
}

/**
 * Records a message's answer; false when the caller's id was recorded first by another request (read it again). In a
 * transaction, a concurrent insert of the same id waits for that one to end.
 */
export async function recordEdxmlMessage(
  db: Db,
  m: {
    principal: string;
    messageId: string;
    kind: 'document' | 'status';
    requestHash: string;
    answer: unknown;
  },
): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `INSERT INTO edxml_message (principal, message_id, kind, request_hash, answer) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (principal, message_id) DO NOTHING RETURNING message_id`,
    [m.principal, m.messageId, m.kind, m.requestHash, JSON.stringify(m.answer)],
  );
  return rows.length > 0;
}

/** A unit as an edXML OrganId names it, with its path (ltree text) for the caller's scope. */
export interface OrganUnit {
  id: string;
  code: string;
  edxmlCode: string | null;
  name: string;
  path: string;
}

/**
 * The units named by these organ ids: by electronic identification code, else (a unit without one is exported under
 * its internal code) by code. Index i of the answer is `organIds[i]`'s.
 */
export async function unitsByOrganIds(db: Db, organIds: string[]): Promise<(OrganUnit | null)[]> {
  if (!organIds.length) return [];
  const rows: (OrganUnit & { ord: number })[] = await db.query(
    `SELECT o.ord::int - 1 AS ord, u.id::text AS id, u.code, u.edxml_code AS "edxmlCode", u.name, u.path::text AS path
       FROM unnest($1::text[]) WITH ORDINALITY AS o(organ, ord)
       CROSS JOIN LATERAL (
         SELECT * FROM unit u WHERE u.edxml_code = upper(o.organ) OR (u.edxml_code IS NULL AND u.code = o.organ)
          ORDER BY (u.edxml_code IS NOT NULL) DESC LIMIT 1
       ) u`,
    [organIds],
  );
  const found: (OrganUnit | null)[] = organIds.map(() => null);
  for (const { ord, ...unit } of rows) found[ord] = unit;
  return found;
}

/** The signed directive of the issuer with this number and symbol (the one a status message answers), or null. */
export async function issuedDirectiveBySymbol(
  db: Db,
  issuerId: string,
  symbol: string,
): Promise<{ id: string; status: string } | null> {
  const rows: { id: string; status: string }[] = await db.query(
    `SELECT id::text AS id, status FROM directive
      WHERE issuer_id = $1 AND lower(symbol) = lower($2) AND status <> 'received' AND signed_at IS NOT NULL
      ORDER BY signed_at DESC LIMIT 1`,
    [issuerId, symbol],
  );
  return rows[0] ?? null;
}
