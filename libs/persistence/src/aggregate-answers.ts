import type { DataSource, EntityManager } from 'typeorm';
import type { Coverage } from '@cascade/domain';

type Db = DataSource | EntityManager;

/**
 * The collected answers (`collect` fields: every unit's text, choice, ...) of a stored aggregate, read by page: a
 * root's aggregate at 10^5 units carries every unit's answer, megabytes that a dashboard never shows whole. Pages are
 * positions in one revision's list (revisions are kept), so paging a revision is a snapshot, whatever is filed since;
 * PostgreSQL slices the list (a jsonpath range), so only the page leaves the database.
 */

/** One page of a stored revision's answers to a field: how many there are, and the items from `from`. */
export interface StoredAnswers {
  revision: number;
  count: number;
  items: { unitId: string; value: unknown }[];
}

/** The answers of `field` in a hub's aggregate (its latest revision, or `revision`), `limit` of them from `from`. */
export async function storedAnswers(
  db: Db,
  at: { directiveId: string; unitId: string; cycle: number; revision: number | null },
  field: string,
  from: number,
  limit: number,
): Promise<StoredAnswers | null> {
  const rows: StoredAnswers[] = await db.query(
    `SELECT a.revision, COALESCE(jsonb_array_length(a.values->$5), 0) AS count,
            COALESCE(jsonb_path_query_array(a.values->$5, '$[$from to $to]',
                                            jsonb_build_object('from', $6::int, 'to', $6::int + $7::int - 1)), '[]') AS items
       FROM aggregate_report a
      WHERE a.directive_id = $1 AND a.unit_id = $2 AND a.cycle = $3 AND ($4::int IS NULL OR a.revision = $4)
      ORDER BY a.revision DESC LIMIT 1`,
    [at.directiveId, at.unitId, at.cycle, at.revision, field, from, limit],
  );
  return rows[0] ?? null;
}

/** A hub's latest aggregate of a cycle, its `collect` fields each cut to a count and the first `limit` answers. */
export interface TrimmedAggregate {
  revision: number;
  reason: string;
  values: Record<string, unknown>;
  coverage: Coverage;
  created_at: Date;
}

/**
 * As `latestAggregate`, but the fields named in `collected` come as `{ count, items }` (the first `limit` answers),
 * cut in PostgreSQL: the lists never leave the database whole.
 */
export async function latestAggregateTrimmed(
  db: Db,
  directiveId: string,
  unitId: string,
  cycle: number,
  collected: string[],
  limit: number,
): Promise<TrimmedAggregate | null> {
  const rows: TrimmedAggregate[] = await db.query(
    `SELECT a.revision, a.reason, a.coverage, a.created_at,
            (a.values - $4::text[]) || COALESCE((
              SELECT jsonb_object_agg(k, jsonb_build_object(
                       'count', COALESCE(jsonb_array_length(a.values->k), 0),
                       'items', COALESCE(jsonb_path_query_array(a.values->k, '$[0 to $last]',
                                                                jsonb_build_object('last', $5::int - 1)), '[]')))
                FROM unnest($4::text[]) k WHERE a.values ? k), '{}') AS values
       FROM aggregate_report a WHERE a.directive_id = $1 AND a.unit_id = $2 AND a.cycle = $3
      ORDER BY a.revision DESC LIMIT 1`,
    [directiveId, unitId, cycle, collected, limit],
  );
  return rows[0] ?? null;
}
