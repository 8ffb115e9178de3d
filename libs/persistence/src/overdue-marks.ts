import { DataSource, EntityManager } from 'typeorm';
import { escalateUnreported, lockHub } from './reporting';
import { hubLockKey } from './sql/locks';

/** Hubs marked in one transaction: few enough that their locks fit PostgreSQL's lock table beside the others'. */
export const OVERDUE_HUBS_PER_TRANSACTION = 128;

const HUB_LOCK_AT = hubLockKey('$1::text', '($2::uuid[])[t.n + 1]::text', '$3');

/**
 * Takes the locks of hubs alone, in their order, without waiting, and stops at the first one held by someone else
 * (a report filing under it, a close): returns how many of the first hubs are now locked. A recursive query, so the
 * locks are tried one by one and none after the first refused is taken. It never waits, so it cannot deadlock
 * whatever locks it holds already.
 */
async function tryLockHubs(m: EntityManager, directiveId: string, hubs: string[], cycle: number) {
  const rows: { locked: number }[] = await m.query(
    `WITH RECURSIVE t(n, ok) AS (
       SELECT 0, true
       UNION ALL
       SELECT t.n + 1, pg_try_advisory_xact_lock(${HUB_LOCK_AT}) FROM t WHERE t.ok AND t.n < cardinality($2::uuid[])
     )
     SELECT (count(*) FILTER (WHERE ok) - 1)::int AS locked FROM t`,
    [directiveId, hubs, cycle],
  );
  return rows[0].locked;
}

/**
 * The overdue marks of a cycle, set-based: the hubs in their order, as many at a time as can be locked at once (up to
 * `OVERDUE_HUBS_PER_TRANSACTION`), each such run of hubs marked by one statement in one transaction; a hub whose lock
 * is held by someone else is waited for alone, in a transaction of its own, before the hubs after it. Every unit is
 * thus marked under its hub's lock held alone, read after the lock was granted (another statement), as the hub by
 * hub marks were: a report that committed on time is seen, a report waiting for the lock decides after it that it is
 * late. The caller waits for the database's clock to pass the deadline first. Returns how many units were marked.
 */
export async function markOverdueHubs(
  dataSource: DataSource,
  directiveId: string,
  cycle: number,
  hubs: string[],
): Promise<number> {
  let units = 0;
  let at = 0;
  while (at < hubs.length) {
    const run = hubs.slice(at, at + OVERDUE_HUBS_PER_TRANSACTION);
    const marked = await dataSource.transaction(async (m) => {
      const locked = await tryLockHubs(m, directiveId, run, cycle);
      return {
        locked,
        units: locked ? await escalateUnreported(m, directiveId, cycle, 'overdue', run.slice(0, locked)) : 0,
      };
    });
    units += marked.units;
    at += marked.locked;
    if (marked.locked < run.length) {
      // the first hub that was busy: its lock waited for, alone (the hub by hub way)
      const hub = hubs[at];
      units += await dataSource.transaction(async (m) => {
        await lockHub(m, directiveId, hub, cycle);
        return escalateUnreported(m, directiveId, cycle, 'overdue', hub);
      });
      at += 1;
    }
  }
  return units;
}
