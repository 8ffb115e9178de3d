import { createHash, randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@cascade/config';
import { verifySignature } from '@cascade/auth';
import {
  cancelUpdate,
  DirectiveFailure,
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
  canonicalJson,
  cycleAt,
  formProblems,
  loadHolidayCalendar,
  reportProblems,
  ScheduleError,
  scheduleProblems,
  VN_HOLIDAYS,
  type Aggregate,
  type NonWorkingDayPolicy,
  type ReportForm,
  type ReportValues,
  type Schedule,
  type UnitReport,
} from '@cascade/domain';
import { ApiError } from '../common/api-error';
import type { RequestPrincipal } from '../auth/principal';
import { TemporalClient } from '../temporal/temporal.module';
import {
  AcknowledgeDto,
  CancelDto,
  CreateDirectiveDto,
  DirectiveContentDto,
  EditDirectiveDto,
  ReportQueryDto,
  ReviewDto,
  RoutingQueryDto,
  SubmitReportDto,
} from './dto/directive.dto';
import { DirectiveErrorCode } from './directives.exceptions';

const HOLIDAYS = loadHolidayCalendar(VN_HOLIDAYS);

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
  created_at: Date;
  updated_at: Date;
}

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
    const id = randomUUID();
    const content = contentOf(dto);
    const workflowId = directiveWorkflowId(id);
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO directive (id, issuer_id, doc_type, status, version, content, workflow_id, created_by) VALUES ($1,$2,$3,'draft',1,$4,$5,$6)`,
        [id, dto.issuerId, dto.type, JSON.stringify(content), workflowId, principal.id],
      );
      await m.query(
        `INSERT INTO directive_version (directive_id, version, content, edited_by) VALUES ($1, 1, $2, $3)`,
        [id, JSON.stringify(content), principal.id],
      );
      await m.query(
        `INSERT INTO directive_event (directive_id, actor_user_id, actor_unit_id, action, data) VALUES ($1,$2,$3,'drafted',$4)`,
        [id, principal.id, dto.issuerId, JSON.stringify({ version: 1 })],
      );
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
      // No directive without its workflow: undo, so that the client's retry starts clean.
      await this.dataSource.transaction(async (m) => {
        await m.query(`DELETE FROM directive_event WHERE directive_id = $1`, [id]);
        await m.query(`DELETE FROM directive_version WHERE directive_id = $1`, [id]);
        await m.query(`DELETE FROM directive WHERE id = $1`, [id]);
      });
      throw error;
    }
    return this.get(id);
  }

  private async row(id: string): Promise<DirectiveRow> {
    const rows: DirectiveRow[] = await this.dataSource.query(`SELECT * FROM directive WHERE id = $1`, [id]);
    if (!rows.length)
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        DirectiveErrorCode.DIRECTIVE_NOT_FOUND,
        `directive ${id}: not found`,
      );
    return rows[0];
  }

  /**
   * The record from PostgreSQL. The review state (reviewers, step, decisions) comes from the workflow: passed in by
   * the update that just ran, or queried when `live` is asked for (which needs a worker to answer).
   */
  async get(id: string, live: DirectiveState | 'query' | null = null) {
    const d = await this.row(id);
    let state: DirectiveState | null = live === 'query' ? null : live;
    if (live === 'query') {
      state = await this.temporal.call(
        (client) => client.workflow.getHandle(d.workflow_id).query(directiveStateQuery),
        5_000,
      );
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
      review,
      createdAt: d.created_at.toISOString(),
      updatedAt: d.updated_at.toISOString(),
    };
  }

  /** Edits a draft: a new version, kept with the old ones. Only drafts change; a stale version is a conflict. */
  async edit(principal: RequestPrincipal, id: string, dto: EditDirectiveDto) {
    this.validateContent(dto);
    await this.checkAddressees((await this.row(id)).issuer_id, dto);
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
        [id, version, JSON.stringify(content), principal.id],
      );
      await m.query(
        `INSERT INTO directive_event (directive_id, actor_user_id, action, data) VALUES ($1,$2,'edited',$3)`,
        [id, principal.id, JSON.stringify({ version })],
      );
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
    const d = await this.row(id);
    if (!d.signature || !d.signed_payload || !d.signer_key_id) {
      return { signed: false, valid: false, problems: ['the directive is not signed'] };
    }
    const keys: { public_key: string }[] = await this.dataSource.query(
      `SELECT public_key FROM signer_key WHERE id = $1`,
      [d.signer_key_id],
    );
    const problems: string[] = [];
    const sha256 = createHash('sha256').update(d.signed_payload, 'utf8').digest('hex');
    if (sha256 !== d.canonical_sha256)
      problems.push('sha256: the stored hash does not match the signed bytes');
    if (!keys.length || !verifySignature(keys[0].public_key, d.signed_payload, d.signature))
      problems.push('signature: does not verify with the signer key');
    const signed = JSON.parse(d.signed_payload) as {
      content: unknown;
      number: number;
      symbol: string;
      version: number;
      signer: { userId: string };
    };
    if (canonicalJson(signed.content) !== canonicalJson(d.content))
      problems.push('content: differs from what was signed');
    if (signed.number !== d.number || signed.symbol !== d.symbol)
      problems.push('number: differs from what was signed');
    if (signed.signer.userId !== d.signer_user_id) problems.push('signer: differs from who signed');
    return {
      signed: true,
      valid: problems.length === 0,
      problems,
      sha256,
      keyId: d.signer_key_id,
      publicKey: keys[0]?.public_key ?? null,
    };
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
    return this.dataSource.transaction(async (m) => {
      const rows: { status: string }[] = await m.query(
        `SELECT status FROM routing_node WHERE directive_id = $1 AND unit_id = $2 FOR UPDATE`,
        [id, dto.unitId],
      );
      if (!rows.length) {
        throw new ApiError(
          HttpStatus.NOT_FOUND,
          DirectiveErrorCode.ROUTING_NODE_NOT_FOUND,
          'unitId: the directive was not routed to this unit',
        );
      }
      if (rows[0].status !== 'delivered' && rows[0].status !== status) {
        throw new ApiError(
          HttpStatus.CONFLICT,
          DirectiveErrorCode.ROUTING_NODE_INVALID_STATE,
          `the directive is ${rows[0].status} at this unit`,
        );
      }
      if (rows[0].status === 'delivered') {
        await m.query(
          `UPDATE routing_node SET status = $3, status_code = $4, acknowledged_at = now(), acknowledged_by = $5, returned_reason = $6,
                  version = version + 1 WHERE directive_id = $1 AND unit_id = $2`,
          [id, dto.unitId, status, status === 'accepted' ? '03' : '02', principal.id, dto.reason ?? null],
        );
        const role: { role: string }[] = await m.query(
          `SELECT role FROM membership WHERE user_id = $1 AND unit_id = $2 ORDER BY role LIMIT 1`,
          [principal.id, dto.unitId],
        );
        await m.query(
          `INSERT INTO directive_event (directive_id, actor_user_id, actor_role, actor_unit_id, action, reason, data) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
          [
            id,
            principal.id,
            role[0]?.role ?? null,
            dto.unitId,
            status === 'accepted' ? 'acknowledged' : 'returned',
            dto.reason ?? null,
            JSON.stringify({ unitId: dto.unitId }),
          ],
        );
      }
      const node: unknown[] = await m.query(
        `SELECT unit_id AS "unitId", status, status_code AS "statusCode", acknowledged_at AS "acknowledgedAt", returned_reason AS "returnedReason"
           FROM routing_node WHERE directive_id = $1 AND unit_id = $2`,
        [id, dto.unitId],
      );
      return node[0];
    });
  }

  /** The reporting requirement of a dispatched directive, with the cycle asked for. */
  private async reportingCycle(id: string, cycleIndex: number) {
    const d = await this.row(id);
    if (d.status !== 'dispatched') {
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.DIRECTIVE_INVALID_STATE,
        `the directive is ${d.status}: reports follow dispatch`,
      );
    }
    const reporting = d.content.reporting as
      { schedule: Schedule; form?: ReportForm; policy?: NonWorkingDayPolicy; stagger?: number[] } | undefined;
    if (!reporting?.form) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        DirectiveErrorCode.REPORTING_NOT_REQUIRED,
        'this directive asks for no report form',
      );
    }
    let cycle;
    try {
      cycle = cycleAt(reporting.schedule, cycleIndex, {
        calendar: HOLIDAYS,
        policy: reporting.policy ?? 'keep',
        stagger: reporting.stagger,
        tiers: 10,
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
    if (!cycle)
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        DirectiveErrorCode.CYCLE_NOT_FOUND,
        `cycle: the schedule has no cycle ${cycleIndex}`,
      );
    return { form: reporting.form, cycle };
  }

  /**
   * A unit reports for a cycle: validated against the form, marked late after its tier's deadline, and kept as a new
   * revision (the highest is current). Idempotency comes from the request's Idempotency-Key.
   */
  async submitReport(principal: RequestPrincipal, id: string, dto: SubmitReportDto) {
    const { form, cycle } = await this.reportingCycle(id, dto.cycle);
    const nodes: { status: string; tier: number; is_hub: boolean }[] = await this.dataSource.query(
      `SELECT status, tier, is_hub FROM routing_node WHERE directive_id = $1 AND unit_id = $2`,
      [id, dto.unitId],
    );
    if (!nodes.length)
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        DirectiveErrorCode.ROUTING_NODE_NOT_FOUND,
        'unitId: the directive was not routed to this unit',
      );
    const node = nodes[0];
    if (node.is_hub) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        DirectiveErrorCode.REPORT_NOT_EXPECTED,
        "unitId: this unit aggregates its subordinates' reports; it does not file its own",
      );
    }
    if (node.status === 'returned') {
      throw new ApiError(
        HttpStatus.CONFLICT,
        DirectiveErrorCode.ROUTING_NODE_INVALID_STATE,
        'unitId: this unit returned the directive',
      );
    }
    if (Date.now() < Date.parse(cycle.opensAt)) {
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
    const deadline = cycle.deadlines[Math.min(node.tier, cycle.deadlines.length - 1)];
    const late = Date.now() >= Date.parse(deadline);
    return this.dataSource.transaction(async (m) => {
      // Revisions of one unit's report queue on its routing node.
      await m.query(`SELECT 1 FROM routing_node WHERE directive_id = $1 AND unit_id = $2 FOR UPDATE`, [
        id,
        dto.unitId,
      ]);
      const rows: { revision: number }[] = await m.query(
        `INSERT INTO report (id, directive_id, unit_id, cycle, revision, values, late, deadline, submitted_by)
         SELECT $1, $2, $3, $4, COALESCE(max(revision), 0) + 1, $5, $6, $7, $8 FROM report WHERE directive_id = $2 AND unit_id = $3 AND cycle = $4
         RETURNING revision`,
        [randomUUID(), id, dto.unitId, dto.cycle, JSON.stringify(dto.values), late, deadline, principal.id],
      );
      await m.query(
        `INSERT INTO directive_event (directive_id, actor_user_id, actor_unit_id, action, data) VALUES ($1,$2,$3,'report.submitted',$4)`,
        [
          id,
          principal.id,
          dto.unitId,
          JSON.stringify({ cycle: dto.cycle, revision: rows[0].revision, late }),
        ],
      );
      return {
        unitId: dto.unitId,
        cycle: dto.cycle,
        label: cycle.label,
        revision: rows[0].revision,
        late,
        deadline,
        values: dto.values,
      };
    });
  }

  /** The current report (highest revision) of every routed unit under `unitId` (itself included) for a cycle. */
  async reports(id: string, q: ReportQueryDto): Promise<unknown[]> {
    const d = await this.row(id);
    const routed: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM routing_node WHERE directive_id = $1 AND unit_id = $2`,
      [id, q.unitId],
    );
    if (q.unitId !== d.issuer_id && !routed.length) {
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        DirectiveErrorCode.ROUTING_NODE_NOT_FOUND,
        'unitId: the directive was not routed to this unit',
      );
    }
    return this.dataSource.query(
      `WITH RECURSIVE below(unit_id) AS (
         SELECT $2::uuid
         UNION ALL SELECT r.unit_id FROM routing_node r JOIN below b ON r.parent_unit_id = b.unit_id WHERE r.directive_id = $1
       )
       SELECT DISTINCT ON (rep.unit_id) rep.unit_id AS "unitId", rep.revision, rep.values, rep.late, rep.deadline,
              rep.submitted_at AS "submittedAt"
         FROM report rep WHERE rep.directive_id = $1 AND rep.cycle = $3 AND rep.unit_id IN (SELECT unit_id FROM below)
        ORDER BY rep.unit_id, rep.revision DESC`,
      [id, q.unitId, q.cycle],
    );
  }

  /**
   * The aggregated report of a cycle at any node of the routing tree (or the issuer): every routed unit below it
   * that files reports counts once, each hub's aggregate combines its subordinates', with coverage.
   */
  async aggregateAt(id: string, q: ReportQueryDto) {
    const { form, cycle } = await this.reportingCycle(id, q.cycle);
    const nodes: { unit_id: string; parent_unit_id: string; is_hub: boolean }[] = await this.dataSource.query(
      `SELECT unit_id, parent_unit_id, is_hub FROM routing_node WHERE directive_id = $1`,
      [id],
    );
    const d = await this.row(id);
    if (q.unitId !== d.issuer_id && !nodes.some((n) => n.unit_id === q.unitId)) {
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        DirectiveErrorCode.ROUTING_NODE_NOT_FOUND,
        'unitId: the directive was not routed to this unit',
      );
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
      unitId: q.unitId,
      cycle: q.cycle,
      label: cycle.label,
      deadlines: cycle.deadlines,
      values: Object.fromEntries(Object.entries(result.fields).map(([k, a]) => [k, aggregateValue(a)])),
      coverage: result.coverage,
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
