/**
 * S4: every grassroots deadline of a cycle at one instant → the last overdue mark committed, as another connection
 * sees it; against the same statements through bare PostgreSQL fired at an instant of their own.
 */
import { grassrootsHubs, markOverdueHubs, untilDatabaseClock } from '@cascade/persistence';
import type { Bench } from '../context';
import { record, round, rounds, say, sleep } from '../measure';
import type { Cycles } from './s3-cycles';

const BOUND_MS = 5_000;

// The storm: S3's cycles, where nobody reports, mark every grassroots unit overdue at each grassroots deadline
// (cycle 0 the warm-up). Raw: the worker's overdue step (apps/worker/src/activities/reporting.activities.ts,
// markOverdue, `markOverdueHubs`) run from this process at an instant of its own, on cycles of S3's directive past its schedule that
// nothing else marks — the same statements on the same tables, without Temporal, NestJS or TypeORM.
export async function s4DeadlineStorm({ stack: { bare } }: Bench, s3: Cycles) {
  const { directiveId, cycles, grassroots, marks, watcher } = s3;
  const ours = marks
    .filter((m) => m.cycle > 0 && m.cycle < cycles)
    .map((m) => {
      if (!Number.isFinite(m.visible))
        throw new Error(`S4: the overdue marks of cycle ${m.cycle} were never all seen`);
      return m.visible - m.deadline;
    });
  const raw = await rounds('S4 deadline storm, raw', async (n) => {
    const cycle = cycles + n;
    const instant = Date.now() + 2_000;
    await sleep(instant - Date.now());
    const at = new Date(instant).toISOString();
    for (
      let wait = await untilDatabaseClock(bare.db, at);
      wait > 0;
      wait = await untilDatabaseClock(bare.db, at)
    )
      await sleep(wait);
    const units = await markOverdueHubs(
      bare.db,
      directiveId,
      cycle,
      await grassrootsHubs(bare.db, directiveId),
    );
    if (units !== grassroots) throw new Error(`S4 raw: ${units} units marked overdue of ${grassroots}`);
    const lag = (await watcher.visible(cycle)) - instant;
    say(`  raw: ${round(lag)} ms`);
    return lag;
  });
  await watcher.stop();
  record({
    id: 'S4 deadline storm',
    metric: `${grassroots} grassroots deadlines at one instant → the last overdue mark committed (seen from another connection, polled every 10 ms); rounds: S3's cycles 1–${cycles - 1}; raw: the worker's overdue statements through bare PostgreSQL at an instant of their own`,
    unit: 'ms',
    ours,
    bare: raw,
    ratio: (o, r) => o / Math.max(1, r),
    target: `≤ 1.5× raw and ≤ ${BOUND_MS} ms (medians)`,
    pass: (o, r) => o.median <= 1.5 * Math.max(1, r!.median) && o.median <= BOUND_MS,
  });
}
