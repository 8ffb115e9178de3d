import { DataSource, EntityManager } from 'typeorm';

type Db = DataSource | EntityManager;

/**
 * The incoming register: documents received from outside Cascade, each a `directive` row with status 'received'
 * (migration ReceivedDirectives1763935000000 says why) registered by the receiving unit, and `received_sequence`, the
 * received numbers (số đến) per unit per year. This module is the only writer of received rows and of the sequence;
 * a received row is never touched by a workflow (none is started for it) and never takes a number of
 * `issuer_sequence`.
 */

/**
 * The key a document's number and symbol are matched by: NFC, lower case, no spaces, every dash a hyphen, so that
 * "812/LĐLĐ", "812 /LĐLĐ" and "812/lđlđ" are one symbol, and "37 – KH/BTCTU" is "37-kh/btctu".
 */
export function symbolKey(symbol: string): string {
  return symbol
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g, '-')
    .replace(/[\s\u00A0\u200B-\u200D\u2060\uFEFF]+/g, '');
}

export interface NewReceived {
  id: string;
  /** The receiving unit (the row's `issuer_id`). */
  unitId: string;
  docType: string;
  /** `{ subject, body? }`. */
  content: unknown;
  workflowId: string;
  externalIssuerName: string;
  externalIssuerUnitId: string | null;
  externalNumber: number | null;
  symbol: string | null;
  /** yyyy-mm-dd */
  externalDate: string | null;
  /** Given by the clerk, or null to take the next one of the unit's year. */
  receivedNumber: number | null;
  receivedYear: number;
  receivedAt: Date;
  receivedBy: string | null;
}

/** A received number that is already the unit's that year. */
export class ReceivedNumberTakenError extends Error {
  constructor(readonly receivedNumber: number) {
    super(`received number ${receivedNumber} is taken`);
  }
}

/**
 * Registers a received document and answers its received number. The unit's sequence row of the year is locked until
 * the transaction ends, so concurrent registrations of one unit queue: a given number is checked and an allocated one
 * taken under that lock (the next after the highest allocated or given, so an allocated number never collides with a
 * given one).
 */
export async function insertReceived(m: EntityManager, r: NewReceived): Promise<number> {
  const seq: { last_number: number }[] = await m.query(
    `INSERT INTO received_sequence (unit_id, year, last_number) VALUES ($1, $2, 0)
          ON CONFLICT (unit_id, year) DO UPDATE SET last_number = received_sequence.last_number
          RETURNING last_number`,
    [r.unitId, r.receivedYear],
  );
  let number = r.receivedNumber ?? seq[0].last_number + 1;
  if (r.receivedNumber !== null) {
    const taken: unknown[] = await m.query(
      `SELECT 1 FROM directive WHERE issuer_id = $1 AND received_year = $2 AND received_number = $3`,
      [r.unitId, r.receivedYear, r.receivedNumber],
    );
    if (taken.length) throw new ReceivedNumberTakenError(r.receivedNumber);
  } else {
    // numbers given by hand above the sequence (before it existed) are skipped
    const max: { n: number | null }[] = await m.query(
      `SELECT max(received_number) AS n FROM directive WHERE issuer_id = $1 AND received_year = $2`,
      [r.unitId, r.receivedYear],
    );
    number = Math.max(number, (max[0].n ?? 0) + 1);
  }
  await m.query(
    `UPDATE received_sequence SET last_number = GREATEST(last_number, $3) WHERE unit_id = $1 AND year = $2`,
    [r.unitId, r.receivedYear, number],
  );
  await m.query(
    `INSERT INTO directive (id, issuer_id, doc_type, status, version, content, workflow_id, symbol, created_by,
                            external_issuer_name, external_issuer_unit_id, external_number, external_date, symbol_key,
                            received_year, received_number, received_at, received_by)
     VALUES ($1,$2,$3,'received',1,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$7)`,
    [
      r.id,
      r.unitId,
      r.docType,
      JSON.stringify(r.content),
      r.workflowId,
      r.symbol,
      r.receivedBy,
      r.externalIssuerName,
      r.externalIssuerUnitId,
      r.externalNumber,
      r.externalDate,
      r.symbol ? symbolKey(r.symbol) : null,
      r.receivedYear,
      number,
      r.receivedAt,
    ],
  );
  return number;
}

/** A received document, as its register and `GET /received/:id` show it. */
export interface ReceivedEntry {
  id: string;
  unitId: string;
  type: string;
  status: 'received';
  number: number | null;
  symbol: string | null;
  /** yyyy-mm-dd */
  date: string | null;
  issuerName: string;
  issuerUnitId: string | null;
  subject: string | null;
  receivedNumber: number;
  receivedYear: number;
  receivedAt: Date;
  receivedBy: string | null;
  createdAt: Date;
}

const ENTRY = `d.id::text AS id, d.issuer_id::text AS "unitId", d.doc_type AS type, d.status,
       d.external_number AS number, d.symbol, to_char(d.external_date, 'YYYY-MM-DD') AS date,
       d.external_issuer_name AS "issuerName", d.external_issuer_unit_id::text AS "issuerUnitId",
       d.content->>'subject' AS subject, d.received_number AS "receivedNumber", d.received_year AS "receivedYear",
       d.received_at AS "receivedAt", d.received_by::text AS "receivedBy", d.created_at AS "createdAt"`;

/** The received document with this id (null when there is none, or the directive was not received from outside). */
export async function receivedEntry(
  db: Db,
  id: string,
): Promise<(ReceivedEntry & { body: string | null }) | null> {
  const rows: (ReceivedEntry & { body: string | null })[] = await db.query(
    `SELECT ${ENTRY}, d.content->>'body' AS body FROM directive d WHERE d.id = $1 AND d.status = 'received'`,
    [id],
  );
  return rows[0] ?? null;
}

/** A unit's received documents, newest receipt first: of one year when given, after a cursor, at most `limit`. */
export async function receivedRegister(
  db: Db,
  q: { unitId: string; year: number | null; after: { receivedAt: string; id: string } | null; limit: number },
): Promise<ReceivedEntry[]> {
  return db.query(
    `SELECT ${ENTRY} FROM directive d
      WHERE d.issuer_id = $1 AND d.status = 'received' AND ($2::int IS NULL OR d.received_year = $2)
        AND ($3::timestamptz IS NULL OR (d.received_at, d.id) < ($3, $4::uuid))
      ORDER BY d.received_at DESC, d.id DESC
      LIMIT $5`,
    [q.unitId, q.year, q.after?.receivedAt ?? null, q.after?.id ?? null, q.limit],
  );
}

/** Whether the directive is a document the unit registered as received from outside. */
export async function isReceivedBy(db: Db, directiveId: string, unitId: string): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `SELECT 1 FROM directive WHERE id = $1 AND issuer_id = $2 AND status = 'received'`,
    [directiveId, unitId],
  );
  return rows.length > 0;
}

/**
 * The documents the unit received from outside that the cited bases ("Thực hiện Công văn số 812/LĐLĐ, ngày
 * 23/4/2020 …") name: by symbol (`symbolKey`), and by date when both the basis and the record have one (a record
 * with the cited date before one without; the latest received first). Index i of the answer is `cited[i]`'s.
 */
export async function receivedBySymbols(
  db: Db,
  unitId: string,
  cited: { code: string; date: string | null }[],
): Promise<(string | null)[]> {
  if (!cited.length) return [];
  const rows: { ord: number; id: string }[] = await db.query(
    `SELECT DISTINCT ON (c.ord) c.ord::int - 1 AS ord, d.id::text AS id
       FROM unnest($2::text[], $3::date[]) WITH ORDINALITY AS c(key, date, ord)
       JOIN directive d ON d.issuer_id = $1 AND d.status = 'received' AND d.symbol_key = c.key
                       AND (c.date IS NULL OR d.external_date IS NULL OR d.external_date = c.date)
      ORDER BY c.ord, (d.external_date = c.date) DESC NULLS LAST, d.received_at DESC, d.id`,
    [unitId, cited.map((c) => symbolKey(c.code)), cited.map((c) => c.date)],
  );
  const found: (string | null)[] = cited.map(() => null);
  for (const row of rows) found[row.ord] = row.id;
  return found;
}
