import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@cascade/config';
import {
  activeUnits,
  activeUnitsBelow,
  appendEvent,
  deleteUnstartedDraft,
  draftedBefore,
  directiveStatus,
  draftVersions,
  eventsOf,
  insertDraft,
  isDirectiveRoutedTo,
  isReceivedBy,
  linksOf,
  type LinkKey,
  lockForEdit,
  replaceLinks,
  saveDraftVersion,
  configuredTargets,
  routeUnits,
  type DirectiveLink,
} from '@cascade/persistence';
import { directiveIdFor, startDirectiveWorkflow } from '@cascade/temporal';
import { directiveWorkflowId, type DirectiveWorkflowInput, type Page } from '@cascade/contracts';
import { decodeCursor, isExactTime, isUuid, pageOf, PageQueryDto, tupleOf } from '../common/page';
import {
  can,
  formProblems,
  idsFromPath,
  ladderProblems,
  pathLabel,
  reportRouteProblems,
  scheduleProblems,
  schedulesProblems,
  staggerProblems,
} from '@cascade/domain';
import { ApiError } from '../common/api-error';
import { callerOf, idempotencyKeyReused } from '../idempotency/idempotency.interceptor';
import { actingUser, type RequestPrincipal } from '../auth/principal';
import { TemporalClient } from '../temporal/temporal.module';
import { CreateDirectiveDto, DirectiveContentDto, EditDirectiveDto } from '../directives/dto/directive.dto';
import { DirectiveErrorCode } from '../directives/directive-error-codes';
import { DirectivesService } from '../directives/directives.service';

const CONTENT_KEYS = [
  'place',
  'subject',
  'body',
  'tasks',
  'addressees',
  'copyRecipients',
  'implements',
  'attachments',
  'reporting',
  'supersedes',
] as const;

/** The content part of a draft request, as plain JSON (absent fields dropped). */
function contentOf(dto: DirectiveContentDto): Record<string, unknown> {
  return JSON.parse(JSON.stringify(Object.fromEntries(CONTENT_KEYS.map((k) => [k, dto[k]])))) as Record<
    string,
    unknown
  >;
}

const invalid = (code: DirectiveErrorCode, problems: string[], prefix: string) =>
  new ApiError(HttpStatus.BAD_REQUEST, code, problems.map((p) => `${prefix}${p}`).join('; '));

/**
 * Drafting: a clerk's draft, checked (addressees, form, schedule, ladder, links) before it is stored, each edit kept
 * as a version, and the directive's workflow started with it.
 */
@Injectable()
export class DraftingService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly temporal: TemporalClient,
    private readonly directives: DirectivesService,
  ) {}

  private validateContent(dto: DirectiveContentDto): void {
    if (dto.addressees.mode === 'units' && !dto.addressees.unitIds?.length) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        DirectiveErrorCode.DIRECTIVE_INVALID_INPUT,
        'addressees.unitIds: required when mode is units',
      );
    }
    if (dto.addressees.mode === 'subtree' && !dto.addressees.depth) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        DirectiveErrorCode.DIRECTIVE_INVALID_INPUT,
        'addressees.depth: required when mode is subtree',
      );
    }
    const reporting = dto.reporting;
    if (!reporting) return;
    if (reporting.form) {
      const problems = formProblems(reporting.form);
      if (problems.length) throw invalid(DirectiveErrorCode.REPORT_FORM_INVALID, problems, 'reporting.form.');
    }
    if (reporting.escalation) {
      const problems = ladderProblems(reporting.escalation);
      if (problems.length)
        throw invalid(DirectiveErrorCode.DIRECTIVE_INVALID_INPUT, problems, 'reporting.escalation.');
    }
    if (reporting.stagger) {
      const problems = staggerProblems(reporting.stagger, reporting.schedule?.kind);
      if (problems.length) throw invalid(DirectiveErrorCode.DIRECTIVE_INVALID_INPUT, problems, 'reporting.');
    }
    const problems = scheduleProblems(reporting.schedule);
    if (problems.length)
      throw invalid(DirectiveErrorCode.DIRECTIVE_SCHEDULE_INVALID, problems, 'reporting.schedule.');
    const more = schedulesProblems(reporting.schedules);
    if (more.length) throw invalid(DirectiveErrorCode.DIRECTIVE_SCHEDULE_INVALID, more, 'reporting.');
    for (const [i, s] of (reporting.schedules ?? []).entries()) {
      const form = s.form ? formProblems(s.form) : [];
      if (form.length)
        throw invalid(DirectiveErrorCode.REPORT_FORM_INVALID, form, `reporting.schedules.${i}.form.`);
      const ladder = s.escalation ? ladderProblems(s.escalation) : [];
      if (ladder.length)
        throw invalid(
          DirectiveErrorCode.DIRECTIVE_INVALID_INPUT,
          ladder,
          `reporting.schedules.${i}.escalation.`,
        );
    }
    // Unit ids as PostgreSQL writes them (lower case), so that the stored routes match the routing tree's.
    for (const r of reporting.routes ?? []) {
      if (typeof r?.hubUnitId === 'string') r.hubUnitId = r.hubUnitId.toLowerCase();
      if (typeof r?.viaUnitId === 'string') r.viaUnitId = r.viaUnitId.toLowerCase();
      for (const t of Array.isArray(r?.to) ? r.to : []) {
        if (typeof t?.unitId === 'string') t.unitId = t.unitId.toLowerCase();
        if (typeof t?.viaUnitId === 'string') t.viaUnitId = t.viaUnitId.toLowerCase();
      }
    }
    const routes = reportRouteProblems(reporting.routes);
    if (routes.length) throw invalid(DirectiveErrorCode.DIRECTIVE_INVALID_INPUT, routes, 'reporting.');
  }

  /**
   * A route names units the drafter may route reports through: its hub is the issuer or a unit below it; a collecting
   * department (`viaUnitId`) is a department of the body it collects for; a target is the hub itself or one of its
   * superiors, a unit the drafter can see, or a report target the organisation configured for the hub (a Party
   * committee in another tree). A unit that is none of these is refused as one that does not exist.
   */
  private async checkRoutes(principal: RequestPrincipal, issuerId: string, dto: DirectiveContentDto) {
    const routes = dto.reporting?.routes ?? [];
    if (!routes.length) return;
    const ids = routes.flatMap((r) => [
      r.hubUnitId ?? issuerId,
      ...(r.viaUnitId ? [r.viaUnitId] : []),
      ...(r.to ?? []).flatMap((t) => [t.unitId, ...(t.viaUnitId ? [t.viaUnitId] : [])]),
    ]);
    const units = await routeUnits(this.dataSource, [...new Set([...ids, issuerId])]);
    const configured = await configuredTargets(
      this.dataSource,
      routes.map((r) => r.hubUnitId ?? issuerId),
    );
    const issuer = units.get(issuerId)!;
    const refuse = (field: string, message: string) => {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        DirectiveErrorCode.DIRECTIVE_INVALID_INPUT,
        `reporting.routes.${field}: ${message}`,
        [{ field: `reporting.routes.${field}`, problems: [message] }],
      );
    };
    const department = (field: string, id: string, bodyId: string) => {
      const unit = units.get(id);
      if (!unit || !unit.active) return refuse(field, 'not an active unit');
      if (unit.kind === 'department' && unit.parentId === bodyId) return;
      // A unit the drafter cannot see is refused exactly as one that does not exist.
      const visible =
        can(principal, 'view', idsFromPath(unit.path)) || unit.path.startsWith(issuer.path + '.');
      refuse(field, visible ? 'not a department of the body it collects for' : 'not an active unit');
    };
    for (const [i, route] of routes.entries()) {
      const hubId = route.hubUnitId ?? issuerId;
      const hub = units.get(hubId);
      if (!hub?.active || (hubId !== issuerId && !hub.path.startsWith(issuer.path + '.')))
        refuse(`${i}.hubUnitId`, 'not an active unit below the issuer');
      if (route.viaUnitId) department(`${i}.viaUnitId`, route.viaUnitId, hubId);
      for (const [j, target] of (route.to ?? []).entries()) {
        const unit = units.get(target.unitId);
        const reachable =
          unit?.active &&
          (unit.id === hubId ||
            hub!.path.split('.').includes(pathLabel(unit.id)) ||
            can(principal, 'view', idsFromPath(unit.path)) ||
            configured.get(hubId)?.has(unit.id));
        if (!reachable) refuse(`${i}.to.${j}.unitId`, 'not a unit this directive can report to');
        if (target.viaUnitId) department(`${i}.to.${j}.viaUnitId`, target.viaUnitId, target.unitId);
      }
    }
  }

  /** Listed addressees must be active units below the issuer: a wrong id is refused now, not dropped at dispatch. */
  private async checkAddressees(issuerId: string, dto: DirectiveContentDto): Promise<void> {
    const ids = dto.addressees.mode === 'units' ? (dto.addressees.unitIds ?? []) : [];
    if (!ids.length) return;
    const ok = await activeUnitsBelow(this.dataSource, issuerId, ids);
    const bad = ids.findIndex((id) => !ok.has(id));
    if (bad >= 0) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        DirectiveErrorCode.DIRECTIVE_INVALID_INPUT,
        `addressees.unitIds.${bad}: not an active unit below the issuer`,
      );
    }
  }

  /** Extra report targets must be active units. */
  private async checkTargets(dto: DirectiveContentDto): Promise<void> {
    const ids = dto.reporting?.targets ?? [];
    if (!ids.length) return;
    const ok = await activeUnits(this.dataSource, ids);
    const bad = ids.findIndex((id) => !ok.has(id));
    if (bad >= 0) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        DirectiveErrorCode.DIRECTIVE_INVALID_INPUT,
        `reporting.targets.${bad}: not an active unit`,
      );
    }
  }

  /**
   * The links a draft declares: each directive it implements must have been routed to its issuer (the implementing
   * directive hangs under that routing node), or be a document the issuer registered as received from outside (its
   * incoming register); the one it supersedes must be a dispatched directive of the same issuer.
   */
  private async declaredLinks(issuerId: string, dto: DirectiveContentDto): Promise<DirectiveLink[]> {
    const links: DirectiveLink[] = [];
    for (const [i, ref] of (dto.implements ?? []).entries()) {
      if (!ref.directiveId) continue;
      const known =
        (await isDirectiveRoutedTo(this.dataSource, ref.directiveId, issuerId)) ||
        (await isReceivedBy(this.dataSource, ref.directiveId, issuerId));
      if (!known) {
        throw new ApiError(
          HttpStatus.UNPROCESSABLE_ENTITY,
          DirectiveErrorCode.DIRECTIVE_LINK_INVALID,
          `implements.${i}.directiveId: not a directive routed to the issuer`,
        );
      }
      links.push({ toId: ref.directiveId, kind: 'implements', unitId: issuerId });
    }
    if (dto.supersedes) {
      const superseded = await directiveStatus(this.dataSource, dto.supersedes);
      if (!superseded || superseded.issuerId !== issuerId || superseded.status !== 'dispatched') {
        throw new ApiError(
          HttpStatus.UNPROCESSABLE_ENTITY,
          DirectiveErrorCode.DIRECTIVE_LINK_INVALID,
          'supersedes: not a dispatched directive of the same issuer',
        );
      }
      links.push({ toId: dto.supersedes, kind: 'supersedes', unitId: null });
    }
    return links;
  }

  /**
   * Drafts a directive and starts its workflow. The id derives from the caller and the Idempotency-Key (UUID v5), so
   * that a retry of a start that timed out (perhaps after Temporal started the workflow, or after this process died
   * before it answered) finds the same directive and its workflow instead of making an orphan: the route is
   * self-idempotent.
   */
  async create(principal: RequestPrincipal, dto: CreateDirectiveDto, idempotencyKey: string) {
    this.validateContent(dto);
    await this.checkAddressees(dto.issuerId, dto);
    await this.checkTargets(dto);
    await this.checkRoutes(principal, dto.issuerId, dto);
    const links = await this.declaredLinks(dto.issuerId, dto);
    const id = directiveIdFor(callerOf(principal), idempotencyKey);
    const content = contentOf(dto);
    const workflowId = directiveWorkflowId(id);
    const before = await draftedBefore(this.dataSource, id, { issuerId: dto.issuerId, content });
    // A directive drafted under this key with another body (the key's record purged since): the key is spent.
    if (before && !before.sameRequest) throw idempotencyKeyReused();
    // Past its draft, its workflow surely runs (or ran): answer it as it is now.
    if (before && before.status !== 'draft') return this.directives.get(id);
    if (!before) {
      await this.dataSource.transaction(async (m) => {
        await insertDraft(m, {
          id,
          issuerId: dto.issuerId,
          docType: dto.type,
          content,
          workflowId,
          createdBy: actingUser(principal),
        });
        await replaceLinks(m, id, links);
      });
    }
    const input: DirectiveWorkflowInput = {
      directiveId: id,
      issuerId: dto.issuerId,
      reviewReminderSeconds: this.config.REVIEW_REMINDER_SECONDS,
      maxReminders: 10,
      dispatchBatchSize: this.config.DISPATCH_BATCH_SIZE,
      ackReminderSeconds: this.config.ACK_REMINDER_SECONDS,
    };
    try {
      await this.temporal.call((client) =>
        startDirectiveWorkflow(client, this.temporal.taskQueue, workflowId, input),
      );
    } catch (error) {
      // No directive without its workflow: undo, so that the client's retry starts clean (if the start did reach
      // Temporal, the retry drafts the same id again and finds its workflow). Its trail starts only once the
      // workflow runs: the event table is append-only.
      await this.dataSource.transaction((m) => deleteUnstartedDraft(m, id));
      throw error;
    }
    await appendEvent(this.dataSource, {
      directiveId: id,
      action: 'drafted',
      actorUserId: actingUser(principal),
      actorUnitId: dto.issuerId,
      data: { version: 1 },
      dedupeKey: `drafted/${id}`,
    });
    return this.directives.get(id);
  }

  /** Edits a draft: a new version, kept with the old ones. Only drafts change; a stale version is a conflict. */
  async edit(principal: RequestPrincipal, id: string, dto: EditDirectiveDto) {
    this.validateContent(dto);
    const issuerId = (await this.directives.row(id)).issuer_id;
    await this.checkAddressees(issuerId, dto);
    await this.checkTargets(dto);
    await this.checkRoutes(principal, issuerId, dto);
    const links = await this.declaredLinks(issuerId, dto);
    const content = contentOf(dto);
    await this.dataSource.transaction(async (m) => {
      const current = await lockForEdit(m, id);
      if (current.status !== 'draft') {
        throw new ApiError(
          HttpStatus.CONFLICT,
          DirectiveErrorCode.DIRECTIVE_INVALID_STATE,
          `the directive is ${current.status}: only drafts can be edited`,
        );
      }
      if (current.version !== dto.version) {
        throw new ApiError(
          HttpStatus.CONFLICT,
          DirectiveErrorCode.DIRECTIVE_VERSION_STALE,
          `version: the current version is ${current.version}`,
        );
      }
      const version = current.version + 1;
      await saveDraftVersion(m, id, version, content, actingUser(principal));
      await appendEvent(m, {
        directiveId: id,
        action: 'edited',
        actorUserId: actingUser(principal),
        data: { version },
      });
      await replaceLinks(m, id, links);
    });
    return this.directives.get(id);
  }

  async versions(id: string): Promise<unknown[]> {
    return draftVersions(this.dataSource, id);
  }

  /** A page of the directive's events, in order (after the event of `cursor`). */
  async events(id: string, q: PageQueryDto): Promise<Page<unknown>> {
    const after = decodeCursor(
      'events',
      q.cursor,
      (v): v is string => typeof v === 'string' && /^\d{1,19}$/.test(v),
    );
    return pageOf('events', await eventsOf(this.dataSource, id, { after, limit: q.limit }));
  }

  /**
   * The chain, both ways: what this directive implements or supersedes, and what supersedes it; what implements it
   * (one directive per body that does: it grows with the units) is a page, `implementedBy: { items, nextCursor }`.
   */
  async links(id: string, q: PageQueryDto) {
    const after = decodeCursor('links', q.cursor, tupleOf<LinkKey>(isExactTime, isUuid));
    await this.directives.row(id);
    const { outgoing, incoming, implementedBy } = await linksOf(this.dataSource, id, {
      after,
      limit: q.limit,
    });
    const pick = (rows: { kind: string }[], kind: string) =>
      rows.filter((r) => r.kind === kind).map(({ kind: _kind, ...rest }) => rest);
    const page = pageOf('links', implementedBy);
    return {
      implements: pick(outgoing, 'implements'),
      implementedBy: { items: pick(page.items, 'implements'), nextCursor: page.nextCursor },
      supersedes: pick(outgoing, 'supersedes'),
      supersededBy: pick(incoming, 'supersedes'),
    };
  }
}
