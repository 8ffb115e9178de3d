import { DataSource, EntityManager } from 'typeorm';
import type { DocType, UnitKind } from '@cascade/domain';

type Db = DataSource | EntityManager;

/**
 * The official documents of signed directives (`signed_document`, migration 1764100000000): the PDF rendered when the
 * directive was signed, kept byte for byte. This module is the table's only writer, and writes each row once.
 */

export interface SignedDocument {
  content: Buffer;
  sha256: string;
  createdAt: Date;
}

/** Stores a directive's signed PDF; one already stored stays (a retried signing, a concurrent first request). */
export async function storeSignedDocument(
  db: Db,
  doc: { directiveId: string; content: Buffer; sha256: string },
): Promise<void> {
  await db.query(
    `INSERT INTO signed_document (directive_id, media_type, content, sha256) VALUES ($1, 'application/pdf', $2, $3)
     ON CONFLICT (directive_id) DO NOTHING`,
    [doc.directiveId, doc.content, doc.sha256],
  );
}

/** The signed PDF of a directive, or null. */
export async function signedDocument(db: Db, directiveId: string): Promise<SignedDocument | null> {
  const rows: { content: Buffer; sha256: string; created_at: Date }[] = await db.query(
    `SELECT content, sha256, created_at FROM signed_document WHERE directive_id = $1`,
    [directiveId],
  );
  return rows.length
    ? { content: rows[0].content, sha256: rows[0].sha256, createdAt: rows[0].created_at }
    : null;
}

/** A unit of an issuer's chain, root first. */
export interface ChainUnitRow {
  name: string;
  symbol: string;
  kind: UnitKind;
}

/** What the official document of a directive is built from, besides its row. */
export interface DocumentSource {
  type: DocType;
  /** The issuer and its ancestors, root first, the issuer last. */
  issuerChain: ChainUnitRow[];
  /** The names of the units its addressees list (`addressees.mode = 'units'`), in their order. */
  addresseeNames: string[];
}

/** The issuer's chain and the listed addressees' names of a directive (null when there is no such directive). */
export async function documentSource(db: Db, directiveId: string): Promise<DocumentSource | null> {
  const chain: (ChainUnitRow & { doc_type: DocType })[] = await db.query(
    `SELECT a.name, a.symbol, a.kind, d.doc_type
       FROM directive d JOIN unit u ON u.id = d.issuer_id JOIN unit a ON a.path @> u.path
      WHERE d.id = $1 ORDER BY nlevel(a.path)`,
    [directiveId],
  );
  if (!chain.length) return null;
  const names: { name: string }[] = await db.query(
    `SELECT u.name FROM directive d
       CROSS JOIN LATERAL jsonb_array_elements_text(
         CASE WHEN d.content->'addressees'->>'mode' = 'units'
               AND jsonb_typeof(d.content->'addressees'->'unitIds') = 'array'
              THEN d.content->'addressees'->'unitIds' ELSE '[]'::jsonb END) WITH ORDINALITY AS a(id, n)
       JOIN unit u ON u.id::text = a.id
      WHERE d.id = $1 ORDER BY a.n`,
    [directiveId],
  );
  return {
    type: chain[0].doc_type,
    issuerChain: chain.map(({ name, symbol, kind }) => ({ name, symbol, kind })),
    addresseeNames: names.map((r) => r.name),
  };
}

/**
 * Whether the directive was routed to a unit the caller views: one in a subtree it views (their roots' ltree paths)
 * or one of the units it views alone. Read through the index on `routing_node (directive_id, …)`.
 */
export async function routedWithinView(
  db: Db,
  directiveId: string,
  view: { subtreePaths: string[]; unitIds: string[] },
): Promise<boolean> {
  if (!view.subtreePaths.length && !view.unitIds.length) return false;
  const rows: unknown[] = await db.query(
    `SELECT 1 FROM routing_node r JOIN unit u ON u.id = r.unit_id
      WHERE r.directive_id = $1 AND (u.path <@ ANY($2::ltree[]) OR u.id = ANY($3::uuid[])) LIMIT 1`,
    [directiveId, view.subtreePaths, view.unitIds],
  );
  return rows.length > 0;
}
