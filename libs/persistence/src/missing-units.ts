import { DataSource, EntityManager } from 'typeorm';
import { keysetPage, type KeysetPage, type PageRequest } from './keyset';

/**
 * A page of the grassroots units that are expected to report a cycle and have not, by unit id: of the whole
 * directive (`below` null: the issuer's view; the routing tree's primary key walked from the cursor, each node's
 * report probed by key) or of the routed subtree of `below` (itself included; walked along the routing tree, its
 * size, not the directive's). Exact, from the routing tree and the reports: a page costs its own rows and the
 * reported units between them.
 */
export async function missingUnitsBelow(
  m: EntityManager | DataSource,
  directiveId: string,
  below: string | null,
  cycle: number,
  page: PageRequest<string>,
): Promise<KeysetPage<{ unitId: string }, string>> {
  const expected = `NOT r.is_hub AND r.status <> 'returned' AND r.recall_status IS DISTINCT FROM 'accepted'
        -- OFFSET 0: probed by key per node, never an anti join that reads every report of the directive first
        AND NOT EXISTS (SELECT 1 FROM report p WHERE p.directive_id = $1 AND p.unit_id = r.unit_id AND p.cycle = $2 OFFSET 0)`;
  type Row = { unitId: string };
  if (below === null) {
    // The primary key walked in its order from the cursor, each node probed, to the page's end. Left to itself, the
    // planner, with a new directive's stale statistics (its nodes estimated at a handful), scanned every node of the
    // directive, probed each and sorted them (56 ms for 2,000 units in a quick S0, in proportion beyond): for this
    // statement only, no sort and no bitmap scan, so the index's order serves the ORDER BY and the LIMIT stops it.
    const ordered = async (t: EntityManager) => {
      await t.query(
        `SELECT set_config('enable_sort', 'off', true), set_config('enable_bitmapscan', 'off', true)`,
      );
      const found = await t.query<Row[]>(
        `SELECT r.unit_id::text AS "unitId" FROM routing_node r
          WHERE r.directive_id = $1 AND ($3::uuid IS NULL OR r.unit_id > $3) AND ${expected}
          ORDER BY r.unit_id LIMIT $4`,
        [directiveId, cycle, page.after, page.limit + 1],
      );
      await t.query(
        `SELECT set_config('enable_sort', 'on', true), set_config('enable_bitmapscan', 'on', true)`,
      );
      return found;
    };
    const found = m instanceof DataSource ? await m.transaction(ordered) : await ordered(m);
    return keysetPage(found, page.limit, (r) => r.unitId);
  }
  const rows = await m.query<Row[]>(
    `WITH RECURSIVE below(unit_id) AS (
       SELECT $5::uuid
       UNION ALL
       SELECT c.unit_id FROM below b CROSS JOIN LATERAL (
         SELECT x.unit_id FROM routing_node x WHERE x.directive_id = $1 AND x.parent_unit_id = b.unit_id OFFSET 0) c
     )
     SELECT r.unit_id::text AS "unitId"
       FROM below b JOIN routing_node r ON r.directive_id = $1 AND r.unit_id = b.unit_id
      WHERE ($3::uuid IS NULL OR b.unit_id > $3) AND ${expected}
      ORDER BY b.unit_id LIMIT $4`,
    [directiveId, cycle, page.after, page.limit + 1, below],
  );
  return keysetPage(rows, page.limit, (r) => r.unitId);
}
