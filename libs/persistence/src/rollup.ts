import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ReportingRequirement } from '@cascade/contracts';
import { plannedCycle, reportProblems, rollUpValues, type CycleView, type ReportForm } from '@cascade/domain';
import { loadCalendar, planCycle, storedCycle } from './calendar';
import { appendEvent } from './events';
import { EXACT_TIME, keysetPage, type KeysetPage, type PageRequest } from './keyset';
import { propagateUp, recordAggregateEvent, retryTransient } from './reporting';
import { fileReport, reportEvent } from './reports';

/**
 * `rollup_report` (its only writer): implementing chains roll up. The aggregate a body closes on its implementing
 * directive ("Thực hiện Công văn số 812/LĐLĐ …") is its report on the directive it implements, for the cycle whose
 * data period holds the implementing cycle's end (the same index when either has no period): filed there as the
 * body's report (so the higher body's dashboard shows the lower bodies' work on their own directives) when that
 * directive was routed to it in Cascade; kept as the body's report on it when it was received from outside. Each
 * revision of the aggregate rolls up once.
 */
export async function rollUpIssuerAggregate(
  ds: DataSource,
  directiveId: string,
  cycle: number,
): Promise<number> {
  const [x]: {
    issuer_id: string;
    revision: number | null;
    values: Record<string, never> | null;
  }[] = await ds.query(
    `SELECT d.issuer_id, a.revision, a.values FROM directive d
       LEFT JOIN LATERAL (SELECT revision, values FROM aggregate_report
                           WHERE directive_id = d.id AND unit_id = d.issuer_id AND cycle = $2
                           ORDER BY revision DESC LIMIT 1) a ON true
      WHERE d.id = $1`,
    [directiveId, cycle],
  );
  if (!x?.revision || !x.values) return 0;
  const source = await storedCycle(ds, directiveId, cycle);
  const higher: {
    id: string;
    status: string;
    issuer_id: string;
    reporting: ReportingRequirement | null;
    dispatched_at: Date | null;
  }[] = await ds.query(
    `SELECT d.id, d.status, d.issuer_id, d.content->'reporting' AS reporting, d.dispatched_at FROM directive_link l
         JOIN directive d ON d.id = l.to_id
        WHERE l.from_id = $1 AND l.kind = 'implements'
          AND NOT EXISTS (SELECT 1 FROM rollup_report r WHERE r.from_directive_id = $1 AND r.cycle = $2
                             AND r.revision = $3 AND r.to_directive_id = d.id)`,
    [directiveId, cycle, x.revision],
  );
  let rolled = 0;
  for (const y of higher) {
    const record = (
      toCycle: number | null,
      values: unknown,
      filed: number | null,
      problems: string[] | null,
    ) =>
      ds.query(
        `INSERT INTO rollup_report (from_directive_id, cycle, revision, to_directive_id, unit_id, to_cycle, label,
                                    period_from, period_to, values, filed_revision, problems)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
        [
          directiveId,
          cycle,
          x.revision,
          y.id,
          x.issuer_id,
          toCycle,
          source?.label ?? null,
          source?.period?.from ?? null,
          source?.period?.to ?? null,
          JSON.stringify(values),
          filed,
          problems,
        ],
      );
    if (y.status === 'received') {
      // Received from outside: the body's report on it is kept, to be sent on by the secretariat.
      await record(null, x.values, null, null);
      rolled++;
      continue;
    }
    const form: ReportForm | undefined = y.reporting?.form;
    if (y.status !== 'dispatched' || !form || !y.reporting) continue;
    const [node]: { is_hub: boolean; status: string }[] = await ds.query(
      `SELECT is_hub, status FROM routing_node WHERE directive_id = $1 AND unit_id = $2`,
      [y.id, x.issuer_id],
    );
    // Only a body that reports on the higher directive itself (not one that aggregates its own units there).
    if (!node || node.is_hub || node.status === 'returned') continue;
    const planning = { reporting: y.reporting, dispatchedAt: y.dispatched_at?.toISOString() ?? null };
    const target = await matchingCycle(ds, y.id, planning, source, cycle);
    if (target === null) continue;
    const values = rollUpValues(form, x.values);
    const problems = reportProblems(form, values);
    if (problems.length) {
      await record(target, values, null, problems);
      continue;
    }
    const filedHere = await retryTransient(() =>
      ds.transaction(async (m) => {
        const report = {
          reportId: randomUUID(),
          directiveId: y.id,
          unitId: x.issuer_id,
          cycle: target,
          values,
          userId: null,
          request: null,
          issuerId: y.issuer_id,
        };
        // Claimed first, in the filing transaction: of two callers rolling up the same revision, one files.
        const claimed: unknown[] = await m.query(
          `WITH c AS (
             INSERT INTO rollup_report (from_directive_id, cycle, revision, to_directive_id, unit_id, to_cycle, label,
                                        period_from, period_to, values)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING 1)
           SELECT 1 FROM c`,
          [
            directiveId,
            cycle,
            x.revision,
            y.id,
            x.issuer_id,
            target,
            source?.label ?? null,
            source?.period?.from ?? null,
            source?.period?.to ?? null,
            JSON.stringify(values),
          ],
        );
        if (!claimed.length) return false;
        const filed = await fileReport(m, report, true);
        const aggregates = await propagateUp(m, y.id, report.issuerId, x.issuer_id, target, form);
        await reportEvent(m, report, filed);
        for (const a of aggregates) await recordAggregateEvent(m, y.id, a);
        await m.query(
          `UPDATE rollup_report SET filed_revision = $5
            WHERE from_directive_id = $1 AND cycle = $2 AND revision = $3 AND to_directive_id = $4`,
          [directiveId, cycle, x.revision, y.id, filed.revision],
        );
        await appendEvent(m, {
          directiveId,
          action: 'aggregate.rolled-up',
          actorUnitId: x.issuer_id,
          data: {
            cycle,
            revision: x.revision,
            toDirectiveId: y.id,
            toCycle: target,
            filedRevision: filed.revision,
          },
          dedupeKey: `rollup/${directiveId}/${cycle}/${x.revision}/${y.id}`,
        });
        return true;
      }),
    );
    if (filedHere) rolled++;
  }
  return rolled;
}

/**
 * The higher directive's cycle (main schedule) whose data period holds the source cycle's end; when either has no
 * data period (interval, ad hoc), the same index; null when both have periods and none holds it.
 */
async function matchingCycle(
  ds: DataSource,
  directiveId: string,
  planning: { reporting: ReportingRequirement; dispatchedAt: string | null },
  source: CycleView | null,
  cycle: number,
): Promise<number | null> {
  const { calendar } = await loadCalendar(ds);
  const end = source?.period?.to;
  const first = plannedCycle(planning.reporting, planning.dispatchedAt, 0, calendar);
  // Both have data periods: the one that holds the source's end, or none (nothing is filed in an unrelated cycle).
  if (end && first?.period) {
    for (let i = 0; i < 1200; i++) {
      const c = plannedCycle(planning.reporting, planning.dispatchedAt, i, calendar);
      if (!c) break;
      if (c.period && c.period.from <= end && end <= c.period.to) {
        await planCycle(ds, directiveId, i, planning);
        return i;
      }
      if (c.period && c.period.from > end) break;
    }
    return null;
  }
  const index = cycle % 10_000;
  const c = plannedCycle(planning.reporting, planning.dispatchedAt, index, calendar);
  if (!c) return null;
  await planCycle(ds, directiveId, index, planning);
  return index;
}

/** The key of a roll-up in a page: its time (exact, UTC), the implementing directive, its cycle and revision. */
export type RollupKey = [at: string, fromDirectiveId: string, fromCycle: number, revision: number];

/**
 * A page of what bodies reported on a directive through their implementing directives (of all, or of one unit),
 * newest first: a backward range of the index `rollup_report_page` (`rollup_report_unit_page` for one unit).
 */
export async function rollupsTo(
  ds: DataSource,
  directiveId: string,
  unitId: string | null,
  page: PageRequest<RollupKey>,
): Promise<KeysetPage<Record<string, unknown>, RollupKey>> {
  const after = page.after ?? [null, null, null, null];
  const rows: Record<string, unknown>[] = await ds.query(
    `SELECT r.from_directive_id AS "fromDirectiveId", d.symbol AS "fromSymbol", r.unit_id AS "unitId",
            u.name AS "unitName", r.cycle AS "fromCycle", r.revision, r.to_cycle AS "toCycle", r.label,
            r.period_from::text AS "periodFrom", r.period_to::text AS "periodTo", r.values,
            r.filed_revision AS "filedRevision", r.problems, r.created_at AS "createdAt",
            ${EXACT_TIME('r.created_at')} AS k_at
       FROM (SELECT * FROM rollup_report r
              WHERE r.to_directive_id = $1 ${unitId === null ? '' : 'AND r.unit_id = $7'}
                AND ($3::timestamptz IS NULL
                     OR (r.created_at, r.from_directive_id, r.cycle, r.revision) < ($3, $4::uuid, $5::int, $6::int))
              ORDER BY r.created_at DESC, r.from_directive_id DESC, r.cycle DESC, r.revision DESC LIMIT $2) r
       JOIN directive d ON d.id = r.from_directive_id JOIN unit u ON u.id = r.unit_id
      ORDER BY r.created_at DESC, r.from_directive_id DESC, r.cycle DESC, r.revision DESC`,
    [directiveId, page.limit + 1, ...after, ...(unitId === null ? [] : [unitId])],
  );
  return keysetPage(rows, page.limit, (r) => [
    r.k_at as string,
    r.fromDirectiveId as string,
    r.fromCycle as number,
    r.revision as number,
  ]);
}
