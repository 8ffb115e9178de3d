import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@cascade/config';
import {
  acknowledgeNode,
  answerRecall,
  appendEvent,
  childCount,
  forwardingNode,
  issuerName,
  lockRecall,
  nodeAnswer,
  receivedNode,
  routingPage,
  unitsToForwardTo,
  withConnector,
  writeForward,
  type ForwardingNode,
  storeReportRoutes,
} from '@cascade/persistence';
import { startDispatchHub, updateDirective } from '@cascade/temporal';
import { closeUpdate, type ReportingRequirement } from '@cascade/contracts';
import { idsFromPath, planRouting } from '@cascade/domain';
import { ApiError } from '../common/api-error';
import { actingUser, actorAt, connectorAt, type RequestPrincipal } from '../auth/principal';
import { TemporalClient } from '../temporal/temporal.module';
import {
  AcknowledgeDto,
  ForwardDto,
  RecallResponseDto,
  RoutingQueryDto,
} from '../directives/dto/directive.dto';
import { directiveNotFound } from '../directives/directive-errors';
import { DirectiveErrorCode } from '../directives/directive-error-codes';
import { DirectivesService } from '../directives/directives.service';
import { requireSigningAuthority } from '../review/signing-authority';

/**
 * Routing: the tree a signed directive was dispatched along (the dispatch itself is the workflow's), each receiving
 * unit's acknowledgement, what a unit received, closing and recalling the directive with each unit's answer to a
 * recall, and a unit forwarding it to its own subordinates.
 */
@Injectable()
export class RoutingService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly temporal: TemporalClient,
    private readonly directives: DirectivesService,
  ) {}

  /** The routing nodes of a dispatched directive, by unit id, paginated (`nextCursor`). */
  async routing(id: string, q: RoutingQueryDto) {
    const rows = await routingPage(this.dataSource, id, q);
    const more = rows.length > q.limit;
    const items = rows.slice(0, q.limit);
    return { items, nextCursor: more ? items[items.length - 1].unitId : null };
  }

  /**
   * A receiving unit accepts (edXML 03) or returns (02, with the reason) a delivered directive. Repeating the same
   * answer is harmless; changing it afterwards is a conflict.
   */
  async acknowledge(principal: RequestPrincipal, id: string, dto: AcknowledgeDto) {
    if (dto.decision === 'return' && !dto.reason?.trim()) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        DirectiveErrorCode.DIRECTIVE_INVALID_INPUT,
        'reason: required to return a directive',
      );
    }
    const status = dto.decision === 'accept' ? 'accepted' : 'returned';
    // The caller's role at the unit, from the grants read with the principal (none for an API key but a connector's).
    const actor = actorAt(principal, dto.unitId);
    const outcome = await acknowledgeNode(this.dataSource, {
      directiveId: id,
      unitId: dto.unitId,
      status,
      userId: actingUser(principal),
      role: actor.role,
      reason: dto.reason ?? null,
      connector: actor.connector,
    });
    if (outcome.answer) return outcome.answer;
    // Nothing changed: why. A directive not routed to the unit is answered as one that does not exist, before its
    // status is told.
    if (outcome.directiveStatus === null || outcome.nodeStatus === null) throw directiveNotFound(id);
    if (outcome.directiveStatus !== 'signed' && outcome.directiveStatus !== 'dispatched') {
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.DIRECTIVE_INVALID_STATE,
        `the directive is ${outcome.directiveStatus}: nothing to acknowledge`,
      );
    }
    // Answered before (read again: a concurrent answer may have just committed). The same answer is harmless.
    const current = (await nodeAnswer(this.dataSource, id, dto.unitId))!;
    if (current.status !== status) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.ROUTING_NODE_INVALID_STATE,
        `the directive is ${current.status} at this unit`,
      );
    }
    return current;
  }

  /** What a routed unit sees of a directive: its content (the report form with it) and the unit's own node. */
  async received(id: string, unitId: string) {
    const node = await receivedNode(this.dataSource, id, unitId);
    // Not delivered to the unit (or no such directive): the same answer either way.
    if (!node) throw directiveNotFound(id);
    const directive = await this.directives.row(id);
    return {
      id: directive.id,
      symbol: directive.symbol,
      type: directive.doc_type,
      status: directive.status,
      issuerName: await issuerName(this.dataSource, id),
      signedAt: directive.signed_at?.toISOString() ?? null,
      content: directive.content,
      node: {
        unitId,
        status: node.status,
        statusCode: node.status_code,
        isHub: node.is_hub,
        deliveredAt: node.delivered_at?.toISOString() ?? null,
        acknowledgedAt: node.acknowledged_at?.toISOString() ?? null,
        recallStatus: node.recall_status,
      },
    };
  }

  /** Close (timers stop, open nodes get their final status) or recall (edXML 13) a dispatched directive. */
  async finish(
    principal: RequestPrincipal,
    id: string,
    action: 'close' | 'recall',
    reason: string | null,
    key: string,
  ) {
    const directive = await this.directives.row(id);
    if (directive.status !== 'dispatched') {
      // Answered here, without a round trip to the workflow (which has ended, or is not there yet).
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.DIRECTIVE_INVALID_STATE,
        `the directive is ${directive.status}: only a dispatched directive is ${action === 'close' ? 'closed' : 'recalled'}`,
      );
    }
    // Closing and recalling speak for the issuer as signing does: the same leader with an authority (never an API key).
    await requireSigningAuthority(this.dataSource, principal, directive.issuer_id);
    const actor = await this.directives.actor(principal, directive.issuer_id, 'sign');
    return this.directives.update(id, principal, key, (client, workflowId, updateId) =>
      updateDirective(client, workflowId, closeUpdate, [{ actor, action, reason }], updateId),
    );
  }

  /** A unit answers a recall: gives the directive back (edXML 15) or refuses (16, with the reason). */
  async answerRecall(principal: RequestPrincipal, id: string, dto: RecallResponseDto) {
    if (dto.decision === 'refuse' && !dto.reason?.trim()) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        DirectiveErrorCode.DIRECTIVE_INVALID_INPUT,
        'reason: required to refuse a recall',
      );
    }
    const answer = dto.decision === 'accept' ? 'accepted' : 'refused';
    return this.dataSource.transaction(async (m) => {
      const node = await lockRecall(m, id, dto.unitId);
      if (!node) throw directiveNotFound(id);
      const current = node.recallStatus;
      if (current !== 'requested' && current !== answer) {
        throw new ApiError(
          HttpStatus.CONFLICT,
          DirectiveErrorCode.ROUTING_NODE_INVALID_STATE,
          current ? `the recall was already ${current}` : 'the directive is not being recalled',
        );
      }
      if (current === 'requested') {
        await answerRecall(m, id, dto.unitId, answer, dto.reason ?? null);
        await appendEvent(m, {
          directiveId: id,
          action: `recall.${answer}`,
          actorUserId: actingUser(principal),
          // A connector is named (others' events stay as they were).
          actorRole: connectorAt(principal, dto.unitId)?.role,
          actorUnitId: dto.unitId,
          reason: dto.reason ?? null,
          data: withConnector({ unitId: dto.unitId }, connectorAt(principal, dto.unitId)),
        });
      }
      return nodeAnswer(m, id, dto.unitId);
    });
  }

  /**
   * A routed unit with subordinates forwards the directive as it is to them: they join the routing tree under it (it
   * becomes a hub that aggregates their reports; the levels above it move up a tier) and its own dispatch hub
   * workflow delivers to them. Forwarding again answers the same.
   */
  async forward(principal: RequestPrincipal, id: string, dto: ForwardDto) {
    // The unit's node first: a directive not routed to it is answered as one that does not exist, before its status.
    const node = await forwardingNode(this.dataSource, id, dto.unitId);
    if (!node) throw directiveNotFound(id);
    const directive = await this.directives.row(id);
    if (directive.status !== 'dispatched') {
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.DIRECTIVE_INVALID_STATE,
        `the directive is ${directive.status}: only a dispatched directive is forwarded`,
      );
    }
    if (!node.forwarded_at) {
      if (node.status !== 'accepted') {
        throw new ApiError(
          HttpStatus.CONFLICT,
          DirectiveErrorCode.ROUTING_NODE_INVALID_STATE,
          `unitId: the directive is ${node.status} at this unit; accept it before forwarding`,
        );
      }
      if (node.is_hub) {
        throw new ApiError(
          HttpStatus.CONFLICT,
          DirectiveErrorCode.FORWARD_NOT_POSSIBLE,
          'unitId: the issuer already routed this directive to units below this one',
        );
      }
      await this.writeForward(principal, id, dto, node);
    }
    // The unit is a hub now: its collector and where its aggregate goes (its routing parent, unless routed).
    const reporting = directive.content.reporting as ReportingRequirement | undefined;
    if (reporting)
      await this.dataSource.transaction((m) =>
        storeReportRoutes(m, id, directive.issuer_id, reporting.routes ?? [], reporting.targets ?? []),
      );
    // (Re)starting the unit's hub is idempotent: delivering twice changes nothing.
    const hubWorkflowId = await this.temporal.call((client) =>
      startDispatchHub(client, this.temporal.taskQueue, {
        directiveId: id,
        hubUnitId: dto.unitId,
        batchSize: this.config.DISPATCH_BATCH_SIZE,
      }),
    );
    return {
      unitId: dto.unitId,
      forwarded: await childCount(this.dataSource, id, dto.unitId),
      hubWorkflowId,
    };
  }

  private async writeForward(principal: RequestPrincipal, id: string, dto: ForwardDto, node: ForwardingNode) {
    const a = dto.addressees;
    if (a.mode === 'units' && !a.unitIds?.length) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        DirectiveErrorCode.DIRECTIVE_INVALID_INPUT,
        'addressees.unitIds: required when mode is units',
      );
    }
    const from = { unitId: dto.unitId, path: node.path };
    const units = await unitsToForwardTo(
      this.dataSource,
      id,
      from,
      a.mode === 'units' ? { unitIds: a.unitIds! } : { depth: a.mode === 'children' ? 1 : (a.depth ?? 1) },
    );
    if (a.mode === 'units' && units.length !== new Set(a.unitIds).size) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        DirectiveErrorCode.FORWARD_NOT_POSSIBLE,
        'addressees.unitIds: each must be an active unit below yours that has not received the directive',
      );
    }
    if (!units.length) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        DirectiveErrorCode.FORWARD_NOT_POSSIBLE,
        'addressees: no active unit below yours is left to forward to',
      );
    }
    const plan = planRouting(
      { id: dto.unitId, path: idsFromPath(node.path) },
      units.map((u) => ({ id: u.id, path: idsFromPath(u.path), active: u.active })),
    );
    const hubs = new Set(plan.hubs.map((h) => h.unitId));
    const nodes = plan.nodes.map((n) => ({
      unitId: n.unitId,
      parentUnitId: n.parentUnitId,
      depth: n.depth + node.depth,
      tier: n.tier,
      isHub: hubs.has(n.unitId),
    }));
    await this.dataSource.transaction(async (m) => {
      // false: a concurrent retry got there first
      if (!(await writeForward(m, id, dto.unitId, actingUser(principal), plan.issuerTier, nodes))) return;
      await appendEvent(m, {
        directiveId: id,
        action: 'forwarded',
        actorUserId: actingUser(principal),
        actorRole: connectorAt(principal, dto.unitId)?.role,
        actorUnitId: dto.unitId,
        data: withConnector(
          { unitId: dto.unitId, nodes: plan.nodes.length },
          connectorAt(principal, dto.unitId),
        ),
      });
    });
  }
}
