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
  issuer_name: string;
  parent_name: string | null;
}

export async function exchangeDirective(db: Db, id: string): Promise<ExchangeDirective | null> {
  const rows: ExchangeDirective[] = await db.query(
    `SELECT d.id::text AS id, d.status, d.doc_type, d.symbol, d.number, d.signed_at, d.dispatched_at, d.content,
            d.signer_authority, d.signer_position, d.signer_name,
            u.code AS issuer_code, u.name AS issuer_name, p.name AS parent_name
       FROM directive d JOIN unit u ON u.id = d.issuer_id LEFT JOIN unit p ON p.id = u.parent_id
      WHERE d.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

/** The units the issuer sent the directive to directly, by code. */
export async function directAddressees(db: Db, id: string): Promise<{ code: string; name: string }[]> {
  return db.query(
    `SELECT u.code, u.name FROM routing_node r JOIN unit u ON u.id = r.unit_id JOIN directive d ON d.id = r.directive_id
      WHERE r.directive_id = $1 AND r.parent_unit_id = d.issuer_id ORDER BY u.code`,
    [id],
  );
}

/** A recipient's status change, as an edXML status message carries it. */
export interface StatusChange {
  code: string;
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
    `SELECT u.code, u.name, x.code AS status_code, x.at, x.staff
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

/** A directive registered under a number (symbol) that was routed to the unit: the latest signed. */
export async function routedDirectiveBySymbol(
  db: Db,
  symbol: string,
  unitId: string,
): Promise<string | null> {
  const rows: { id: string }[] = await db.query(
    `SELECT d.id::text AS id FROM directive d
       JOIN routing_node r ON r.directive_id = d.id AND r.unit_id = $2
      WHERE lower(d.symbol) = lower($1) ORDER BY d.signed_at DESC NULLS LAST LIMIT 1`,
    [symbol, unitId],
  );
  return rows[0]?.id ?? null;
}

/** A unit as the import resolves names against it. */
export interface NamedUnit {
  id: string;
  code: string;
  name: string;
  name_folded: string;
  score?: number;
}

/** The issuer, its ancestors and its direct subordinates (active), with how each relates to the issuer. */
export async function unitsNear(
  db: Db,
  issuerId: string,
): Promise<(NamedUnit & { relation: 'self' | 'parent' | 'child' })[]> {
  return db.query(
    `SELECT u.id::text AS id, u.code, u.name, u.name_folded,
            CASE WHEN u.id = i.id THEN 'self' WHEN u.path @> i.path THEN 'parent' ELSE 'child' END AS relation
       FROM unit i JOIN unit u ON (u.path @> i.path OR u.parent_id = i.id) AND u.active
      WHERE i.id = $1`,
    [issuerId],
  );
}

/** Active units whose code or folded name is the text's, or whose folded name is like it: the six closest. */
export async function unitsNamedLike(db: Db, folded: string, text: string): Promise<NamedUnit[]> {
  return db.query(
    `SELECT id::text AS id, code, name, name_folded, similarity(name_folded, $1) AS score
       FROM unit
      WHERE active AND (lower(code) = lower($2) OR name_folded = $1 OR name_folded % $1)
      ORDER BY (lower(code) = lower($2) OR name_folded = $1) DESC, similarity(name_folded, $1) DESC, code
      LIMIT 6`,
    [folded, text],
  );
}
