import { createHash, randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import {
  closeIfComplete,
  missingBelow,
  propagateUp,
  recordAggregateEvent,
  retryTransient,
  verifyDirectiveSignature,
  type StoredAggregate,
  cycleToPlan,
  storedCycles,
} from '@cascade/persistence';
import { ApplicationFailure } from '@temporalio/common';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@cascade/config';
import {
  cancelUpdate,
  closeUpdate,
  DirectiveFailure,
  reportingStateQuery,
  reportingWorkflowId,
  type ReportingState,
  dispatchHubWorkflowId,
  dispatchHubWorkflowType,
  directiveStateQuery,
  directiveWorkflowId,
  directiveWorkflowType,
  reviewUpdate,
  signUpdate,
  submitForReviewUpdate,
  type Actor,
  type DirectiveState,
  type DirectiveWorkflowInput,
} from '@cascade/contracts';
import {
  aggregate,
  aggregateValue,
  cycleOfView,
  formProblems,
  idsFromPath,
  planRouting,
  ladderProblems,
  reportProblems,
  ScheduleError,
  scheduleProblems,
  staggerProblems,
  type Aggregate,
  type Coverage,
  type Cycle,
  type CycleView,
  type ReportForm,
  type ReportingSettings,
  type ReportValues,
  type Schedule,
  type UnitReport,
} from '@cascade/domain';
import { ApiError } from '../common/api-error';
import { actingUser, type RequestPrincipal } from '../auth/principal';
import { TemporalClient } from '../temporal/temporal.module';
import {
  AcknowledgeDto,
  CancelDto,
  CreateDirectiveDto,
  DirectiveContentDto,
  EditDirectiveDto,
  CyclesQueryDto,
  EscalationQueryDto,
  ForwardDto,
  RecallResponseDto,
  ReportQueryDto,
  ReviewDto,
  RoutingQueryDto,
  SubmitReportDto,
} from './dto/directive.dto';
import { DirectiveErrorCode } from './directives.exceptions';

/** A routing node as the answers to acknowledgements and recalls show it. */
/** The columns of a routing node's answer, from the table named `t`. */
const nodeAnswerColumns = (t: string) =>
  `${t}.unit_id AS "unitId", ${t}.status, ${t}.status_code AS "statusCode", ${t}.acknowledged_at AS "acknowledgedAt",
   ${t}.returned_reason AS "returnedReason", ${t}.recall_status AS "recallStatus", ${t}.recall_reason AS "recallReason"`;

async function nodeAnswer(m: EntityManager, directiveId: string, unitId: string): Promise<unknown> {
  const rows: unknown[] = await m.query(
    `SELECT ${nodeAnswerColumns('r')} FROM routing_node r WHERE directive_id = $1 AND unit_id = $2`,
    [directiveId, unitId],
  );
  return rows[0];
}

/** What `cascade_file_report` answers. */
interface FiledReport {
  revision: number;
  late: boolean;
  after_close: boolean;
  deadline: Date;
  values: unknown;
  parent_unit_id: string;
  /** The request's key filed this report before: nothing was written. */
  filed_before: boolean;
  /** With the lock shared, the parent's aggregation had closed: nothing was written; file it again alone. */
  retry_alone: boolean;
}

/** The answer for a unit the directive was not routed to. */
const notRouted = () =>
  new ApiError(
    HttpStatus.NOT_FOUND,
    DirectiveErrorCode.ROUTING_NODE_NOT_FOUND,
    'unitId: the directive was not routed to this unit',
  );

interface Link {
  toId: string;
  kind: 'implements' | 'supersedes';
  unitId: string | null;
}

const FAILURE_STATUS: Record<string, HttpStatus> = {
  [DirectiveFailure.INVALID_STATE]: HttpStatus.CONFLICT,
  [DirectiveFailure.VERSION_STALE]: HttpStatus.CONFLICT,
  [DirectiveFailure.NOT_YOUR_TURN]: HttpStatus.FORBIDDEN,
  [DirectiveFailure.REVIEW_CHAIN_EMPTY]: HttpStatus.CONFLICT,
  [DirectiveFailure.BUSY]: HttpStatus.CONFLICT,
  [DirectiveFailure.INVALID_INPUT]: HttpStatus.BAD_REQUEST,
};

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

interface DirectiveRow {
  id: string;
  issuer_id: string;
  doc_type: string;
  status: string;
  version: number;
  content: Record<string, unknown>;
  workflow_id: string;
  year: number | null;
  number: number | null;
  symbol: string | null;
  signed_at: Date | null;
  signer_user_id: string | null;
  signer_authority: string | null;
  signer_position: string | null;
  signer_name: string | null;
  signer_key_id: string | null;
  canonical_sha256: string | null;
  signature: string | null;
  signed_payload: string | null;
  dispatched_at: Date | null;
  closed_at: Date | null;
  close_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

const directiveNotFound = (id: string) =>
  new ApiError(HttpStatus.NOT_FOUND, DirectiveErrorCode.DIRECTIVE_NOT_FOUND, `directive ${id}: not found`);

@Injectable()
export class DirectivesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly temporal: TemporalClient,
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
    if (dto.reporting?.form) {
      const formErrors = formProblems(dto.reporting.form as unknown as ReportForm);
      if (formErrors.length) {
        throw new ApiError(
          HttpStatus.BAD_REQUEST,
          DirectiveErrorCode.REPORT_FORM_INVALID,
          formErrors.map((p) => `reporting.form.${p}`).join('; '),
        );
      }
    }
    if (dto.reporting?.escalation) {
      const problems = ladderProblems(dto.reporting.escalation);
      if (problems.length) {
        throw new ApiError(
          HttpStatus.BAD_REQUEST,
          DirectiveErrorCode.DIRECTIVE_INVALID_INPUT,
          problems.map((p) => `reporting.escalation.${p}`).join('; '),
        );
      }
    }
    if (dto.reporting?.stagger) {
      const problems = staggerProblems(
        dto.reporting.stagger,
        (dto.reporting.schedule as { kind?: Schedule['kind'] })?.kind,
      );
      if (problems.length) {
        throw new ApiError(
          HttpStatus.BAD_REQUEST,
          DirectiveErrorCode.DIRECTIVE_INVALID_INPUT,
          problems.map((p) => `reporting.${p}`).join('; '),
        );
      }
    }
    if (dto.reporting) {
      const problems = scheduleProblems(dto.reporting.schedule as unknown as Schedule);
      if (problems.length) {
        throw new ApiError(
          HttpStatus.BAD_REQUEST,
          DirectiveErrorCode.DIRECTIVE_SCHEDULE_INVALID,
          problems.map((p) => `reporting.schedule.${p}`).join('; '),
        );
      }
    }
  }

  /** Listed addressees must be active units below the issuer: a wrong id is refused now, not dropped at dispatch. */
  private async checkAddressees(issuerId: string, dto: DirectiveContentDto): Promise<void> {
    const ids = dto.addressees.mode === 'units' ? (dto.addressees.unitIds ?? []) : [];
    if (!ids.length) return;
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT u.id FROM unit u, unit i
        WHERE i.id = $1 AND u.id = ANY($2::uuid[]) AND u.path <@ i.path AND u.id <> i.id AND u.active`,
      [issuerId, ids],
    );
    const ok = new Set(rows.map((r) => r.id));
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
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM unit WHERE id = ANY($1::uuid[]) AND active`,
      [ids],
    );
    const ok = new Set(rows.map((r) => r.id));
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
   * directive hangs under that routing node); the one it supersedes must be a dispatched directive of the same issuer.
   */
  private async declaredLinks(issuerId: string, dto: DirectiveContentDto): Promise<Link[]> {
    const links: Link[] = [];
    for (const [i, ref] of (dto.implements ?? []).entries()) {
      if (!ref.directiveId) continue;
      const rows: unknown[] = await this.dataSource.query(
        `SELECT 1 FROM directive d JOIN routing_node r ON r.directive_id = d.id AND r.unit_id = $2 WHERE d.id = $1`,
        [ref.directiveId, issuerId],
      );
      if (!rows.length) {
        throw new ApiError(
          HttpStatus.UNPROCESSABLE_ENTITY,
          DirectiveErrorCode.DIRECTIVE_LINK_INVALID,
          `implements.${i}.directiveId: not a directive routed to the issuer`,
        );
      }
      links.push({ toId: ref.directiveId, kind: 'implements', unitId: issuerId });
    }
    if (dto.supersedes) {
      const rows: { status: string; issuer_id: string }[] = await this.dataSource.query(
        `SELECT status, issuer_id FROM directive WHERE id = $1`,
        [dto.supersedes],
      );
      if (!rows.length || rows[0].issuer_id !== issuerId || rows[0].status !== 'dispatched') {
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

  private async writeLinks(m: EntityManager, fromId: string, links: Link[]): Promise<void> {
    await m.query(`DELETE FROM directive_link WHERE from_id = $1`, [fromId]);
    for (const l of links) {
      await m.query(
        `INSERT INTO directive_link (from_id, to_id, kind, to_unit_id) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING`,
        [fromId, l.toId, l.kind, l.unitId],
      );
    }
  }

  /** The caller as the workflow records it: its role in the issuer (the first one it holds there). */
  private async actor(principal: RequestPrincipal, issuerId: string): Promise<Actor> {
    const rows: { role: string }[] = await this.dataSource.query(
      `SELECT role FROM membership WHERE user_id = $1 AND unit_id = $2 ORDER BY role LIMIT 1`,
      [principal.id, issuerId],
    );
    return {
      userId: principal.id,
      name: principal.name ?? principal.id,
      role: rows[0]?.role ?? (principal.systemAdmin ? 'system_admin' : null),
      unitId: issuerId,
    };
  }

  async create(principal: RequestPrincipal, dto: CreateDirectiveDto) {
    this.validateContent(dto);
    await this.checkAddressees(dto.issuerId, dto);
    await this.checkTargets(dto);
    const links = await this.declaredLinks(dto.issuerId, dto);
    const id = randomUUID();
    const content = contentOf(dto);
    const workflowId = directiveWorkflowId(id);
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO directive (id, issuer_id, doc_type, status, version, content, workflow_id, created_by) VALUES ($1,$2,$3,'draft',1,$4,$5,$6)`,
        [id, dto.issuerId, dto.type, JSON.stringify(content), workflowId, actingUser(principal)],
      );
      await m.query(
        `INSERT INTO directive_version (directive_id, version, content, edited_by) VALUES ($1, 1, $2, $3)`,
        [id, JSON.stringify(content), actingUser(principal)],
      );
      await this.writeLinks(m, id, links);
    });
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
        client.workflow.start(directiveWorkflowType, {
          workflowId,
          taskQueue: this.temporal.taskQueue,
          args: [input],
        }),
      );
    } catch (error) {
      // No directive without its workflow: undo, so that the client's retry starts clean. (Its trail starts only
      // once the workflow runs: the event table is append-only.)
      await this.dataSource.transaction(async (m) => {
        await m.query(`DELETE FROM directive_link WHERE from_id = $1`, [id]);
        await m.query(`DELETE FROM directive_version WHERE directive_id = $1`, [id]);
        await m.query(`DELETE FROM directive WHERE id = $1`, [id]);
      });
      throw error;
    }
    await this.dataSource.query(
      `INSERT INTO directive_event (directive_id, actor_user_id, actor_unit_id, action, data) VALUES ($1,$2,$3,'drafted',$4)`,
      [id, actingUser(principal), dto.issuerId, JSON.stringify({ version: 1 })],
    );
    return this.get(id);
  }

  /** The issuing unit of a directive (404 when there is no such directive), without loading the rest. */
  async issuerOf(id: string): Promise<string> {
    const rows: { issuer_id: string }[] = await this.dataSource.query(
      `SELECT issuer_id FROM directive WHERE id = $1`,
      [id],
    );
    if (!rows.length) throw directiveNotFound(id);
    return rows[0].issuer_id;
  }

  private async row(id: string): Promise<DirectiveRow> {
    const rows: DirectiveRow[] = await this.dataSource.query(`SELECT * FROM directive WHERE id = $1`, [id]);
    if (!rows.length) throw directiveNotFound(id);
    return rows[0];
  }

  /**
   * The record from PostgreSQL. The review state (reviewers, step, decisions) comes from the workflow: passed in by
   * the update that just ran, or queried when `live` is asked for (which needs a worker to answer).
   */
  async get(id: string, live: DirectiveState | 'query' | null = null) {
    const d = await this.row(id);
    let state: DirectiveState | null = live === 'query' ? null : live;
    let reporting: ReportingState | null = null;
    if (live === 'query') {
      state = await this.temporal.call(
        (client) => client.workflow.getHandle(d.workflow_id).query(directiveStateQuery),
        5_000,
      );
      if (d.status === 'dispatched') {
        // The current cycle's timers, when the directive reports on a schedule (absent otherwise).
        reporting = await this.temporal
          .call(
            (client) => client.workflow.getHandle(reportingWorkflowId(id)).query(reportingStateQuery),
            5_000,
          )
          .catch(() => null);
      }
    }
    const review = state
      ? {
          reviewers: state.reviewers,
          reviewStep: state.reviewStep,
          decisions: state.decisions,
          remindersSent: state.remindersSent,
        }
      : null;
    return {
      id: d.id,
      issuerId: d.issuer_id,
      type: d.doc_type,
      status: d.status,
      version: d.version,
      content: d.content,
      number: d.number,
      symbol: d.symbol,
      year: d.year,
      signedAt: d.signed_at?.toISOString() ?? null,
      signer: d.signer_user_id
        ? {
            userId: d.signer_user_id,
            authority: d.signer_authority,
            position: d.signer_position,
            name: d.signer_name,
            keyId: d.signer_key_id,
          }
        : null,
      sha256: d.canonical_sha256,
      signature: d.signature,
      workflowId: d.workflow_id,
      dispatchedAt: d.dispatched_at?.toISOString() ?? null,
      closedAt: d.closed_at?.toISOString() ?? null,
      closeReason: d.close_reason,
      review,
      ...(live === 'query' ? { reporting } : {}),
      createdAt: d.created_at.toISOString(),
      updatedAt: d.updated_at.toISOString(),
    };
  }

  /** Edits a draft: a new version, kept with the old ones. Only drafts change; a stale version is a conflict. */
  async edit(principal: RequestPrincipal, id: string, dto: EditDirectiveDto) {
    this.validateContent(dto);
    const issuerId = (await this.row(id)).issuer_id;
    await this.checkAddressees(issuerId, dto);
    await this.checkTargets(dto);
    const links = await this.declaredLinks(issuerId, dto);
    const content = contentOf(dto);
    await this.dataSource.transaction(async (m) => {
      const rows: { status: string; version: number }[] = await m.query(
        `SELECT status, version FROM directive WHERE id = $1 FOR UPDATE`,
        [id],
      );
      const [d] = rows;
      if (d.status !== 'draft') {
        throw new ApiError(
          HttpStatus.CONFLICT,
          DirectiveErrorCode.DIRECTIVE_INVALID_STATE,
          `the directive is ${d.status}: only drafts can be edited`,
        );
      }
      if (d.version !== dto.version) {
        throw new ApiError(
          HttpStatus.CONFLICT,
          DirectiveErrorCode.DIRECTIVE_VERSION_STALE,
          `version: the current version is ${d.version}`,
        );
      }
      const version = d.version + 1;
      await m.query(`UPDATE directive SET content = $2, version = $3, updated_at = now() WHERE id = $1`, [
        id,
        JSON.stringify(content),
        version,
      ]);
      await m.query(
        `INSERT INTO directive_version (directive_id, version, content, edited_by) VALUES ($1,$2,$3,$4)`,
        [id, version, JSON.stringify(content), actingUser(principal)],
      );
      await m.query(
        `INSERT INTO directive_event (directive_id, actor_user_id, action, data) VALUES ($1,$2,'edited',$3)`,
        [id, actingUser(principal), JSON.stringify({ version })],
      );
      await this.writeLinks(m, id, links);
    });
    return this.get(id);
  }

  async versions(id: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT version, content, edited_by AS "editedBy", edited_at AS "editedAt" FROM directive_version WHERE directive_id = $1 ORDER BY version`,
      [id],
    );
  }

  async events(id: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT id::text, at, actor_user_id AS "actorUserId", actor_role AS "actorRole", actor_unit_id AS "actorUnitId", action, reason, data
         FROM directive_event e WHERE e.directive_id = $1 ORDER BY e.id`,
      [id],
    );
  }

  private async update<T>(
    id: string,
    principal: RequestPrincipal,
    key: string,
    run: (handle: WorkflowHandle, updateId: string) => Promise<T>,
  ) {
    const d = await this.row(id);
    // Update ids are per caller, so that two people's keys never collide.
    const updateId = createHash('sha256')
      .update(`${principal.kind}:${principal.id}:${key}`)
      .digest('hex')
      .slice(0, 32);
    let state: T;
    try {
      state = await this.temporal.call(
        (client) => run(client.workflow.getHandle(d.workflow_id), updateId),
        30_000,
      );
    } catch (error) {
      throw this.mapWorkflowError(error, d.status);
    }
    return this.get(id, state as DirectiveState);
  }

  private mapWorkflowError(error: unknown, status: string): unknown {
    if (error instanceof WorkflowNotFoundError || (error as Error)?.name === 'WorkflowNotFoundError') {
      return new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.DIRECTIVE_INVALID_STATE,
        `the directive is ${status}`,
      );
    }
    if (error instanceof WorkflowUpdateFailedError) {
      let cause: unknown = error.cause;
      while (cause && !(cause instanceof ApplicationFailure && cause.type))
        cause = (cause as { cause?: unknown }).cause;
      if (cause instanceof ApplicationFailure && cause.type && FAILURE_STATUS[cause.type]) {
        return new ApiError(FAILURE_STATUS[cause.type], cause.type, cause.message);
      }
    }
    return error;
  }

  async submit(principal: RequestPrincipal, id: string, version: number, key: string) {
    const d = await this.row(id);
    const chain: { reviewer_id: string }[] = await this.dataSource.query(
      `SELECT reviewer_id FROM review_chain WHERE unit_id = $1 ORDER BY position`,
      [d.issuer_id],
    );
    const actor = await this.actor(principal, d.issuer_id);
    return this.update(id, principal, key, (h, updateId) =>
      h.executeUpdate(submitForReviewUpdate, {
        args: [{ actor, version, reviewers: chain.map((c) => c.reviewer_id) }],
        updateId,
      }),
    );
  }

  async review(principal: RequestPrincipal, id: string, dto: ReviewDto, key: string) {
    const d = await this.row(id);
    const actor = await this.actor(principal, d.issuer_id);
    return this.update(id, principal, key, (h, updateId) =>
      h.executeUpdate(reviewUpdate, {
        args: [{ actor, version: dto.version, decision: dto.decision, comment: dto.comment }],
        updateId,
      }),
    );
  }

  /** Only a leader of the issuer holding a signing authority (TM., KT., …) signs. */
  async sign(principal: RequestPrincipal, id: string, version: number, key: string) {
    const d = await this.row(id);
    const rows: { authority: string | null; position: string | null }[] = await this.dataSource.query(
      `SELECT authority, position FROM membership WHERE user_id = $1 AND unit_id = $2 AND role = 'leader'`,
      [principal.id, d.issuer_id],
    );
    const holder = rows.find((r) => r.authority && r.position);
    if (!holder) {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        DirectiveErrorCode.SIGNER_NO_AUTHORITY,
        'you hold no signing authority and position for the issuer',
      );
    }
    const actor = await this.actor(principal, d.issuer_id);
    return this.update(id, principal, key, (h, updateId) =>
      h.executeUpdate(signUpdate, {
        args: [{ actor, version, authority: holder.authority!, position: holder.position! }],
        updateId,
      }),
    );
  }

  async cancel(principal: RequestPrincipal, id: string, dto: CancelDto, key: string) {
    const d = await this.row(id);
    const actor = await this.actor(principal, d.issuer_id);
    return this.update(id, principal, key, (h, updateId) =>
      h.executeUpdate(cancelUpdate, { args: [{ actor, reason: dto.reason }], updateId }),
    );
  }

  /**
   * Recomputes the signed bytes' hash, checks the Ed25519 signature with the signer's public key, and checks that the
   * record (content, number, signer) still says what was signed.
   */
  async verify(id: string) {
    await this.row(id);
    return verifyDirectiveSignature(this.dataSource, id);
  }

  /** The routing nodes of a dispatched directive, by unit id, paginated (`nextCursor`). */
  async routing(id: string, q: RoutingQueryDto) {
    const rows: { unitId: string }[] = await this.dataSource.query(
      `SELECT r.unit_id AS "unitId", u.code AS "unitCode", u.name AS "unitName", r.parent_unit_id AS "parentUnitId",
              r.depth, r.tier, r.is_hub AS "isHub", r.status, r.status_code AS "statusCode", r.delivered_at AS "deliveredAt",
              r.acknowledged_at AS "acknowledgedAt", r.returned_reason AS "returnedReason"
         FROM routing_node r JOIN unit u ON u.id = r.unit_id
        WHERE r.directive_id = $1 AND ($2::uuid IS NULL OR r.parent_unit_id = $2) AND ($3::text IS NULL OR r.status = $3)
          AND ($4::uuid IS NULL OR r.unit_id > $4)
        ORDER BY r.unit_id LIMIT $5`,
      [id, q.parentUnitId ?? null, q.status ?? null, q.cursor ?? null, q.limit + 1],
    );
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
    // The caller's role at the unit, from the grants read with the principal (none for an API key).
    const role =
      principal.kind === 'user'
        ? (principal.grants
            .filter((g) => g.unitPath[g.unitPath.length - 1] === dto.unitId)
            .map((g) => g.role)
            .sort()[0] ?? null)
        : null;
    // One statement: the node moves from delivered to the answer, with its event, if the directive is out.
    // (The answer's columns come as columns, not as JSON, so that its timestamps read as a repeat's do.)
    const [outcome]: (Record<string, unknown> & {
      unitId: string | null;
      directive_status: string | null;
      node_status: string | null;
    })[] = await this.dataSource.query(
      `WITH answered AS (
           UPDATE routing_node rn SET status = $3, status_code = $4, acknowledged_at = now(), acknowledged_by = $5,
                  returned_reason = $6, version = rn.version + 1
             FROM directive d
            WHERE rn.directive_id = $1 AND rn.unit_id = $2 AND rn.status = 'delivered'
              AND d.id = rn.directive_id AND d.status IN ('signed', 'dispatched')
           RETURNING ${nodeAnswerColumns('rn')}
         ), event AS (
           INSERT INTO directive_event (directive_id, actor_user_id, actor_role, actor_unit_id, action, reason, data)
           SELECT $1, $5, $7, $2, $8, $6, jsonb_build_object('unitId', $9::text) FROM answered
         )
         SELECT a.*, d.status AS directive_status, rn.status AS node_status
           FROM (SELECT 1) one LEFT JOIN answered a ON true LEFT JOIN directive d ON d.id = $1
           LEFT JOIN routing_node rn ON rn.directive_id = $1 AND rn.unit_id = $2`,
      [
        id,
        dto.unitId,
        status,
        status === 'accepted' ? '03' : '02',
        actingUser(principal),
        dto.reason ?? null,
        role,
        status === 'accepted' ? 'acknowledged' : 'returned',
        dto.unitId,
      ],
    );
    if (outcome.unitId !== null) {
      const { directive_status: _d, node_status: _n, ...answer } = outcome;
      return answer;
    }
    // Nothing changed: why.
    if (outcome.directive_status === null) throw directiveNotFound(id);
    if (outcome.directive_status !== 'signed' && outcome.directive_status !== 'dispatched') {
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.DIRECTIVE_INVALID_STATE,
        `the directive is ${outcome.directive_status}: nothing to acknowledge`,
      );
    }
    if (outcome.node_status === null) throw notRouted();
    // Answered before (read again: a concurrent answer may have just committed). The same answer is harmless.
    const current = (await nodeAnswer(this.dataSource.manager, id, dto.unitId)) as { status: string };
    if (current.status !== status) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.ROUTING_NODE_INVALID_STATE,
        `the directive is ${current.status} at this unit`,
      );
    }
    return current;
  }

  /** The reporting requirement of a dispatched directive, with the cycle asked for. */
  private async reportingCycle(id: string, cycleIndex: number) {
    const d = await this.row(id);
    const found = await this.cycleOf(id, d.status, d.dispatched_at, d.content.reporting, cycleIndex);
    // An opened cycle is fixed now if nobody planned it; one not opened yet is shown as it would be planned.
    if (Date.parse(found.view.opensAt) <= Date.now()) await found.store();
    return { ...found, directive: d };
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
  ): Promise<{ form: ReportForm; cycle: Cycle; view: CycleView; store: () => Promise<CycleView> }> {
    if (['closed', 'recalled', 'superseded'].includes(status)) {
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
    const reporting = reportingContent as (ReportingSettings & { form?: ReportForm }) | undefined;
    if (!reporting?.form) {
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
        `cycle: the schedule has no cycle ${cycleIndex}`,
      );
    return { form: reporting.form, cycle: cycleOfView(planned.view), ...planned };
  }

  /**
   * A unit reports for a cycle: validated against the form, marked late after its tier's deadline, and kept as a new
   * revision (the highest is current). Idempotency comes from the request's Idempotency-Key.
   *
   * Reports to a hub whose aggregation is open run side by side: each holds the hub's lock shared (the closing of the
   * aggregation, at its deadline or when complete, takes it alone, so a report lands either before it, and counts,
   * or after it, as a late revision), and each checks after its commit whether it completed the hub (the last
   * report to commit sees every other). A report to a hub that has closed takes the lock alone and revises the
   * aggregates upward.
   */
  async submitReport(principal: RequestPrincipal, id: string, dto: SubmitReportDto, requestKey?: string) {
    // The directive, the unit's routing node and whether its parent closed, in one round trip.
    const found: {
      status: string;
      issuer_id: string;
      dispatched_at: Date | null;
      reporting: unknown;
      node_status: string | null;
      tier: number;
      is_hub: boolean;
      parent_closed: boolean;
      stored_cycle: CycleView | null;
      opened: boolean | null;
    }[] = await this.dataSource.query(
      `SELECT d.status, d.issuer_id, d.dispatched_at, d.content->'reporting' AS reporting,
              rn.status AS node_status, rn.tier, rn.is_hub,
              EXISTS (SELECT 1 FROM aggregate_report a WHERE a.directive_id = d.id
                         AND a.unit_id = COALESCE(rn.parent_unit_id, d.issuer_id) AND a.cycle = $3) AS parent_closed,
              CASE WHEN c.cycle IS NOT NULL THEN jsonb_build_object('index', c.cycle, 'label', c.label,
                     'opensAt', to_char(c.opens_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                     'period', CASE WHEN c.period_from IS NULL THEN NULL
                                    ELSE jsonb_build_object('from', c.period_from::text, 'to', c.period_to::text) END,
                     'deadlines', c.deadlines, 'provisional', c.provisional) END AS stored_cycle,
              c.opens_at <= now() AS opened
         FROM directive d LEFT JOIN routing_node rn ON rn.directive_id = d.id AND rn.unit_id = $2
              LEFT JOIN reporting_cycle c ON c.directive_id = d.id AND c.cycle = $3
        WHERE d.id = $1`,
      [id, dto.unitId, dto.cycle],
    );
    if (!found.length) throw directiveNotFound(id);
    const d = found[0];
    const { form, cycle, view, store } = await this.cycleOf(
      id,
      d.status,
      d.dispatched_at,
      d.reporting,
      dto.cycle,
      d.stored_cycle,
    );
    if (d.node_status === null) throw notRouted();
    if (d.is_hub) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        DirectiveErrorCode.REPORT_NOT_EXPECTED,
        "unitId: this unit aggregates its subordinates' reports; it does not file its own",
      );
    }
    if (d.node_status === 'returned') {
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.ROUTING_NODE_INVALID_STATE,
        'unitId: this unit returned the directive',
      );
    }
    if (d.opened === false || (d.opened === null && Date.now() < Date.parse(cycle.opensAt))) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.CYCLE_NOT_OPEN,
        `cycle: ${cycle.label} opens at ${cycle.opensAt}`,
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
    if (!d.stored_cycle) await store();
    // cascade_file_report (migration CalendarAndCycles1763900000000): the routing node's lock, the parent's lock, the
    // report unless the request's key filed it before — late when the database's clock, once the locks are held, has
    // passed the stored deadline of the unit's tier — and its event, in one statement.
    const fileReport = (m: EntityManager | DataSource, alone: boolean): Promise<FiledReport[]> =>
      m.query<FiledReport[]>(
        `SELECT revision, late, after_close, deadline, values, parent_unit_id, filed_before, retry_alone
           FROM cascade_file_report($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          randomUUID(),
          id,
          dto.unitId,
          dto.cycle,
          JSON.stringify(dto.values),
          actingUser(principal),
          requestKey ?? null,
          d.issuer_id,
          alone,
          !alone,
        ],
      );
    // A deadlock with a concurrent aggregation is retried: the transaction rolled back whole.
    const shared = async () => (await retryTransient(() => fileReport(this.dataSource, false)))[0];
    // Alone: a closed parent re-aggregates and sends the revision up (an open one closes early once complete); the
    // events last, as appending to the directive's hash chain holds its head row until the commit.
    const alone = () =>
      retryTransient(() =>
        this.dataSource.transaction(async (m) => {
          const [filed] = await fileReport(m, true);
          if (filed.filed_before) return { filed, aggregates: [] };
          const aggregates = await propagateUp(m, id, d.issuer_id, dto.unitId, dto.cycle, form);
          await m.query(`SELECT cascade_report_event($1, $2, $3, $4, $5, $6, $7)`, [
            id,
            actingUser(principal),
            dto.unitId,
            dto.cycle,
            filed.revision,
            filed.late,
            filed.after_close,
          ]);
          for (const a of aggregates) await recordAggregateEvent(m, id, a);
          return { filed, aggregates };
        }),
      );
    let outcome: { filed: FiledReport; aggregates: StoredAggregate[] };
    if (d.parent_closed) outcome = await alone();
    else {
      const filed = await shared();
      // The parent closed while this report waited for its lock: filed again, alone, as a late revision. Otherwise,
      // now that the report is committed: whether it completed its parent.
      outcome = filed.retry_alone
        ? await alone()
        : {
            filed,
            aggregates: filed.after_close
              ? []
              : await closeIfComplete(
                  this.dataSource,
                  id,
                  d.issuer_id,
                  filed.parent_unit_id,
                  dto.cycle,
                  form,
                ),
          };
    }
    const { filed, aggregates } = outcome;
    return {
      unitId: dto.unitId,
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

  /** What a routed unit sees of a directive: its content (the report form with it) and the unit's own node. */
  async received(id: string, unitId: string) {
    const rows: {
      status: string;
      status_code: string | null;
      is_hub: boolean;
      delivered_at: Date | null;
      acknowledged_at: Date | null;
      recall_status: string | null;
    }[] = await this.dataSource.query(
      `SELECT status, status_code, is_hub, delivered_at, acknowledged_at, recall_status
         FROM routing_node WHERE directive_id = $1 AND unit_id = $2 AND status <> 'pending'`,
      [id, unitId],
    );
    if (!rows.length) throw notRouted();
    const d = await this.row(id);
    const issuer: { name: string }[] = await this.dataSource.query(`SELECT name FROM unit WHERE id = $1`, [
      d.issuer_id,
    ]);
    return {
      id: d.id,
      symbol: d.symbol,
      type: d.doc_type,
      status: d.status,
      issuerName: issuer[0]?.name ?? null,
      signedAt: d.signed_at?.toISOString() ?? null,
      content: d.content,
      node: {
        unitId,
        status: rows[0].status,
        statusCode: rows[0].status_code,
        isHub: rows[0].is_hub,
        deliveredAt: rows[0].delivered_at?.toISOString() ?? null,
        acknowledgedAt: rows[0].acknowledged_at?.toISOString() ?? null,
        recallStatus: rows[0].recall_status,
      },
    };
  }

  /** The current report (highest revision) of every routed unit under `unitId` (itself included) for a cycle. */
  async reports(id: string, q: ReportQueryDto): Promise<unknown[]> {
    const d = await this.row(id);
    const routed: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM routing_node WHERE directive_id = $1 AND unit_id = $2`,
      [id, q.unitId],
    );
    if (q.unitId !== d.issuer_id && !routed.length) {
      throw notRouted();
    }
    return this.dataSource.query(
      `WITH RECURSIVE below(unit_id) AS (
         SELECT $2::uuid
         UNION ALL SELECT r.unit_id FROM routing_node r JOIN below b ON r.parent_unit_id = b.unit_id WHERE r.directive_id = $1
       )
       SELECT DISTINCT ON (rep.unit_id) rep.unit_id AS "unitId", rep.revision, rep.values, rep.late, rep.after_close AS "afterClose",
              rep.deadline, rep.submitted_at AS "submittedAt"
         FROM report rep WHERE rep.directive_id = $1 AND rep.cycle = $3 AND rep.unit_id IN (SELECT unit_id FROM below)
        ORDER BY rep.unit_id, rep.revision DESC`,
      [id, q.unitId, q.cycle],
    );
  }

  /**
   * The aggregated report of a cycle at a node of the routing tree (or the issuer). Once the node's aggregation has
   * closed (all reported, or its deadline), the reported aggregate: its latest revision, why it was written, and how
   * many revisions late reports caused. Before that, a live preview computed from the reports so far.
   */
  async aggregateAt(id: string, q: ReportQueryDto) {
    const { form, cycle, directive: d } = await this.reportingCycle(id, q.cycle);
    const nodes: { unit_id: string; parent_unit_id: string; is_hub: boolean }[] = await this.dataSource.query(
      `SELECT unit_id, parent_unit_id, is_hub FROM routing_node WHERE directive_id = $1 AND status <> 'returned'`,
      [id],
    );
    if (q.unitId !== d.issuer_id && !nodes.some((n) => n.unit_id === q.unitId)) {
      throw notRouted();
    }
    const stored: {
      revision: number;
      reason: string;
      values: Record<string, unknown>;
      coverage: Coverage;
      created_at: Date;
    }[] = await this.dataSource.query(
      `SELECT revision, reason, values, coverage, created_at FROM aggregate_report
        WHERE directive_id = $1 AND unit_id = $2 AND cycle = $3 ORDER BY revision DESC LIMIT 1`,
      [id, q.unitId, q.cycle],
    );
    const base = {
      unitId: q.unitId,
      cycle: q.cycle,
      label: cycle.label,
      deadlines: cycle.deadlines,
      provisional: cycle.provisional,
    };
    if (stored.length) {
      const [s] = stored;
      return {
        ...base,
        closed: true,
        revision: s.revision,
        reason: s.reason,
        reportedAt: s.created_at.toISOString(),
        values: s.values,
        // The stored list keeps its first entries; the exact one comes from the tree.
        coverage: {
          ...s.coverage,
          missingUnits: await missingBelow(this.dataSource, id, q.unitId, d.issuer_id, q.cycle),
        },
      };
    }
    const current: { unit_id: string; values: ReportValues; late: boolean }[] = await this.dataSource.query(
      `SELECT DISTINCT ON (unit_id) unit_id, values, late FROM report WHERE directive_id = $1 AND cycle = $2 ORDER BY unit_id, revision DESC`,
      [id, q.cycle],
    );
    const reportOf = new Map(
      current.map((r) => [
        r.unit_id,
        { unitId: r.unit_id, values: r.values, late: r.late } satisfies UnitReport,
      ]),
    );
    const children = new Map<string, { unit_id: string; is_hub: boolean }[]>();
    for (const n of nodes) children.set(n.parent_unit_id, [...(children.get(n.parent_unit_id) ?? []), n]);
    const at = (unitId: string): Aggregate => {
      const kids = children.get(unitId) ?? [];
      const leaves = kids.filter((k) => !k.is_hub).map((k) => k.unit_id);
      return aggregate(form, {
        expected: leaves,
        reports: leaves.flatMap((l) => (reportOf.has(l) ? [reportOf.get(l)!] : [])),
        children: kids.filter((k) => k.is_hub).map((k) => at(k.unit_id)),
      });
    };
    const isHub = q.unitId === d.issuer_id || nodes.some((n) => n.unit_id === q.unitId && n.is_hub);
    const result = isHub
      ? at(q.unitId)
      : aggregate(form, {
          expected: [q.unitId],
          reports: reportOf.has(q.unitId) ? [reportOf.get(q.unitId)!] : [],
        });
    return {
      ...base,
      closed: false,
      revision: null,
      reason: null,
      reportedAt: null,
      values: Object.fromEntries(Object.entries(result.fields).map(([k, a]) => [k, aggregateValue(a)])),
      coverage: result.coverage,
    };
  }

  /** Every revision of a node's aggregate for a cycle: what it reported upward, and when. */
  async aggregateRevisions(id: string, q: ReportQueryDto): Promise<unknown[]> {
    await this.row(id);
    return this.dataSource.query(
      `SELECT revision, reason, values, coverage, created_at AS "reportedAt" FROM aggregate_report
        WHERE directive_id = $1 AND unit_id = $2 AND cycle = $3 ORDER BY revision`,
      [id, q.unitId, q.cycle],
    );
  }

  /** The escalation ladder's steps so far: which unit was reminded, marked overdue or escalated, per cycle. */
  /**
   * A dispatched directive's cycles as stored (each planned now if nobody has yet: the first to plan a cycle fixes
   * it, and only a calendar correction before it opens moves it), with whether it has opened.
   */
  async cycles(id: string, q: CyclesQueryDto) {
    const d = await this.row(id);
    const from = q.from ?? 0;
    if (['closed', 'recalled', 'superseded'].includes(d.status)) {
      // Ended: what was planned stays as it was; nothing more is planned.
      const stored = await storedCycles(this.dataSource, id);
      const shown = stored.filter((c) => c.index >= from).slice(0, q.count ?? 12);
      return { cycles: shown.map((c) => ({ ...c, opened: true })) };
    }
    // Before dispatch, or without a report form, there are no cycles yet.
    if (d.status !== 'dispatched' || !(d.content.reporting as { form?: unknown } | undefined)?.form)
      return { cycles: [] };
    const cycles: (CycleView & { opened: boolean })[] = [];
    // The opened cycles and the next one are stored (planned); later ones are shown as they would be planned today,
    // so that a viewer paging far ahead stores nothing a calendar change would have to revisit.
    let nextStored = false;
    for (let i = from; i < from + (q.count ?? 12); i++) {
      let found;
      try {
        found = await this.cycleOf(id, d.status, d.dispatched_at, d.content.reporting, i);
      } catch (error) {
        if (error instanceof ApiError && error.code === (DirectiveErrorCode.CYCLE_NOT_FOUND as string)) break;
        throw error;
      }
      const opened = Date.parse(found.view.opensAt) <= Date.now();
      const view = opened || !nextStored ? await found.store() : found.view;
      if (!opened) nextStored = true;
      cycles.push({ ...view, opened });
    }
    return { cycles };
  }

  async escalations(id: string, q: EscalationQueryDto): Promise<unknown[]> {
    await this.row(id);
    return this.dataSource.query(
      `SELECT e.cycle, e.unit_id AS "unitId", u.code AS "unitCode", u.name AS "unitName", e.level, e.at,
              EXISTS (SELECT 1 FROM report p WHERE p.directive_id = e.directive_id AND p.unit_id = e.unit_id AND p.cycle = e.cycle) AS "reportedSince"
         FROM escalation e JOIN unit u ON u.id = e.unit_id
        WHERE e.directive_id = $1 AND ($2::int IS NULL OR e.cycle = $2)
        ORDER BY e.cycle, e.at, u.code, e.level`,
      [id, q.cycle ?? null],
    );
  }

  /** Close (timers stop, open nodes get their final status) or recall (edXML 13) a dispatched directive. */
  async finish(
    principal: RequestPrincipal,
    id: string,
    action: 'close' | 'recall',
    reason: string | null,
    key: string,
  ) {
    const d = await this.row(id);
    if (d.status !== 'dispatched') {
      // Answered here, without a round trip to the workflow (which has ended, or is not there yet).
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.DIRECTIVE_INVALID_STATE,
        `the directive is ${d.status}: only a dispatched directive is ${action === 'close' ? 'closed' : 'recalled'}`,
      );
    }
    const actor = await this.actor(principal, d.issuer_id);
    return this.update(id, principal, key, (h, updateId) =>
      h.executeUpdate(closeUpdate, { args: [{ actor, action, reason }], updateId }),
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
      const rows: { recall_status: string | null }[] = await m.query(
        `SELECT recall_status FROM routing_node WHERE directive_id = $1 AND unit_id = $2 FOR UPDATE`,
        [id, dto.unitId],
      );
      if (!rows.length) {
        throw notRouted();
      }
      const current = rows[0].recall_status;
      if (current !== 'requested' && current !== answer) {
        throw new ApiError(
          HttpStatus.CONFLICT,
          DirectiveErrorCode.ROUTING_NODE_INVALID_STATE,
          current ? `the recall was already ${current}` : 'the directive is not being recalled',
        );
      }
      if (current === 'requested') {
        await m.query(
          `UPDATE routing_node SET recall_status = $3, status_code = $4, recall_reason = $5, version = version + 1
            WHERE directive_id = $1 AND unit_id = $2`,
          [id, dto.unitId, answer, answer === 'accepted' ? '15' : '16', dto.reason ?? null],
        );
        await m.query(
          `INSERT INTO directive_event (directive_id, actor_user_id, actor_unit_id, action, reason, data) VALUES ($1,$2,$3,$4,$5,$6)`,
          [
            id,
            actingUser(principal),
            dto.unitId,
            `recall.${answer}`,
            dto.reason ?? null,
            JSON.stringify({ unitId: dto.unitId }),
          ],
        );
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
    const d = await this.row(id);
    if (d.status !== 'dispatched') {
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.DIRECTIVE_INVALID_STATE,
        `the directive is ${d.status}: only a dispatched directive is forwarded`,
      );
    }
    const nodes: {
      status: string;
      is_hub: boolean;
      forwarded_at: Date | null;
      depth: number;
      path: string;
    }[] = await this.dataSource.query(
      `SELECT r.status, r.is_hub, r.forwarded_at, r.depth, u.path::text AS path
           FROM routing_node r JOIN unit u ON u.id = r.unit_id WHERE r.directive_id = $1 AND r.unit_id = $2`,
      [id, dto.unitId],
    );
    if (!nodes.length) {
      throw notRouted();
    }
    const node = nodes[0];
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
    // (Re)starting the unit's hub is idempotent: delivering twice changes nothing.
    await this.temporal.call(async (client) => {
      try {
        await client.workflow.start(dispatchHubWorkflowType, {
          workflowId: dispatchHubWorkflowId(id, dto.unitId),
          taskQueue: this.temporal.taskQueue,
          args: [{ directiveId: id, hubUnitId: dto.unitId, batchSize: this.config.DISPATCH_BATCH_SIZE }],
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    });
    const forwarded: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM routing_node WHERE directive_id = $1 AND parent_unit_id = $2`,
      [id, dto.unitId],
    );
    return {
      unitId: dto.unitId,
      forwarded: forwarded[0].n,
      hubWorkflowId: dispatchHubWorkflowId(id, dto.unitId),
    };
  }

  private async writeForward(
    principal: RequestPrincipal,
    id: string,
    dto: ForwardDto,
    node: { depth: number; path: string },
  ) {
    const select = `SELECT u.id, u.path::text AS path, u.active FROM unit u WHERE NOT EXISTS
      (SELECT 1 FROM routing_node r WHERE r.directive_id = $1 AND r.unit_id = u.id) AND u.active AND `;
    const a = dto.addressees;
    if (a.mode === 'units' && !a.unitIds?.length) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        DirectiveErrorCode.DIRECTIVE_INVALID_INPUT,
        'addressees.unitIds: required when mode is units',
      );
    }
    const units: { id: string; path: string; active: boolean }[] =
      a.mode === 'units'
        ? await this.dataSource.query(
            `${select} u.id = ANY($2::uuid[]) AND u.path <@ $3::ltree AND u.id <> $4`,
            [id, a.unitIds, node.path, dto.unitId],
          )
        : await this.dataSource.query(
            `${select} u.path <@ $2::ltree AND u.id <> $3 AND nlevel(u.path) <= nlevel($2::ltree) + $4`,
            [id, node.path, dto.unitId, a.mode === 'children' ? 1 : (a.depth ?? 1)],
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
    await this.dataSource.transaction(async (m) => {
      const locked: { forwarded_at: Date | null }[] = await m.query(
        `SELECT forwarded_at FROM routing_node WHERE directive_id = $1 AND unit_id = $2 FOR UPDATE`,
        [id, dto.unitId],
      );
      if (locked[0].forwarded_at) return; // a concurrent retry got there first
      await m.query(
        `INSERT INTO routing_node (directive_id, unit_id, parent_unit_id, depth, tier, is_hub)
         SELECT $1, unit_id, parent_unit_id, depth, tier, is_hub
           FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::int[], $6::boolean[]) AS t(unit_id, parent_unit_id, depth, tier, is_hub)
         ON CONFLICT DO NOTHING`,
        [
          id,
          plan.nodes.map((n) => n.unitId),
          plan.nodes.map((n) => n.parentUnitId),
          plan.nodes.map((n) => n.depth + node.depth),
          plan.nodes.map((n) => n.tier),
          plan.nodes.map((n) => hubs.has(n.unitId)),
        ],
      );
      await m.query(
        `UPDATE routing_node SET is_hub = true, tier = $3, forwarded_at = now(), forwarded_by = $4, version = version + 1
          WHERE directive_id = $1 AND unit_id = $2`,
        [id, dto.unitId, plan.issuerTier, actingUser(principal)],
      );
      // The levels above move up when the forwarding unit's tier grew: deadlines stay staggered bottom-up.
      await m.query(
        `WITH RECURSIVE up(unit_id, parent_unit_id, tier) AS (
           SELECT unit_id, parent_unit_id, tier FROM routing_node WHERE directive_id = $1 AND unit_id = $2
           UNION ALL
           SELECT r.unit_id, r.parent_unit_id, GREATEST(r.tier, up.tier + 1)
             FROM routing_node r JOIN up ON r.unit_id = up.parent_unit_id WHERE r.directive_id = $1
         )
         UPDATE routing_node r SET tier = up.tier FROM up
          WHERE r.directive_id = $1 AND r.unit_id = up.unit_id AND r.tier < up.tier`,
        [id, dto.unitId],
      );
      await m.query(
        `INSERT INTO directive_event (directive_id, actor_user_id, actor_unit_id, action, data) VALUES ($1,$2,$3,'forwarded',$4)`,
        [
          id,
          actingUser(principal),
          dto.unitId,
          JSON.stringify({ unitId: dto.unitId, nodes: plan.nodes.length }),
        ],
      );
    });
  }

  /** The chain, both ways: what this directive implements or supersedes, and what implements or supersedes it. */
  async links(id: string) {
    await this.row(id);
    const select = `SELECT l.kind, d.id, d.issuer_id AS "issuerId", iu.name AS "issuerName", d.symbol, d.status,
                           d.content->>'subject' AS subject, l.to_unit_id AS "viaUnitId"
                      FROM directive_link l`;
    const outgoing: { kind: string }[] = await this.dataSource.query(
      `${select} JOIN directive d ON d.id = l.to_id JOIN unit iu ON iu.id = d.issuer_id WHERE l.from_id = $1 ORDER BY l.created_at`,
      [id],
    );
    const incoming: { kind: string }[] = await this.dataSource.query(
      `${select} JOIN directive d ON d.id = l.from_id JOIN unit iu ON iu.id = d.issuer_id WHERE l.to_id = $1 ORDER BY l.created_at`,
      [id],
    );
    const pick = (rows: { kind: string }[], kind: string) =>
      rows.filter((r) => r.kind === kind).map(({ kind: _kind, ...rest }) => rest);
    return {
      implements: pick(outgoing, 'implements'),
      implementedBy: pick(incoming, 'implements'),
      supersedes: pick(outgoing, 'supersedes'),
      supersededBy: pick(incoming, 'supersedes'),
    };
  }

  async reviewChain(unitId: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT r.position, r.reviewer_id AS "reviewerId", u.name AS "reviewerName" FROM review_chain r JOIN app_user u ON u.id = r.reviewer_id
        WHERE r.unit_id = $1 ORDER BY r.position`,
      [unitId],
    );
  }

  /** Reviewers are leaders of the unit, in order. */
  async setReviewChain(unitId: string, reviewerIds: string[]): Promise<unknown[]> {
    if (new Set(reviewerIds).size !== reviewerIds.length) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        DirectiveErrorCode.DIRECTIVE_INVALID_INPUT,
        'reviewerIds: a reviewer is listed twice',
      );
    }
    const leaders: { user_id: string }[] = await this.dataSource.query(
      `SELECT user_id FROM membership WHERE unit_id = $1 AND role = 'leader' AND user_id = ANY($2::uuid[])`,
      [unitId, reviewerIds],
    );
    const ok = new Set(leaders.map((l) => l.user_id));
    const bad = reviewerIds.findIndex((r) => !ok.has(r));
    if (bad >= 0) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        DirectiveErrorCode.REVIEWER_NOT_LEADER,
        `reviewerIds.${bad}: not a leader of this unit`,
      );
    }
    await this.dataSource.transaction(async (m) => {
      await m.query(`DELETE FROM review_chain WHERE unit_id = $1`, [unitId]);
      for (const [position, reviewerId] of reviewerIds.entries()) {
        await m.query(`INSERT INTO review_chain (unit_id, position, reviewer_id) VALUES ($1,$2,$3)`, [
          unitId,
          position,
          reviewerId,
        ]);
      }
    });
    return this.reviewChain(unitId);
  }
}
