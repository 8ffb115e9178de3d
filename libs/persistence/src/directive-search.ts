import type { DataSource, EntityManager } from 'typeorm';
import { foldVietnamese, pathFromIds } from '@cascade/domain';
import { EXACT_TIME, keysetPage, type KeysetPage, type PageRequest } from './keyset';
import type { UnitViewScope } from './units';

type Db = DataSource | EntityManager;

/** A directive found by the search box, with whether the caller sees it as the issuer's side or as a receiver. */
export type DirectiveHit = {
  id: string;
  symbol: string | null;
  type: string;
  status: string;
  subject: string | null;
  issuerName: string;
  sortAt: Date;
  /** The issuer is in the caller's view (its page is the directive's); else it was routed to one of the caller's units. */
  asIssuer: boolean;
};

/** Keyset: the signed (else drafted) instant and the id, newest first. */
export type DirectiveHitKey = [string, string];

/**
 * A LIKE pattern per word, folded like the search columns (accents and case ignored). Control characters part words
 * like spaces: none is in a stored text, and PostgreSQL refuses a NUL in a parameter.
 */
export const searchWords = (q: string): string[] =>
  foldVietnamese(q)
    .split(/[\s\p{Cc}]+/u)
    .filter(Boolean)
    .map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);

/**
 * Directives whose number, subject and issuer's name hold every word (accents and case ignored, the registers'
 * folded columns), among those the caller may see: issued by a unit in its view, or routed to one of its units.
 * Newest first, a keyset page.
 *
 * The candidates come from the trigram indexes, never from reading every directive: those whose number and subject
 * hold every word (`directive_search_trgm`, one LIKE per word, as a GIN index takes them), and those of an issuer
 * whose name holds one of the words (`unit_name_trgm`), which covers a search that mixes the issuer's name with
 * words of the subject. Both are arrays (`= ANY(ARRAY(…))`), so that the directives are read by key, whatever the
 * planner expects of the trigram matches: a join there was planned as a hash over the whole table. Every candidate is
 * then checked against all the words and the caller's view.
 */
export async function searchDirectives(
  db: Db,
  query: { words: string[]; scope: UnitViewScope; mine: string[] },
  page: PageRequest<DirectiveHitKey>,
): Promise<KeysetPage<DirectiveHit, DirectiveHitKey>> {
  const first = 9; // the placeholders before the words
  const each = (column: string, join: string) =>
    query.words.map((_, i) => `${column} LIKE $${first + i}`).join(join);
  const rows: (DirectiveHit & { k_at: string })[] = await db.query(
    `SELECT d.id::text AS id, d.symbol, d.doc_type AS type, d.status, d.content->>'subject' AS subject,
            iu.name AS "issuerName", COALESCE(d.signed_at, d.created_at) AS "sortAt",
            ($1 OR iu.path <@ $2::ltree[] OR iu.id = ANY($3::uuid[])) AS "asIssuer",
            ${EXACT_TIME('COALESCE(d.signed_at, d.created_at)')} AS k_at
       FROM directive d JOIN unit iu ON iu.id = d.issuer_id
      WHERE d.id = ANY(ARRAY(
              SELECT c.id FROM directive c WHERE ${each('c.search', ' AND ')}
              UNION
              SELECT c.id FROM directive c
               WHERE c.issuer_id = ANY(ARRAY(SELECT u.id FROM unit u WHERE ${each('u.name_folded', ' OR ')}))))
        AND (d.search || ' ' || iu.name_folded) LIKE ALL($5::text[])
        AND ($1 OR iu.path <@ $2::ltree[] OR iu.id = ANY($3::uuid[])
             OR EXISTS (SELECT 1 FROM routing_node r WHERE r.directive_id = d.id AND r.unit_id = ANY($4::uuid[])))
        AND ($6::timestamptz IS NULL OR (COALESCE(d.signed_at, d.created_at), d.id) < ($6, $7::uuid))
      ORDER BY COALESCE(d.signed_at, d.created_at) DESC, d.id DESC
      LIMIT $8`,
    [
      query.scope.all,
      query.scope.subtrees.map(pathFromIds),
      query.scope.units,
      query.mine,
      query.words,
      page.after?.[0] ?? null,
      page.after?.[1] ?? null,
      page.limit + 1,
      ...query.words,
    ],
  );
  return keysetPage(rows, page.limit, (r) => [r.k_at, r.id] as DirectiveHitKey);
}
