import { DataSource } from 'typeorm';
import { formOfSchedule, splitCycleKey, type ReportForm } from '@cascade/domain';
import { directiveReporting } from './directives';
import {
  isClosed,
  lockHub,
  propagateUp,
  recordAggregateEvent,
  retryTransient,
  writeAggregate,
  type StoredAggregate,
} from './reporting';
import { rollUpIssuerAggregate } from './rollup';

/**
 * Late reports coalesce. A report filed after its hub's aggregation closed marks the hub pending
 * (`aggregate_pending`: how many reports it folds in) under the hub's own lock only; this pass, run every
 * LATE_REVISION_INTERVAL_MS by the worker, revises the pending hubs bottom-up (lowest tier first, the issuer last),
 * each in a transaction of its own under its lock: one `late-report` revision for however many late reports came in
 * since the last one (`folds`), which marks the hub above pending in turn (folding in as many) or closes it when it
 * was open and is now complete. So an ancestor's aggregate is revised once per pass, whatever the number of late
 * reports below it, and no late report waits on an ancestor's lock.
 */

/** What one pass did: the revisions it wrote, and the reports they fold in at the hubs that were pending. */
export interface LateRevisionPass {
  revisions: StoredAggregate[];
}

interface PendingHub {
  directive_id: string;
  unit_id: string;
  cycle: number;
}

/**
 * One pass over the pending hubs, lowest tier first; `maxHubs` bounds it (the next pass goes on). Several workers
 * may run it side by side: a hub's revision takes its lock and deletes its mark, so a hub is revised once for a mark.
 */
export async function reviseLateAggregates(
  ds: DataSource,
  { maxHubs = 10_000 }: { maxHubs?: number } = {},
): Promise<LateRevisionPass> {
  const revisions: StoredAggregate[] = [];
  const forms = new Map<string, { issuerId: string; form: ReportForm | null }>();
  const issuerChanged = new Set<string>();
  for (let n = 0; n < maxHubs; n++) {
    // The next pending hub, lowest tier first (the issuer, not a routing node, last): a hub's revision marks its
    // parent, a higher tier, which this loop reaches after every hub below it.
    const [next]: PendingHub[] = await ds.query(
      `SELECT p.directive_id, p.unit_id, p.cycle FROM aggregate_pending p
         LEFT JOIN routing_node r ON r.directive_id = p.directive_id AND r.unit_id = p.unit_id
        ORDER BY COALESCE(r.tier, 2147483647), p.marked_at LIMIT 1`,
    );
    if (!next) break;
    const key = `${next.directive_id}/${next.cycle}`;
    if (!forms.has(key)) {
      const directive = await directiveReporting(ds, next.directive_id);
      const form =
        directive?.reporting && formOfSchedule(directive.reporting, splitCycleKey(next.cycle).schedule);
      forms.set(key, { issuerId: directive?.issuerId ?? '', form: form || null });
    }
    const { issuerId, form } = forms.get(key)!;
    const written = await retryTransient(() =>
      ds.transaction(async (t) => {
        await lockHub(t, next.directive_id, next.unit_id, next.cycle);
        const taken: { folds: number }[] = await t.query(
          `WITH taken AS (DELETE FROM aggregate_pending WHERE directive_id = $1 AND unit_id = $2 AND cycle = $3
                          RETURNING folds)
           SELECT folds FROM taken`,
          [next.directive_id, next.unit_id, next.cycle],
        );
        // Taken by another pass, or nothing to revise (no form any more, or the hub was never closed).
        if (!taken.length || !form || !(await isClosed(t, next.directive_id, next.unit_id, next.cycle)))
          return [];
        const folds = taken[0].folds;
        const out = [
          await writeAggregate(t, next.directive_id, next.unit_id, next.cycle, form, 'late-report', {
            folds,
          }),
        ];
        out.push(
          ...(await propagateUp(t, next.directive_id, issuerId, next.unit_id, next.cycle, form, { folds })),
        );
        for (const a of out) await recordAggregateEvent(t, next.directive_id, a);
        return out;
      }),
    );
    revisions.push(...written);
    if (written.some((a) => a.unitId === issuerId)) issuerChanged.add(key);
  }
  // The issuer's aggregate is its report on the directive this one implements (implementing chains).
  for (const key of issuerChanged) {
    const [directiveId, cycle] = key.split('/');
    await rollUpIssuerAggregate(ds, directiveId, Number(cycle));
  }
  return { revisions };
}
