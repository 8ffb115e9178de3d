import { DataSource, EntityManager } from 'typeorm';

type Db = DataSource | EntityManager;

/**
 * The reads of the document exchange: a directive as an edXML message and its recipients' status changes, and the
 * registry lookups of the document import. Nothing here writes.
 */

/** A directive with its issuer and the issuer's parent, as an edXML message needs it. */
export interface ExchangeDirective {
  id: string;
  status: string;
  doc_type: string;
  symbol: string | null;
  number: number | null;
  signed_at: Date | null;
  dispatched_at: Date | null;
  content: {
    subject?: string;
    place?: string;
    body?: string;
    tasks?: string[];
    reporting?: { schedule?: unknown; policy?: string; stagger?: number[] };
  };
  signer_authority: string | null;
  signer_position: string | null;
  signer_name: string | null;
  issuer_code: string;
  /** The issuer's electronic identification code (mã định danh), null when it has none. */
  issuer_edxml_code: string | null;
  issuer_name: string;
  parent_name: string | null;
}

export async function exchangeDirective(db: Db, id: string): Promise<ExchangeDirective | null> {
  const rows: ExchangeDirective[] = await db.query(
    `SELECT d.id::text AS id, d.status, d.doc_type, d.symbol, d.number, d.signed_at, d.dispatched_at, d.content,
            d.signer_authority, d.signer_position, d.signer_name,
            u.code AS issuer_code, u.edxml_code AS issuer_edxml_code, u.name AS issuer_name,
            p.name AS parent_name
       FROM directive d JOIN unit u ON u.id = d.issuer_id LEFT JOIN unit p ON p.id = u.parent_id
      WHERE d.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

/** The units the issuer sent the directive to directly, by code (with their electronic identification codes). */
export async function directAddressees(
  db: Db,
  id: string,
): Promise<{ code: string; edxml_code: string | null; name: string }[]> {
  return db.query(
    `SELECT u.code, u.edxml_code, u.name FROM routing_node r JOIN unit u ON u.id = r.unit_id JOIN directive d ON d.id = r.directive_id
      WHERE r.directive_id = $1 AND r.parent_unit_id = d.issuer_id ORDER BY u.code`,
    [id],
  );
}

/** A recipient's status change, as an edXML status message carries it. */
export interface StatusChange {
  code: string;
  edxml_code: string | null;
  name: string;
  status_code: string;
  at: Date;
  staff: string | null;
}

/**
 * Each recipient's status changes, oldest first: 01 delivered, 02 returned, 03 accepted, 04 forwarded, 05 first report,
 * 06 completed at close, 13 recall requested, 15/16 recall accepted or refused.
 */
export async function statusChanges(
  db: Db,
  id: string,
  unitId: string | null,
  limit: number,
): Promise<StatusChange[]> {
  return db.query(
    `SELECT u.code, u.edxml_code, u.name, x.code AS status_code, x.at, x.staff
         FROM routing_node r JOIN unit u ON u.id = r.unit_id
         CROSS JOIN LATERAL (VALUES
           ('01', r.delivered_at, NULL),
           (CASE r.status WHEN 'returned' THEN '02' WHEN 'accepted' THEN '03' END, r.acknowledged_at,
              (SELECT a.name FROM app_user a WHERE a.id = r.acknowledged_by)),
           ('04', r.forwarded_at, NULL),
           ('05', (SELECT min(p.submitted_at) FROM report p WHERE p.directive_id = r.directive_id AND p.unit_id = r.unit_id), NULL),
           ('06', CASE WHEN r.final_status = 'completed' THEN r.closed_at END, NULL),
           ('13', CASE WHEN r.recall_status IS NOT NULL THEN r.closed_at END, NULL),
           (CASE r.recall_status WHEN 'accepted' THEN '15' WHEN 'refused' THEN '16' END,
              (SELECT max(e.at) FROM directive_event e WHERE e.directive_id = r.directive_id
                  AND e.action IN ('recall.accepted', 'recall.refused') AND e.data->>'unitId' = r.unit_id::text), NULL)
         ) AS x(code, at, staff)
        WHERE r.directive_id = $1 AND ($2::uuid IS NULL OR r.unit_id = $2) AND x.code IS NOT NULL AND x.at IS NOT NULL
        ORDER BY x.at, u.code, x.code
        LIMIT $3`,
    [id, unitId, limit],
  );
}

/** Directives registered under each of the numbers (symbols) that were routed to the unit: the latest signed of each. */
export async function routedDirectivesBySymbols(
  db: Db,
  symbols: string[],
  unitId: string,
): Promise<Map<string, string>> {
  if (!symbols.length) return new Map();
  const rows: { symbol: string; id: string }[] = await db.query(
    `SELECT DISTINCT ON (s.symbol) s.symbol, d.id::text AS id
       FROM unnest($1::text[]) AS s(symbol)
       JOIN directive d ON lower(d.symbol) = lower(s.symbol)
       JOIN routing_node r ON r.directive_id = d.id AND r.unit_id = $2
      ORDER BY s.symbol, d.signed_at DESC NULLS LAST`,
    [symbols, unitId],
  );
  return new Map(rows.map((row) => [row.symbol, row.id]));
}

/** A unit as the import resolves names against it. */
export interface NamedUnit {
  id: string;
  code: string;
  name: string;
  name_folded: string;
  /** The unit's kind (a department is an addressee only when named exactly). */
  kind: string;
  score?: number;
}

/** The issuer, its ancestors and its direct subordinates (active), with how each relates to the issuer. */
export async function unitsNear(
  db: Db,
  issuerId: string,
): Promise<(NamedUnit & { kind: string; relation: 'self' | 'parent' | 'child' })[]> {
  return db.query(
    `SELECT u.id::text AS id, u.code, u.name, u.name_folded, u.kind,
            CASE WHEN u.id = i.id THEN 'self' WHEN u.path @> i.path THEN 'parent' ELSE 'child' END AS relation
       FROM unit i JOIN unit u ON (u.path @> i.path OR u.parent_id = i.id) AND u.active
      WHERE i.id = $1`,
    [issuerId],
  );
}

/** A name of a document, as the import looks it up: its folded key and the text as written (for codes). */
export interface NameQuery {
  folded: string;
  text: string;
}

/**
 * For each name, the active units within the issuer's own hierarchy (the issuer, its ancestors and everything below
 * it) whose code or folded name is the name's, or whose folded name is like it: the six closest, exact ones first.
 * A unit of another tree or of a sibling is never a candidate. One statement for all the names (index i of the answer
 * is names[i]'s), so a text naming thousands of units costs one round trip, not one per name.
 */
export async function unitsNamedLikeWithin(
  db: Db,
  issuerId: string,
  names: NameQuery[],
): Promise<NamedUnit[][]> {
  const found: NamedUnit[][] = names.map(() => []);
  if (!names.length) return found;
  const rows: (NamedUnit & { ord: number })[] = await db.query(
    `SELECT n.ord::int - 1 AS ord, c.id, c.code, c.name, c.name_folded, c.kind, c.score
       FROM unit i
       CROSS JOIN unnest($2::text[], $3::text[]) WITH ORDINALITY AS n(folded, text, ord)
       CROSS JOIN LATERAL (
         SELECT u.id::text AS id, u.code, u.name, u.name_folded, u.kind, similarity(u.name_folded, n.folded) AS score,
                (lower(u.code) = lower(n.text) OR u.name_folded = n.folded) AS exact
           FROM unit u
          WHERE u.active AND (u.path <@ i.path OR u.path @> i.path)
            AND (lower(u.code) = lower(n.text) OR u.name_folded = n.folded OR u.name_folded % n.folded)
          ORDER BY exact DESC, score DESC, u.code
          LIMIT 6
       ) c
      WHERE i.id = $1
      ORDER BY n.ord, c.exact DESC, c.score DESC, c.code`,
    [issuerId, names.map((n) => n.folded), names.map((n) => n.text)],
  );
  for (const { ord, ...unit } of rows) found[ord].push(unit);
  return found;
}
