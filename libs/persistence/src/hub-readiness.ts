import { DataSource, EntityManager } from 'typeorm';
import { unansweredChildrenSql } from './reporting';

/**
 * Of the hubs a batch of reports went to, those whose aggregation of a cycle is still open and whose every expected
 * child has answered — the check `closeIfComplete` makes of one hub, for all of them in one query (a batch reports to
 * a few hubs, most of them not complete yet: one round trip instead of one per hub). Each hub's children are probed
 * as `closeIfComplete` probes them (an index lookup per child, whatever the directive's size); the caller still closes
 * each ready hub in a transaction of its own, which checks again under the hub's lock.
 */
export async function hubsReadyToClose(
  db: DataSource | EntityManager,
  directiveId: string,
  hubUnitIds: string[],
  cycle: number,
): Promise<Set<string>> {
  if (!hubUnitIds.length) return new Set();
  const rows: { hub: string }[] = await db.query(
    `SELECT h.hub::text AS hub FROM unnest($2::uuid[]) AS h(hub)
      WHERE NOT EXISTS (SELECT 1 FROM aggregate_report a WHERE a.directive_id = $1 AND a.unit_id = h.hub AND a.cycle = $3)
        AND (${unansweredChildrenSql('h.hub')} LIMIT 1) IS NULL`,
    [directiveId, hubUnitIds, cycle],
  );
  return new Set(rows.map((r) => r.hub));
}
