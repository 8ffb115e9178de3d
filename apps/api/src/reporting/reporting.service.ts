import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  aggregateRevisions,
  aggregationNodes,
  recordAggregateEvent,
  closeIfComplete,
  currentReportsBelow,
  cycleToPlan,
  escalationsOf,
  fileReport,
  latestAggregateTrimmed,
  missingUnitsBelow,
  aggregationNode,
  previewAggregate,
  propagateUp,
  reportContext,
  reportEvent,
  reportStreamBelow,
  rollUpIssuerAggregate,
  rollupsTo,
  ReportKeyReusedError,
  retryTransient,
  storedAnswers,
  storedCycles,
  type FiledReport,
  type StreamKey,
  type ReportToFile,
  type StoredAggregate,
} from '@cascade/persistence';
import type { Page, ReportingRequirement } from '@cascade/contracts';
import {
  cycleOfView,
  CYCLES_PER_SCHEDULE,
  formOfSchedule,
  MAIN_SCHEDULE,
  OPEN_ENDED_FROM,
  reportProblems,
  scheduleList,
  ScheduleError,
  settingsOfKey,
  splitCycleKey,
  type Cycle,
  type CycleView,
  type ReportForm,
  type ScheduleSettings,
} from '@cascade/domain';
import { ApiError, CommonErrorCode } from '../common/api-error';
import { actingUser, connectorAt, type RequestPrincipal } from '../auth/principal';
import { CyclesQueryDto, ReportQueryDto, SubmitReportDto } from '../directives/dto/directive.dto';
import { directiveNotFound, notRouted } from '../directives/directive-errors';
import {
  badCursor,
  decodeCursor,
  encodeCursor,
  isCount,
  isExactTime,
  isUuid,
  pageOf,
  tupleOf,
} from '../common/page';
import {
  AnswersQueryDto,
  EscalationPageQueryDto,
  ReportPageQueryDto,
  RevisionPageQueryDto,
  RollupPageQueryDto,
} from './reporting.dto';
import { ANSWERS_KEY, ESCALATION_KEY, ROLLUP_KEY } from './page-keys';
import {
  answersOf,
  collectFields,
  FIRST_ANSWERS,
  FIRST_MISSING,
  firstAnswers,
  withAnswerCursors,
} from './aggregate-answers';
import { DirectiveErrorCode } from '../directives/directive-error-codes';
import { isMain, keyOf } from './cycle-key';
import { DirectivesService } from '../directives/directives.service';
import { callerOf, idempotencyKeyReused } from '../idempotency/idempotency.interceptor';

const ENDED = ['closed', 'recalled', 'superseded'];

/**
 * Reporting: a routed unit's reports for a cycle (checked against the form, late after its tier's deadline, kept as
 * revisions), the aggregates of each hub up the tree, the directive's cycles as stored, and its escalations.
 */
@Injectable()
export class ReportingService {
  private readonly logger = new Logger(ReportingService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly directives: DirectivesService,
  ) {}

  /**
   * The reporting requirement of a dispatched directive, with the cycle asked for, as the unit sees it (a directive
   * the unit neither issued nor received is not found, before its status is told).
   */
  private async reportingCycle(id: string, unitId: string, cycleIndex: number, schedule?: string) {
    const directive = await this.directives.rowSeenFrom(id, unitId);
    const found = await this.cycleOf(
      id,
      directive.status,
      directive.dispatched_at,
      directive.content.reporting,
      keyOf(directive.content.reporting, schedule, cycleIndex),
    );
    // An opened cycle is fixed now if nobody planned it; one not opened yet is shown as it would be planned.
    if (Date.parse(found.view.opensAt) <= Date.now()) await found.store();
    return { ...found, directive };
  }

  /**
   * The form and the stored cycle asked for of a directive in the given status (planned and stored now if nobody
   * planned it before: the first to plan a cycle fixes it); refuses what takes no report.
   */
  private async cycleOf(
    id: string,
    status: string,
    dispatchedAt: Date | null,
    reportingContent: unknown,
    cycleIndex: number,
    stored: CycleView | null = null,
  ): Promise<{
    form: ReportForm;
    cycle: Cycle;
    view: CycleView;
    store: () => Promise<CycleView>;
    settings: ScheduleSettings;
  }> {
    if (ENDED.includes(status)) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.CYCLE_CLOSED,
        `cycle: the directive is ${status}; its cycles take no more reports`,
      );
    }
    if (status !== 'dispatched') {
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.DIRECTIVE_INVALID_STATE,
        `the directive is ${status}: reports follow dispatch`,
      );
    }
    const reporting = reportingContent as ReportingRequirement | undefined;
    const form = reporting ? formOfSchedule(reporting, splitCycleKey(cycleIndex).schedule) : null;
    const settings = reporting ? settingsOfKey(reporting, cycleIndex) : null;
    if (!reporting || !form || !settings) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        DirectiveErrorCode.REPORTING_NOT_REQUIRED,
        'this directive asks for no report form',
      );
    }
    let planned: { view: CycleView; store: () => Promise<CycleView> } | null = stored
      ? { view: stored, store: () => Promise.resolve(stored) }
      : null;
    try {
      planned ??= await cycleToPlan(this.dataSource, id, cycleIndex, {
        reporting,
        dispatchedAt: dispatchedAt?.toISOString() ?? null,
      });
    } catch (error) {
      if (error instanceof ScheduleError)
        throw new ApiError(
          HttpStatus.UNPROCESSABLE_ENTITY,
          DirectiveErrorCode.CYCLE_NOT_FOUND,
          error.message,
        );
      throw error;
    }
    if (!planned)
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        DirectiveErrorCode.CYCLE_NOT_FOUND,
        `cycle: the schedule has no cycle ${splitCycleKey(cycleIndex).index}`,
      );
    return { form, cycle: cycleOfView(planned.view), ...planned, settings };
  }

  /**
   * A unit reports for a cycle: validated against the form, marked late after its tier's deadline, and kept as a new
   * revision (the highest is current). Idempotency comes from the request's Idempotency-Key, which is the caller's:
   * the report remembers it with its caller, answers a retry of the same request with the report it filed, and
   * refuses it (409) for another cycle or other values; another caller's same key is another request.
   *
   * Reports to a hub whose aggregation is open run side by side: each holds the hub's lock shared (the closing of the
   * aggregation, at its deadline or when complete, takes it alone, so a report lands either before it, and counts,
   * or after it, as a late revision), and each checks after its commit whether it completed the hub (the last
   * report to commit sees every other). A report to a hub that has closed is a late revision, filed the same way,
   * that marks the hub pending; the periodic pass revises it and the hubs above (late-revisions.ts).
   */
  async submitReport(principal: RequestPrincipal, id: string, dto: SubmitReportDto, requestKey?: string) {
    // The main schedule's cycle keys are its indexes: its reports need no more than one round trip.
    const key = isMain(dto.schedule)
      ? dto.cycle
      : keyOf((await this.directives.rowSeenFrom(id, dto.unitId)).content.reporting, dto.schedule, dto.cycle);
    // The directive, the unit's routing node and whether its parent closed, in one round trip.
    const context = await reportContext(this.dataSource, id, dto.unitId, key);
    // A directive not routed to the unit is answered as one that does not exist, before its status is told.
    if (!context || context.node_status === null) throw directiveNotFound(id);
    const { form, cycle, view, store, settings } = await this.cycleOf(
      id,
      context.status,
      context.dispatched_at,
      context.reporting,
      key,
      context.stored_cycle,
    );
    const stream = settings.schedule.kind === 'adhoc';
    if (context.is_hub) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        DirectiveErrorCode.REPORT_NOT_EXPECTED,
        "unitId: this unit aggregates its subordinates' reports; it does not file its own",
      );
    }
    if (context.node_status === 'returned') {
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.ROUTING_NODE_INVALID_STATE,
        'unitId: this unit returned the directive',
      );
    }
    if (context.opened === false || (context.opened === null && Date.now() < Date.parse(cycle.opensAt))) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.CYCLE_NOT_OPEN,
        `cycle: ${cycle.label} opens at ${cycle.opensAt}`,
      );
    }
    // A phase is a window: once it has closed (its end date passed, or the issuer closed an open-ended one), it
    // takes no more reports.
    const due = cycle.deadlines[Math.min(context.tier, cycle.deadlines.length - 1)];
    if (settings.schedule.kind === 'phases' && Date.now() >= Date.parse(due)) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.CYCLE_CLOSED,
        `cycle: ${cycle.label} closed at ${due}; it takes no more reports`,
      );
    }
    const problems = reportProblems(form, dto.values);
    if (problems.length) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        DirectiveErrorCode.REPORT_INVALID,
        problems.map((p) => `values.${p}`).join('; '),
        problems.map((p) => ({
          field: `values.${p.split(':')[0]}`,
          problems: [p.slice(p.indexOf(':') + 2)],
        })),
      );
    }
    // Only now, the input accepted: the cycle is stored if nobody planned it before (the statement reads its deadline).
    if (!context.stored_cycle) await store();
    const report: ReportToFile = {
      reportId: randomUUID(),
      directiveId: id,
      unitId: dto.unitId,
      cycle: key,
      values: dto.values,
      userId: actingUser(principal),
      request: requestKey ? { caller: callerOf(principal), key: requestKey } : null,
      issuerId: context.issuer_id,
      // A connector filing for the unit is named on the report's event (others' events stay as they were).
      actor: connectorAt(principal, dto.unitId),
    };
    // A deadlock with a concurrent aggregation is retried: the transaction rolled back whole.
    const shared = () => retryTransient(() => fileReport(this.dataSource, report, false));
    // Alone: a closed parent re-aggregates and sends the revision up (an open one closes early once complete); the
    // events last, as appending to the directive's hash chain holds its head row until the commit.
    const alone = () =>
      retryTransient(() =>
        this.dataSource.transaction(async (m) => {
          const filed = await fileReport(m, report, true);
          if (filed.filed_before) return { filed, aggregates: [] };
          // An ad hoc report goes up at once (every hub to the issuer revises its aggregate), unless the stream is
          // forwarded as a digest (the workflow's timer writes it).
          const aggregates =
            stream && settings.schedule.kind === 'adhoc' && settings.schedule.digestSeconds
              ? []
              : await propagateUp(m, id, context.issuer_id, dto.unitId, key, form, { stream });
          await reportEvent(m, report, filed);
          for (const a of aggregates) await recordAggregateEvent(m, id, a);
          return { filed, aggregates };
        }),
      );
    const fileEitherWay = async (): Promise<{ filed: FiledReport; aggregates: StoredAggregate[] }> => {
      // Ad hoc reports are each an event, never a revision: filed alone, the hub's aggregate written as they come.
      // A report to a closed parent is one statement too (as in a batch): filed as a late revision under the hub's
      // lock shared, the hub marked pending, its event; the periodic pass revises the hubs. (Filed alone, it took
      // eight more round trips to walk up to the same mark: 14 statements a late report in a quick S0.)
      if (stream) return alone();
      const filed = await shared();
      // The parent closed while this report waited for its lock: filed again, alone, as a late revision. Otherwise,
      // now that the report is committed: whether it completed its parent.
      if (filed.retry_alone) return alone();
      return {
        filed,
        aggregates: filed.after_close
          ? []
          : await closeIfComplete(this.dataSource, id, context.issuer_id, filed.parent_unit_id, key, form),
      };
    };
    let outcome: { filed: FiledReport; aggregates: StoredAggregate[] };
    try {
      outcome = await fileEitherWay();
    } catch (error) {
      // The caller's key filed another report (the interceptor's record of it was gone): refused as the interceptor
      // refuses it, never answered with that report.
      if (error instanceof ReportKeyReusedError) throw idempotencyKeyReused();
      throw error;
    }
    const { filed, aggregates } = outcome;
    // The issuer's aggregate changed: it is the issuer's report on the directive this one implements.
    if (aggregates.some((a) => a.unitId === context.issuer_id))
      await rollUpIssuerAggregate(this.dataSource, id, key).catch((error: unknown) =>
        // The report is filed; the roll-up runs again at the issuer's deadline step.
        this.logger.warn(`roll-up of ${id} cycle ${key} failed: ${String(error)}`),
      );
    return {
      unitId: dto.unitId,
      schedule: scheduleList(context.reporting as ReportingRequirement)[splitCycleKey(key).schedule].key,
      cycle: dto.cycle,
      label: cycle.label,
      provisional: view.provisional,
      revision: filed.revision,
      late: filed.late,
      afterClose: filed.after_close,
      deadline: filed.deadline.toISOString(),
      values: filed.values,
      aggregates: aggregates.map((a) => ({ unitId: a.unitId, revision: a.revision, reason: a.reason })),
    };
  }

  /**
   * A page of the current reports (highest revision) of every routed unit under `unitId` (itself included) for a
   * cycle, by unit id; of an ad hoc stream, every report, newest first. The issuer reads the whole directive.
   */
  async reports(id: string, q: ReportPageQueryDto): Promise<Page<unknown>> {
    const directive = await this.directives.rowSeenFrom(id, q.unitId);
    const key = keyOf(directive.content.reporting, q.schedule, q.cycle);
    const reporting = directive.content.reporting as ReportingRequirement | undefined;
    const settings = reporting ? settingsOfKey(reporting, key) : null;
    const below = q.unitId === directive.issuer_id ? null : q.unitId;
    // An ad hoc stream: every report, numbered, with its time (the issuer sees the stream); otherwise the current one.
    if (settings?.schedule.kind === 'adhoc') {
      const after = decodeCursor('stream', q.cursor, tupleOf<StreamKey>(isExactTime, isUuid, isCount));
      return pageOf(
        'stream',
        await reportStreamBelow(this.dataSource, id, below, key, { after, limit: q.limit }),
      );
    }
    const after = decodeCursor('reports', q.cursor, isUuid);
    return pageOf(
      'reports',
      await currentReportsBelow(this.dataSource, id, below, key, { after, limit: q.limit }),
    );
  }

  /** A page of the units below `unitId` expected to report the cycle that have not (exact, by unit id). */
  async missing(id: string, q: ReportPageQueryDto): Promise<Page<{ unitId: string }>> {
    const directive = await this.directives.rowSeenFrom(id, q.unitId);
    const key = keyOf(directive.content.reporting, q.schedule, q.cycle);
    const below = q.unitId === directive.issuer_id ? null : q.unitId;
    if (below && !(await aggregationNode(this.dataSource, id, below))) throw notRouted();
    const after = decodeCursor('missing', q.cursor, isUuid);
    return pageOf(
      'missing',
      await missingUnitsBelow(this.dataSource, id, below, key, { after, limit: q.limit }),
    );
  }

  /**
   * The aggregated report of a cycle at a node of the routing tree (or the issuer). Once the node's aggregation has
   * closed (all reported, or its deadline), the reported aggregate: its latest revision, why it was written, and how
   * many revisions late reports caused. Before that, a live preview computed from the reports so far.
   */
  async aggregateAt(id: string, q: ReportQueryDto) {
    const { form, cycle, directive, settings } = await this.reportingCycle(id, q.unitId, q.cycle, q.schedule);
    const key = cycle.index;
    const stream = settings.schedule.kind === 'adhoc';
    // Routed, but it returned the directive: it takes no part in the aggregation (one node looked up by key).
    const node =
      q.unitId === directive.issuer_id ? null : await aggregationNode(this.dataSource, id, q.unitId);
    if (q.unitId !== directive.issuer_id && !node) throw notRouted();
    // A collect field carries every unit's answer: the aggregate shows how many, and the first page of them.
    const collected = collectFields(form);
    const stored = await latestAggregateTrimmed(this.dataSource, id, q.unitId, key, collected, FIRST_ANSWERS);
    const base = {
      unitId: q.unitId,
      schedule: settings.key,
      cycle: q.cycle,
      period: cycle.period,
      label: cycle.label,
      deadlines: cycle.deadlines,
      provisional: cycle.provisional,
    };
    if (stored) {
      // The first missing units, exact, from the tree (the stored list keeps the first at closing); the rest page by
      // page from /aggregate/missing. A page costs its own rows, whatever the directive's size.
      const missing = await missingUnitsBelow(
        this.dataSource,
        id,
        q.unitId === directive.issuer_id ? null : q.unitId,
        key,
        {
          after: null,
          limit: FIRST_MISSING,
        },
      );
      return {
        ...base,
        closed: true,
        revision: stored.revision,
        reason: stored.reason,
        reportedAt: stored.created_at.toISOString(),
        values: withAnswerCursors(stored.values, collected, stored.revision),
        coverage: { ...stored.coverage, missingUnits: missing.items.map((u) => u.unitId) },
        missingCursor: missing.next === null ? null : encodeCursor('missing', missing.next),
      };
    }
    const nodes = await aggregationNodes(this.dataSource, id);
    const isHub = q.unitId === directive.issuer_id || nodes.some((n) => n.unit_id === q.unitId && n.is_hub);
    const preview = await previewAggregate(
      this.dataSource,
      id,
      key,
      form,
      { unitId: q.unitId, isHub },
      nodes,
      { stream },
    );
    const values = { ...preview.values };
    for (const field of collected) values[field] = firstAnswers(preview.values[field]);
    const missingUnits = [...preview.coverage.missingUnits].sort();
    return {
      ...base,
      closed: false,
      revision: null,
      reason: null,
      reportedAt: null,
      coverage: { ...preview.coverage, missingUnits: missingUnits.slice(0, FIRST_MISSING) },
      missingCursor:
        missingUnits.length > FIRST_MISSING ? encodeCursor('missing', missingUnits[FIRST_MISSING - 1]) : null,
      values: withAnswerCursors(values, collected, null),
    };
  }

  /**
   * A page of the answers collected for a `collect` field of a node's aggregate: of the revision the cursor names
   * (a snapshot: revisions are kept), else the latest, else (not closed yet) the live preview, by position.
   */
  async aggregateAnswers(id: string, q: AnswersQueryDto) {
    const { form, cycle, directive, settings } = await this.reportingCycle(id, q.unitId, q.cycle, q.schedule);
    if (!collectFields(form).includes(q.field)) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        CommonErrorCode.VALIDATION_FAILED,
        `field: the form has no field ${q.field} aggregated by collect`,
        [{ field: 'field', problems: ['not a field of the form aggregated by collect'] }],
      );
    }
    const after = decodeCursor('answers', q.cursor, ANSWERS_KEY);
    const [revision, from] = after ?? [null, 0];
    const base = { unitId: q.unitId, schedule: settings.key, cycle: q.cycle, field: q.field };
    const at = { directiveId: id, unitId: q.unitId, cycle: cycle.index, revision };
    const stored = await storedAnswers(this.dataSource, at, q.field, from, q.limit);
    if (stored) {
      const more = from + stored.items.length < stored.count;
      return {
        ...base,
        closed: true,
        revision: stored.revision,
        count: stored.count,
        items: stored.items,
        nextCursor: more ? encodeCursor('answers', [stored.revision, from + q.limit]) : null,
      };
    }
    if (revision !== null) throw badCursor();
    const nodes = await aggregationNodes(this.dataSource, id);
    if (q.unitId !== directive.issuer_id && !nodes.some((n) => n.unit_id === q.unitId)) throw notRouted();
    const isHub = q.unitId === directive.issuer_id || nodes.some((n) => n.unit_id === q.unitId && n.is_hub);
    const preview = await previewAggregate(
      this.dataSource,
      id,
      cycle.index,
      form,
      { unitId: q.unitId, isHub },
      nodes,
      {
        stream: settings.schedule.kind === 'adhoc',
      },
    );
    const all = answersOf(preview.values[q.field]);
    return {
      ...base,
      closed: false,
      revision: null,
      count: all.length,
      items: all.slice(from, from + q.limit),
      nextCursor: from + q.limit < all.length ? encodeCursor('answers', [null, from + q.limit]) : null,
    };
  }

  /** A page of the revisions of a node's aggregate for a cycle (oldest first): what it reported upward, and when. */
  async aggregateRevisions(id: string, q: RevisionPageQueryDto): Promise<Page<unknown>> {
    const after = decodeCursor('revisions', q.cursor, isCount);
    const directive = await this.directives.rowSeenFrom(id, q.unitId);
    const key = keyOf(directive.content.reporting, q.schedule, q.cycle);
    return pageOf(
      'revisions',
      await aggregateRevisions(this.dataSource, id, q.unitId, key, { after, limit: q.limit }),
    );
  }

  /**
   * A dispatched directive's cycles as stored (each planned now if nobody has yet: the first to plan a cycle fixes
   * it, and only a calendar correction before it opens moves it), with whether it has opened.
   */
  async cycles(id: string, q: CyclesQueryDto) {
    const directive = await this.directives.row(id);
    const schedule = keyOf(directive.content.reporting, q.schedule, 0);
    const from = schedule + (q.from ?? 0);
    const shown = (c: CycleView) => ({
      ...c,
      schedule: q.schedule ?? MAIN_SCHEDULE,
      index: splitCycleKey(c.index).index,
      // An ad hoc stream, or a phase the issuer has not closed: no deadline yet.
      ...(c.deadlines[0]?.at >= OPEN_ENDED_FROM ? { openEnded: true } : {}),
    });
    if (ENDED.includes(directive.status)) {
      // Ended: what was planned stays as it was; nothing more is planned.
      const stored = await storedCycles(this.dataSource, id);
      const listed = stored
        .filter((c) => c.index >= from && c.index < schedule + CYCLES_PER_SCHEDULE)
        .slice(0, q.count ?? 12);
      return { cycles: listed.map((c) => ({ ...shown(c), opened: true })) };
    }
    // Before dispatch, or without a report form, there are no cycles yet.
    const reporting = directive.content.reporting as ReportingRequirement | undefined;
    if (
      directive.status !== 'dispatched' ||
      !reporting ||
      !formOfSchedule(reporting, splitCycleKey(schedule).schedule)
    )
      return { cycles: [] };
    const cycles: (ReturnType<typeof shown> & { opened: boolean })[] = [];
    // The opened cycles and the next one are stored (planned); later ones are shown as they would be planned today,
    // so that a viewer paging far ahead stores nothing a calendar change would have to revisit.
    let nextStored = false;
    for (let i = from; i < Math.min(from + (q.count ?? 12), schedule + CYCLES_PER_SCHEDULE); i++) {
      let found;
      try {
        found = await this.cycleOf(
          id,
          directive.status,
          directive.dispatched_at,
          directive.content.reporting,
          i,
        );
      } catch (error) {
        if (error instanceof ApiError && error.code === (DirectiveErrorCode.CYCLE_NOT_FOUND as string)) break;
        throw error;
      }
      const opened = Date.parse(found.view.opensAt) <= Date.now();
      const view = opened || !nextStored ? await found.store() : found.view;
      if (!opened) nextStored = true;
      cycles.push({ ...shown(view), opened });
    }
    return { cycles };
  }

  /**
   * What bodies reported on this directive through the directives they issued to implement it (their closed
   * aggregates rolled up), as its issuer sees them, or one routed unit its own.
   */
  async rollups(id: string, q: RollupPageQueryDto): Promise<Page<unknown>> {
    const after = decodeCursor('rollups', q.cursor, ROLLUP_KEY);
    const directive = await this.directives.rowSeenFrom(id, q.unitId);
    const unit = q.unitId === directive.issuer_id ? null : q.unitId;
    return pageOf('rollups', await rollupsTo(this.dataSource, id, unit, { after, limit: q.limit }));
  }

  /** A page of the escalation ladder's steps so far: which unit was reminded, marked overdue or escalated, per cycle. */
  async escalations(id: string, q: EscalationPageQueryDto): Promise<Page<unknown>> {
    const directive = await this.directives.row(id);
    const key = q.cycle === undefined ? null : keyOf(directive.content.reporting, q.schedule, q.cycle);
    const after = decodeCursor('escalations', q.cursor, ESCALATION_KEY);
    return pageOf('escalations', await escalationsOf(this.dataSource, id, key, { after, limit: q.limit }));
  }
}
