/**
 * The dispatch's walks of a directive's routing tree stay a lookup per parent whatever the planner's statistics.
 * The case the bench met (S0, 2026-12-04): once autovacuum has analysed the routing nodes of earlier national
 * directives, a new directive is absent from the statistics and estimated at one row; a lateral lookup by
 * `(directive_id, parent_unit_id)` that the planner flattens into a join was then planned as an index range on
 * `directive_id` alone with the parent as a join filter, reading the new directive's whole tree once per parent:
 * the second and third 10^5-unit dispatches took 97–101 s against 6.3 s for the first, every sample of
 * `pg_stat_activity` in `markSubtreesDelivered`.
 *
 * It runs on a database of its own, whose statistics it sets: an earlier directive analysed, the new one not.
 */
import { randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import {
  acknowledgeNodes,
  cappedSubtreeSizes,
  dropDatabase,
  ensureDatabase,
  fileReports,
  markSubtreesDelivered,
  runMigrations,
} from '@cascade/persistence';
import { explainLast, rawDb } from './support/plans';

jest.setTimeout(120_000);

let databaseUrl: string;
let pg: PgClient;
const EARLIER = '00000000-0000-4000-8000-00000000000a';
const NEW = '00000000-0000-4000-8000-00000000000b';
const HUBS = 50;
const LEAVES = 20; // per hub
let root: string;
/** The first district: the subtree walked, a small part of the directive (a subtree delivered with its parent's batch). */
let district: string;

beforeAll(async () => {
  databaseUrl = `${process.env.DATABASE_URL}_plans`;
  await dropDatabase(databaseUrl);
  await ensureDatabase(databaseUrl);
  await runMigrations(databaseUrl);
  pg = new PgClient({ connectionString: databaseUrl });
  await pg.connect();
  // A province with HUBS districts of LEAVES grassroots units each, ids derived from their codes.
  await pg.query(
    `INSERT INTO unit (id, code, symbol, name, name_folded, kind, parent_id, path)
     SELECT md5(code)::uuid, code, code, code, lower(code), kind, CASE WHEN parent IS NULL THEN NULL ELSE md5(parent)::uuid END,
            path::ltree
       FROM (SELECT 'P' AS code, 'federation' AS kind, NULL AS parent, 'p' AS path
             UNION ALL SELECT 'D' || d, 'federation', 'P', 'p.d' || d FROM generate_series(1, $1) d
             UNION ALL SELECT 'D' || d || 'G' || g, 'grassroots_union', 'D' || d, 'p.d' || d || '.g' || g
                         FROM generate_series(1, $1) d, generate_series(1, $2) g) t`,
    [HUBS, LEAVES],
  );
  const idOf = async (code: string) =>
    (await pg.query<{ id: string }>(`SELECT id::text FROM unit WHERE code = $1`, [code])).rows[0].id;
  root = await idOf('P');
  district = await idOf('D1');
  const routeAll = async (directiveId: string) => {
    await pg.query(
      `INSERT INTO directive (id, issuer_id, doc_type, status, content, workflow_id)
       VALUES ($1::uuid, $2, 'KH', 'dispatched', '{}', 'directive-' || $1::text)`,
      [directiveId, root],
    );
    await pg.query(
      `INSERT INTO routing_node (directive_id, unit_id, parent_unit_id, depth, tier, is_hub)
       SELECT $1, id, parent_id, nlevel(path) - 1, CASE WHEN kind = 'federation' THEN 1 ELSE 0 END, kind = 'federation'
         FROM unit WHERE parent_id IS NOT NULL`,
      [directiveId],
    );
  };
  // The statistics as autovacuum leaves them after an earlier directive: every row of the table is that one's.
  await routeAll(EARLIER);
  await pg.query('ANALYZE routing_node');
  await routeAll(NEW);
});

afterAll(async () => {
  await pg?.end();
  if (databaseUrl) await dropDatabase(databaseUrl);
});

describe('the walks of a routing tree, a directive the statistics do not know', () => {
  const nodes = HUBS + HUBS * LEAVES;
  // A lookup per parent reads the subtree's nodes once each (LEAVES here); the whole directive read instead — hashed
  // once per level, or a range of it per parent — is `nodes` rows or more.
  const bound = 5 * LEAVES;

  it('estimates the new directive at about a row (the case to hold against)', async () => {
    const plan = await pg.query(
      `EXPLAIN (FORMAT JSON) SELECT 1 FROM routing_node WHERE directive_id = $1 AND status = 'pending'`,
      [NEW],
    );
    const rows = (plan.rows[0]['QUERY PLAN'] as { Plan: { 'Plan Rows': number } }[])[0].Plan['Plan Rows'];
    expect(rows).toBeLessThan(nodes / 10);
  });

  it('delivers a whole subtree reading each node about once', async () => {
    let delivered = 0;
    await explainLast(
      pg,
      async (db) => (delivered = await markSubtreesDelivered(db, NEW, [], [district])),
      ['routing_node'],
      bound,
    );
    expect(delivered).toBe(LEAVES + 1); // the subtree's root too
    const pending = await pg.query(
      `SELECT count(*)::int AS n FROM routing_node WHERE directive_id = $1 AND status = 'pending'`,
      [NEW],
    );
    expect(pending.rows[0].n).toBe(nodes - LEAVES - 1);
  });

  it('sizes the subtrees reading no more than the cap leaves', async () => {
    let sizes = new Map<string, number>();
    await explainLast(
      pg,
      async (db) => (sizes = await cappedSubtreeSizes(db, NEW, [district], 1_000)),
      ['routing_node'],
      bound,
    );
    expect(sizes.get(district)).toBe(LEAVES);
  });

  it('acknowledges a batch reading only its own units’ nodes', async () => {
    await pg.query(
      `UPDATE routing_node SET status = 'delivered' WHERE directive_id = $1 AND status = 'pending'`,
      [NEW],
    );
    const leaves = await pg.query<{ id: string }>(
      `SELECT unit_id::text AS id FROM routing_node WHERE directive_id = $1 AND parent_unit_id = $2 ORDER BY unit_id`,
      [NEW, district],
    );
    let answered: Awaited<ReturnType<typeof acknowledgeNodes>> | undefined;
    await explainLast(
      pg,
      async (db) =>
        (answered = await acknowledgeNodes(
          db,
          NEW,
          null,
          leaves.rows.map((l, i) => ({
            unitId: l.id,
            status: 'accepted' as const,
            reason: null,
            role: 'clerk',
            key: `plans/${i}`,
          })),
        )),
      ['routing_node'],
      bound,
    );
    expect(answered!.items.map((i) => i.outcome)).toEqual(leaves.rows.map(() => 'answered'));
  });

  it('files a batch of reports reading only its own units’ routing nodes (inside the function too)', async () => {
    // cascade_file_reports is plpgsql, whose statements EXPLAIN does not show: the routing nodes the call read are
    // counted instead, by the session's statistics (pg_stat_xact_user_tables: rows fetched by index scans and read by
    // sequential ones; the nodes were just written, so an index-only scan fetches them from the heap too)
    const due = new Date(Date.now() + 86_400_000).toISOString();
    await pg.query(
      `INSERT INTO reporting_cycle (directive_id, cycle, label, opens_at, deadlines, provisional, calendar)
       VALUES ($1, 0, 'plans', now() - interval '1 day', $2, false, '{}')`,
      [NEW, JSON.stringify([0, 1, 2].map((tier) => ({ tier, at: due })))],
    );
    const leaves = await pg.query<{ id: string }>(
      `SELECT r.unit_id::text AS id FROM routing_node r JOIN unit u ON u.id = r.parent_unit_id
        WHERE r.directive_id = $1 AND u.code = 'D3' ORDER BY r.unit_id`,
      [NEW],
    );
    expect(leaves.rows).toHaveLength(LEAVES);
    // what this session read of routing_node so far (PostgreSQL 15 counts a session's reads not yet flushed to the
    // statistics here, earlier transactions' too; nothing flushes inside a transaction block): the call's reads are
    // the difference
    const readSoFar = async () =>
      Number(
        (
          await pg.query<{ n: string }>(
            `SELECT coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0) AS n
               FROM pg_stat_xact_user_tables WHERE relname = 'routing_node'`,
          )
        ).rows[0]?.n ?? 0,
      );
    await pg.query('BEGIN');
    try {
      const before = await readSoFar();
      const filed = await fileReports(rawDb(pg), {
        directiveId: NEW,
        issuerId: root,
        userId: null,
        items: leaves.rows.map((l, i) => ({
          reportId: randomUUID(),
          unitId: l.id,
          cycle: 0,
          values: { n: i },
          requestKey: `plans/report/${i}`,
        })),
      });
      expect(filed.map((f) => f.outcome)).toEqual(leaves.rows.map(() => 'filed'));
      expect((await readSoFar()) - before).toBeLessThan(10 * LEAVES);
    } finally {
      await pg.query('ROLLBACK');
    }
  });
});
