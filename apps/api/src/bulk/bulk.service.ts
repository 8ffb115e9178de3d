import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  acknowledgeNodes,
  batchNodes,
  closeIfComplete,
  cycleToPlan,
  fileReports,
  hubsReadyToClose,
  retryTransient,
  rollUpIssuerAggregate,
  unitPathsOf,
  type FiledReportItem,
  type ReportItemToFile,
  type StoredAggregate,
} from '@cascade/persistence';
import type { ReportingRequirement } from '@cascade/contracts';
import {
  cycleKey,
  cycleOfView,
  decide,
  formOfSchedule,
  MAIN_SCHEDULE,
  reportProblems,
  scheduleNumber,
  ScheduleError,
  settingsOfKey,
  splitCycleKey,
  type Cycle,
  type ReportForm,
} from '@cascade/domain';
import { ApiError } from '../common/api-error';
import { AuthErrorCode } from '../auth/auth-error-codes';
import { actingUser, type RequestPrincipal } from '../auth/principal';
import { DirectiveErrorCode } from '../directives/directive-error-codes';
import { DirectivesService } from '../directives/directives.service';
import { callerOf } from '../idempotency/idempotency.interceptor';
import { BATCH_MAX_ITEMS, BulkErrorCode } from './bulk-error-codes';
import {
  answer,
  canonical,
  ItemError,
  keyReused,
  parseAcknowledgementItem,
  parseReportItem,
  rejected,
  repeatedKeys,
  tooLarge,
  type AcknowledgementItemInput,
  type ReportItem,
} from './bulk-items';
import type { BatchAnswer, BatchItemResult } from './dto/bulk.dto';

const ENDED = ['closed', 'recalled', 'superseded'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A cycle of the batch's directive, checked once for every item that reports it. */
interface BatchCycle {
  form: ReportForm;
  cycle: Cycle;
  phases: boolean;
}

/**
 * Batched ingest: up to 1,000 acknowledgements or reports of one directive per request, each item with its own
 * idempotency key and its own result (accepted, duplicate, or its 4xx), authorised item by item as the single routes
 * are (`report` on the item's unit: 403 when the caller sees the unit, 404 when it does not), and written in a few
 * statements per batch (`acknowledgeNodes`, `cascade_file_reports`); an item is applied whole or not at all.
 */
@Injectable()
export class BulkService {
  private readonly logger = new Logger(BulkService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly directives: DirectivesService,
  ) {}

  private limit(id: string, items: unknown[]) {
    if (!UUID.test(id)) throw notFound(id);
    if (tooLarge(items))
      throw new ApiError(
        HttpStatus.PAYLOAD_TOO_LARGE,
        BulkErrorCode.BATCH_TOO_LARGE,
        `items: at most ${BATCH_MAX_ITEMS} per batch (${items.length} given)`,
      );
  }

  /** The items the caller may act for (`report` on the unit), the others rejected 403 or 404 as the guard answers. */
  private async authorise<T extends { index: number; key: string; unitId: string }>(
    principal: RequestPrincipal,
    items: T[],
    results: BatchItemResult[],
    verb: string,
  ): Promise<T[]> {
    const paths = await unitPathsOf(this.dataSource, [...new Set(items.map((i) => i.unitId))]);
    return items.filter((item) => {
      const path = paths.get(item.unitId);
      const decision = path ? decide(principal, 'report', path) : 'hidden';
      if (decision === 'allow') return true;
      results.push(
        rejected(
          item.index,
          item.key,
          item.unitId,
          decision === 'forbidden'
            ? new ItemError(
                HttpStatus.FORBIDDEN,
                AuthErrorCode.FORBIDDEN,
                `items.${item.index}.unitId: your roles do not permit you to ${verb} for this unit`,
              )
            : new ItemError(
                HttpStatus.NOT_FOUND,
                'UNIT_NOT_FOUND',
                `items.${item.index}.unitId: unit ${item.unitId}: not found`,
              ),
        ),
      );
      return false;
    });
  }

  /** Parses, dedupes by key within the batch and authorises; what is left is to apply. */
  private async prepare<T extends { index: number; key: string; unitId: string }>(
    principal: RequestPrincipal,
    id: string,
    raw: unknown[],
    parse: (
      i: number,
      raw: unknown,
    ) => { ok: T } | { error: ItemError; key: string | null; unitId: string | null },
    verb: string,
  ) {
    this.limit(id, raw);
    const results: BatchItemResult[] = [];
    const parsed: T[] = [];
    raw.forEach((r, i) => {
      const p = parse(i, r);
      if ('ok' in p) parsed.push(p.ok);
      else results.push(rejected(i, p.key, p.unitId, p.error));
    });
    const { first, sameAs, reused } = repeatedKeys(parsed, (item) => canonical({ ...item, index: 0 }));
    for (const item of reused)
      results.push(rejected(item.index, item.key, item.unitId, keyReused(item.index)));
    const allowed = await this.authorise(principal, first, results, verb);
    return { results, allowed, sameAs };
  }

  /** Items that repeated an earlier one of the batch answer as its duplicate. */
  private finish(results: BatchItemResult[], sameAs: Map<number, number>): BatchAnswer {
    const byIndex = new Map(results.map((r) => [r.index, r]));
    for (const [index, of] of sameAs) {
      const earlier = byIndex.get(of)!;
      results.push(
        earlier.outcome === 'rejected'
          ? { ...earlier, index }
          : { ...earlier, index, outcome: 'duplicate', status: HttpStatus.OK },
      );
    }
    return answer(results);
  }

  /** A batch of acknowledgements (accept, edXML 03; return, 02), set-based. */
  async acknowledge(principal: RequestPrincipal, id: string, raw: unknown[]): Promise<BatchAnswer> {
    const { results, allowed, sameAs } = await this.prepare(
      principal,
      id,
      raw,
      parseAcknowledgementItem,
      'acknowledge',
    );
    // One answer per unit in a batch: a second item for a unit answered by another key is refused.
    const units = new Set<string>();
    const toApply = allowed.filter((item) => {
      if (!units.has(item.unitId)) return units.add(item.unitId);
      results.push(
        rejected(
          item.index,
          item.key,
          item.unitId,
          new ItemError(
            HttpStatus.UNPROCESSABLE_ENTITY,
            BulkErrorCode.BATCH_ITEM_REPEATED,
            `items.${item.index}.unitId: another item of this batch answers this unit`,
          ),
        ),
      );
      return false;
    });
    if (toApply.length) {
      const caller = callerOf(principal);
      // in a transaction of its own, so that the bulk route's statement and lock timeouts apply (long-running.ts)
      const outcome = await retryTransient(() =>
        this.dataSource.transaction((m) =>
          acknowledgeNodes(
            m,
            id,
            actingUser(principal),
            toApply.map((item) => ({
              unitId: item.unitId,
              status: item.decision === 'accept' ? 'accepted' : 'returned',
              reason: item.reason,
              role: roleAt(principal, item.unitId),
              key: `${caller}/${item.key}`,
            })),
          ),
        ),
      );
      if (outcome.directiveStatus === null) throw notFound(id);
      if (outcome.directiveStatus !== 'signed' && outcome.directiveStatus !== 'dispatched')
        throw new ApiError(
          HttpStatus.CONFLICT,
          DirectiveErrorCode.DIRECTIVE_INVALID_STATE,
          `the directive is ${outcome.directiveStatus}: nothing to acknowledge`,
        );
      outcome.items.forEach((o, n) => results.push(ackResult(toApply[n], o)));
    } else await this.directives.row(id);
    return this.finish(results, sameAs);
  }

  /** A batch of reports of one directive (any of its cycles and schedules but ad hoc streams), set-based. */
  async report(principal: RequestPrincipal, id: string, raw: unknown[]): Promise<BatchAnswer> {
    const { results, allowed, sameAs } = await this.prepare(principal, id, raw, parseReportItem, 'report');
    const directive = await this.directives.row(id);
    const reporting = directive.content.reporting as ReportingRequirement | undefined;
    const nodes = new Map(
      (await batchNodes(this.dataSource, id, [...new Set(allowed.map((i) => i.unitId))])).map((n) => [
        n.unit_id,
        n,
      ]),
    );
    const cycles = new Map<string, BatchCycle | ItemError>();
    const toFile: (ReportItemToFile & { item: ReportItem; key: number })[] = [];
    for (const item of allowed) {
      const fail = (e: ItemError) => results.push(rejected(item.index, item.key, item.unitId, e));
      const node = nodes.get(item.unitId);
      // Not routed to the unit: answered as a directive that does not exist, before its status is told.
      if (!node) {
        fail(notFoundItem(id, item.index));
        continue;
      }
      try {
        const key = keyOf(reporting, item.schedule, item.cycle, item.index);
        const ck = `${key}`;
        if (!cycles.has(ck)) cycles.set(ck, await this.batchCycle(id, directive, reporting, key, item.index));
        const c = cycles.get(ck)!;
        if (c instanceof ItemError)
          throw new ItemError(c.status, c.code, c.message.replace(/^items\.\d+/, `items.${item.index}`));
        checkItem(item, node, c);
        toFile.push({
          item,
          key,
          reportId: randomUUID(),
          unitId: item.unitId,
          cycle: key,
          values: item.values,
          requestKey: `${callerOf(principal)}/${item.key}`,
        });
      } catch (error) {
        if (error instanceof ItemError) fail(error);
        else throw error;
      }
    }
    if (toFile.length) {
      const filed = await retryTransient(() =>
        this.dataSource.transaction((m) =>
          fileReports(m, {
            directiveId: id,
            issuerId: directive.issuer_id,
            userId: actingUser(principal),
            items: toFile,
          }),
        ),
      );
      filed.forEach((f, n) => results.push(reportResult(toFile[n].item, f)));
      await this.closeAffected(id, directive.issuer_id, toFile, filed, cycles);
    }
    return this.finish(results, sameAs);
  }

  /** The cycle of a key, planned and stored when it has opened, checked once per batch. */
  private async batchCycle(
    id: string,
    directive: { status: string; dispatched_at: Date | null },
    reporting: ReportingRequirement | undefined,
    key: number,
    index: number,
  ): Promise<BatchCycle | ItemError> {
    if (ENDED.includes(directive.status))
      return new ItemError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.CYCLE_CLOSED,
        `items.${index}.cycle: the directive is ${directive.status}; its cycles take no more reports`,
      );
    if (directive.status !== 'dispatched')
      return new ItemError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.DIRECTIVE_INVALID_STATE,
        `the directive is ${directive.status}: reports follow dispatch`,
      );
    const form = reporting ? formOfSchedule(reporting, splitCycleKey(key).schedule) : null;
    const settings = reporting ? settingsOfKey(reporting, key) : null;
    if (!reporting || !form || !settings)
      return new ItemError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        DirectiveErrorCode.REPORTING_NOT_REQUIRED,
        'this directive asks for no report form',
      );
    if (settings.schedule.kind === 'adhoc')
      return new ItemError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        BulkErrorCode.BATCH_ITEM_INVALID,
        `items.${index}.schedule: an ad hoc stream's reports are filed one by one (POST /directives/:id/reports)`,
      );
    let planned;
    try {
      planned = await cycleToPlan(this.dataSource, id, key, {
        reporting,
        dispatchedAt: directive.dispatched_at?.toISOString() ?? null,
      });
    } catch (error) {
      if (error instanceof ScheduleError)
        return new ItemError(
          HttpStatus.UNPROCESSABLE_ENTITY,
          DirectiveErrorCode.CYCLE_NOT_FOUND,
          error.message,
        );
      throw error;
    }
    if (!planned)
      return new ItemError(
        HttpStatus.NOT_FOUND,
        DirectiveErrorCode.CYCLE_NOT_FOUND,
        `items.${index}.cycle: the schedule has no cycle ${splitCycleKey(key).index}`,
      );
    const cycle = cycleOfView(planned.view);
    if (Date.now() < Date.parse(cycle.opensAt))
      return new ItemError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.CYCLE_NOT_OPEN,
        `items.${index}.cycle: ${cycle.label} opens at ${cycle.opensAt}`,
      );
    await planned.store();
    return { form, cycle, phases: settings.schedule.kind === 'phases' };
  }

  /** After the batch: each on-time hub it reported to checked once for completeness (closing it, and up). */
  private async closeAffected(
    id: string,
    issuerId: string,
    toFile: { key: number }[],
    filed: FiledReportItem[],
    cycles: Map<string, BatchCycle | ItemError>,
  ) {
    const hubs = new Map<string, { hub: string; key: number }>();
    filed.forEach((f, n) => {
      if (f.outcome === 'filed' && !f.after_close && f.parent_unit_id)
        hubs.set(`${f.parent_unit_id}/${toFile[n].key}`, { hub: f.parent_unit_id, key: toFile[n].key });
    });
    // the hubs still open with every child answered, found in one query per cycle (most are not complete yet)
    const ready = new Map<number, Set<string>>();
    for (const key of new Set([...hubs.values()].map((h) => h.key)))
      ready.set(
        key,
        await hubsReadyToClose(
          this.dataSource,
          id,
          [...hubs.values()].filter((h) => h.key === key).map((h) => h.hub),
          key,
        ),
      );
    const issuerKeys = new Set<number>();
    for (const { hub, key } of hubs.values()) {
      if (!ready.get(key)!.has(hub)) continue;
      const c = cycles.get(`${key}`) as BatchCycle;
      const written: StoredAggregate[] = await closeIfComplete(
        this.dataSource,
        id,
        issuerId,
        hub,
        key,
        c.form,
      );
      if (written.some((a) => a.unitId === issuerId)) issuerKeys.add(key);
    }
    for (const key of issuerKeys)
      await rollUpIssuerAggregate(this.dataSource, id, key).catch((error: unknown) =>
        this.logger.warn(`roll-up of ${id} cycle ${key} failed: ${String(error)}`),
      );
  }
}

/** The caller's role at the unit itself, from the grants read with the principal (none for an API key). */
function roleAt(principal: RequestPrincipal, unitId: string): string | null {
  if (principal.kind !== 'user') return null;
  return (
    principal.grants
      .filter((g) => g.unitPath[g.unitPath.length - 1] === unitId)
      .map((g) => g.role)
      .sort()[0] ?? null
  );
}

const notFound = (id: string) =>
  new ApiError(HttpStatus.NOT_FOUND, DirectiveErrorCode.DIRECTIVE_NOT_FOUND, `directive ${id}: not found`);

const notFoundItem = (id: string, index: number) =>
  new ItemError(
    HttpStatus.NOT_FOUND,
    DirectiveErrorCode.DIRECTIVE_NOT_FOUND,
    `items.${index}.unitId: directive ${id}: not found`,
  );

function ackResult(
  item: AcknowledgementItemInput,
  o: Awaited<ReturnType<typeof acknowledgeNodes>>['items'][number],
): BatchItemResult {
  const base = { index: item.index, key: item.key, unitId: item.unitId };
  const refuse = (status: number, code: string, message: string) =>
    rejected(item.index, item.key, item.unitId, new ItemError(status, code, message));
  switch (o.outcome) {
    case 'answered':
    case 'same':
      return { ...base, outcome: 'accepted', status: HttpStatus.OK, result: o.answer };
    case 'duplicate':
      return { ...base, outcome: 'duplicate', status: HttpStatus.OK, result: o.answer };
    case 'key-reused':
      return rejected(item.index, item.key, item.unitId, keyReused(item.index));
    case 'not-routed':
      return refuse(
        HttpStatus.NOT_FOUND,
        DirectiveErrorCode.DIRECTIVE_NOT_FOUND,
        `items.${item.index}.unitId: directive not found`,
      );
    default:
      return refuse(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.ROUTING_NODE_INVALID_STATE,
        `items.${item.index}.decision: the directive is ${o.answer?.status ?? 'not delivered'} at this unit`,
      );
  }
}

function reportResult(item: ReportItem, f: FiledReportItem): BatchItemResult {
  const base = { index: item.index, key: item.key, unitId: item.unitId };
  if (f.outcome === 'key-reused') return rejected(item.index, item.key, item.unitId, keyReused(item.index));
  if (f.outcome === 'not-routed' || f.outcome === 'not-planned')
    return rejected(
      item.index,
      item.key,
      item.unitId,
      f.outcome === 'not-routed'
        ? new ItemError(
            HttpStatus.NOT_FOUND,
            DirectiveErrorCode.DIRECTIVE_NOT_FOUND,
            `items.${item.index}.unitId: directive not found`,
          )
        : new ItemError(
            HttpStatus.NOT_FOUND,
            DirectiveErrorCode.CYCLE_NOT_FOUND,
            `items.${item.index}.cycle: not planned`,
          ),
    );
  return {
    ...base,
    outcome: f.outcome === 'duplicate' ? 'duplicate' : 'accepted',
    status: f.outcome === 'duplicate' ? HttpStatus.OK : HttpStatus.CREATED,
    result: {
      cycle: item.cycle,
      revision: f.revision,
      late: f.late,
      afterClose: f.after_close,
      deadline: f.deadline?.toISOString() ?? null,
      values: f.values,
    },
  };
}

/** What the single route refuses of one item before it is filed: a hub, a returned unit, a closed phase, bad values. */
function checkItem(item: ReportItem, node: { is_hub: boolean; status: string; tier: number }, c: BatchCycle) {
  if (node.is_hub)
    throw new ItemError(
      HttpStatus.UNPROCESSABLE_ENTITY,
      DirectiveErrorCode.REPORT_NOT_EXPECTED,
      `items.${item.index}.unitId: this unit aggregates its subordinates' reports; it does not file its own`,
    );
  if (node.status === 'returned')
    throw new ItemError(
      HttpStatus.CONFLICT,
      DirectiveErrorCode.ROUTING_NODE_INVALID_STATE,
      `items.${item.index}.unitId: this unit returned the directive`,
    );
  const due = c.cycle.deadlines[Math.min(node.tier, c.cycle.deadlines.length - 1)];
  if (c.phases && Date.now() >= Date.parse(due))
    throw new ItemError(
      HttpStatus.CONFLICT,
      DirectiveErrorCode.CYCLE_CLOSED,
      `items.${item.index}.cycle: ${c.cycle.label} closed at ${due}; it takes no more reports`,
    );
  const problems = reportProblems(c.form, item.values as never);
  if (problems.length)
    throw new ItemError(
      HttpStatus.BAD_REQUEST,
      DirectiveErrorCode.REPORT_INVALID,
      problems.map((p) => `items.${item.index}.values.${p}`).join('; '),
    );
}

/** The cycle key of a schedule's cycle (the main schedule's keys are its indexes). */
function keyOf(
  reporting: ReportingRequirement | undefined,
  schedule: string | undefined,
  index: number,
  at: number,
) {
  if (schedule === undefined || schedule === MAIN_SCHEDULE) return index;
  const n = reporting ? scheduleNumber(reporting, schedule) : null;
  if (n === null)
    throw new ItemError(
      HttpStatus.NOT_FOUND,
      DirectiveErrorCode.CYCLE_NOT_FOUND,
      `items.${at}.schedule: this directive has no schedule ${schedule}`,
    );
  return cycleKey(n, index);
}
