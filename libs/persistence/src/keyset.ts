/**
 * Keyset pages: a list read in the order of an index, after the key of the previous page's last row, one row more
 * than asked for to tell whether another page follows. Never an OFFSET: a page costs its own rows, wherever it is.
 */
export interface KeysetPage<T, K> {
  items: T[];
  /** The key of the last row when more follow (the API encodes it as the opaque `nextCursor`), else null. */
  next: K | null;
}

/** Where a page starts and how long it is. */
export interface PageRequest<K> {
  after: K | null;
  limit: number;
}

/**
 * The page of `rows` (read with `LIMIT limit + 1`): the first `limit`, without the key columns (`k_*`) the query
 * selected only for the cursor, and the last one's key when a row was left over.
 */
export function keysetPage<R extends Record<string, unknown>, K>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => K,
): KeysetPage<R, K> {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const next = more ? keyOf(page[page.length - 1]) : null;
  const items = page.map((r) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) if (!k.startsWith('k_')) out[k] = v;
    return out as R;
  });
  return { items, next };
}

/** A timestamp as text with its microseconds, in UTC: a key that round-trips exactly through `::timestamptz`. */
export const EXACT_TIME = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
