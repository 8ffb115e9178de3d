import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  aggregationNodes,
  appendEvent,
  closeOpenEndedCycle,
  previewAggregate,
  receivedOn,
  reportsReceivedRegister,
  unitNames,
  type ReceivedRegisterKey,
} from '@cascade/persistence';
import type { ReportingRequirement } from '@cascade/contracts';
import {
  aggregate,
  aggregateValue,
  cycleKey,
  formOfSchedule,
  MAIN_SCHEDULE,
  OPEN_ENDED_FROM,
  scheduleList,
  scheduleNumber,
  splitCycleKey,
  type Aggregate,
} from '@cascade/domain';
import { WorkflowNotFoundError } from '@temporalio/client';
import { signalCycleClosed } from '@cascade/temporal';
import { ApiError } from '../common/api-error';
import { decodeCursor, isCount, isExactTime, isUuid, pageOf, tupleOf } from '../common/page';
import { actingUser, type RequestPrincipal } from '../auth/principal';
import { directiveNotFound } from '../directives/directive-errors';
import { DirectiveErrorCode } from '../directives/directive-error-codes';
import { DirectivesService } from '../directives/directives.service';
import { TemporalClient } from '../temporal/temporal.module';
import type { CloseCycleDto, ReceivedOnQueryDto, ReceivedRegisterQueryDto } from './received.dto';

/**
 * The labels of the form a schedule's reports answer, by field key: what the values are called where they are shown
 * (each directive, and each of its schedules, has its own form).
 */
function labelsOf(
  reporting: ReportingRequirement | null | undefined,
  schedule: number,
): Record<string, string> {
  const form = reporting ? formOfSchedule(reporting, schedule) : null;
  return Object.fromEntries((form?.fields ?? []).map((f) => [f.key, f.label]));
}

/**
 * Reports as their receivers see them: the bodies a hub's aggregate is delivered to (and the departments it comes
 * through), and the departments that collect and aggregate for a hub. Each sees what it received, with totals over
 * every sender and how many of them have reported; a directive that sends a unit nothing is answered as one that
 * does not exist. And the issuer's closing of an open-ended cycle (a phase with no end date).
 */
@Injectable()
export class ReceivedService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directives: DirectivesService,
    private readonly temporal: TemporalClient,
  ) {}

  /** A page of the unit's register of reports received, newest first. */
  async register(q: ReceivedRegisterQueryDto) {
    const after = decodeCursor(
      'reports-received',
      q.cursor,
      tupleOf<ReceivedRegisterKey>(
        (v) => v === null || isExactTime(v),
        isUuid,
        isUuid,
        (v) => v === 'target' || v === 'via' || v === 'collector',
        (v) => v === -1 || isCount(v),
      ),
    );
    const page = pageOf(
      'reports-received',
      await reportsReceivedRegister(
        this.dataSource,
        q.unitId,
        { directiveId: q.directiveId },
        { after, limit: q.limit },
      ),
    );
    return {
      items: page.items.map(({ reporting, ...r }) => {
        if (r.cycle === null) return { ...r, labels: labelsOf(reporting, 0) };
        const { schedule, index } = splitCycleKey(r.cycle);
        const key =
          schedule === 0 ? MAIN_SCHEDULE : (reporting?.schedules?.[schedule - 1]?.key ?? MAIN_SCHEDULE);
        return {
          ...r,
          schedule: key,
          cycle: index,
          cycleKey: r.cycle,
          labels: labelsOf(reporting, schedule),
        };
      }),
      nextCursor: page.nextCursor,
    };
  }

  /** What the unit received on one directive for one cycle: each sender's aggregate and the totals. */
  async receivedOn(id: string, q: ReceivedOnQueryDto) {
    const directive = await this.directives.row(id);
    const reporting = directive.content.reporting as ReportingRequirement | undefined;
    const n = reporting ? scheduleNumber(reporting, q.schedule) : null;
    if (!reporting || n === null) throw directiveNotFound(id);
    const key = cycleKey(n, q.cycle);
    const rows = await receivedOn(this.dataSource, id, q.unitId, key);
    if (!rows.length) throw directiveNotFound(id);
    const form = formOfSchedule(reporting, n);
    const stream = scheduleList(reporting)[n].schedule.kind === 'adhoc';
    const nodes = await aggregationNodes(this.dataSource, id);
    const senders = await Promise.all(
      rows.map(async (r) => {
        // A department collecting for its body sees the hub's aggregate live, before it is reported.
        const live =
          !r.aggregate && r.role === 'collector' && form
            ? await previewAggregate(
                this.dataSource,
                id,
                key,
                form,
                { unitId: r.hubUnitId, isHub: true },
                nodes,
                {
                  stream,
                },
              )
            : null;
        return {
          hubUnitId: r.hubUnitId,
          hubName: r.hubName,
          role: r.role,
          targetUnitId: r.targetUnitId,
          viaUnitId: r.viaUnitId,
          reported: r.aggregate !== null,
          revision: r.revision,
          reason: r.reason,
          reportedAt: r.reportedAt?.toISOString() ?? null,
          values: r.values ?? live?.values ?? null,
          coverage: r.aggregate?.coverage ?? live?.coverage ?? null,
          aggregate: r.aggregate,
        };
      }),
    );
    // Totals over what was reported to the unit as the body or through it (each hub once).
    const reported = new Map<string, Aggregate>();
    for (const s of senders)
      if (s.aggregate && s.role !== 'collector') reported.set(s.hubUnitId, s.aggregate);
    const sent = new Set(senders.filter((s) => s.role !== 'collector').map((s) => s.hubUnitId));
    const totals = form && reported.size ? aggregate(form, { children: [...reported.values()] }) : null;
    return {
      directiveId: id,
      unitId: q.unitId,
      schedule: q.schedule ?? MAIN_SCHEDULE,
      cycle: q.cycle,
      labels: labelsOf(reporting, n),
      senders: senders.map(({ aggregate: _omitted, ...s }) => s),
      totals: totals && {
        values: Object.fromEntries(Object.entries(totals.fields).map(([k, a]) => [k, aggregateValue(a)])),
        coverage: { ...totals.coverage, missingUnits: totals.coverage.missingUnits.slice(0, 100) },
      },
      senderCoverage: { expected: sent.size, reported: reported.size, missing: sent.size - reported.size },
    };
  }

  /**
   * The names of the units a directive's report routes name (hubs, departments, the bodies reports go to), for a
   * unit that issued or received it: the route is part of the directive it reads, whoever the bodies are.
   */
  async routeNames(id: string, unitId: string) {
    const directive = await this.directives.rowSeenFrom(id, unitId);
    const reporting = directive.content.reporting as ReportingRequirement | undefined;
    const ids = (reporting?.routes ?? []).flatMap((r) => [
      r.hubUnitId ?? directive.issuer_id,
      ...(r.viaUnitId ? [r.viaUnitId] : []),
      ...(r.to ?? []).flatMap((t) => [t.unitId, ...(t.viaUnitId ? [t.viaUnitId] : [])]),
    ]);
    return { names: await unitNames(this.dataSource, [...new Set(ids)].slice(0, 1000)) };
  }

  /**
   * The issuer closes an open-ended cycle of a schedule (a phase with no end date, "Sau Đại hội"): its deadlines
   * become now; reports after it are refused; the reporting workflow runs the cycle's steps (overdue marks, each
   * level's aggregate). A retry answers the same closing.
   */
  async closeCycle(principal: RequestPrincipal, id: string, dto: CloseCycleDto) {
    const directive = await this.directives.row(id);
    if (directive.status !== 'dispatched')
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.DIRECTIVE_INVALID_STATE,
        `the directive is ${directive.status}: only a dispatched directive's cycles close`,
      );
    const reporting = directive.content.reporting as ReportingRequirement | undefined;
    const n = reporting ? scheduleNumber(reporting, dto.schedule) : null;
    if (!reporting || n === null)
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        DirectiveErrorCode.CYCLE_NOT_FOUND,
        `schedule: this directive has no schedule ${dto.schedule ?? MAIN_SCHEDULE}`,
      );
    const key = cycleKey(n, dto.cycle);
    // Only a phase without an end date closes this way (an ad hoc stream ends with its directive), once it is open.
    const kind = scheduleList(reporting)[n].schedule.kind;
    const notOpenEnded = () =>
      new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.CYCLE_NOT_OPEN_ENDED,
        `cycle: cycle ${dto.cycle} is not an open phase without an end (only a phase with no end date that has opened is closed this way)`,
      );
    if (kind !== 'phases') throw notOpenEnded();
    const closed = await this.dataSource.transaction(async (m) => {
      const result = await closeOpenEndedCycle(m, id, key, OPEN_ENDED_FROM);
      if (result?.now)
        await appendEvent(m, {
          directiveId: id,
          action: 'cycle.closed',
          actorUserId: actingUser(principal),
          actorUnitId: directive.issuer_id,
          data: { schedule: dto.schedule ?? MAIN_SCHEDULE, cycle: dto.cycle, closedAt: result.closedAt },
          dedupeKey: `cycle-closed/${id}/${key}`,
        });
      return result;
    });
    if (!closed) throw notOpenEnded();
    // A reporting workflow that has not started yet reads the closed cycle when it does.
    await this.temporal
      .call((client) => signalCycleClosed(client, id, n, key))
      .catch((error: unknown) => {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      });
    return { schedule: dto.schedule ?? MAIN_SCHEDULE, cycle: dto.cycle, closedAt: closed.closedAt };
  }
}
