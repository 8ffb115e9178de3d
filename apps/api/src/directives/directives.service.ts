import { createHash } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DataSource } from 'typeorm';
import { can, DelegationRefusal, idsFromPath, type Capability } from '@cascade/domain';
import {
  directiveIssuer,
  directiveRow,
  isRoutedTo,
  unitPathText,
  type DirectiveRow,
} from '@cascade/persistence';
import { queryDirectiveState, queryReportingState } from '@cascade/temporal';
import { DirectiveFailure, type Actor, type DirectiveState, type ReportingState } from '@cascade/contracts';
import { ApiError } from '../common/api-error';
import { type RequestPrincipal } from '../auth/principal';
import { TemporalClient } from '../temporal/temporal.module';
import { directiveNotFound } from './directive-errors';
import { DirectiveErrorCode } from './directive-error-codes';

const FAILURE_STATUS: Record<string, HttpStatus> = {
  [DirectiveFailure.INVALID_STATE]: HttpStatus.CONFLICT,
  [DirectiveFailure.VERSION_STALE]: HttpStatus.CONFLICT,
  [DirectiveFailure.NOT_YOUR_TURN]: HttpStatus.FORBIDDEN,
  [DirectiveFailure.REVIEW_CHAIN_EMPTY]: HttpStatus.CONFLICT,
  [DirectiveFailure.BUSY]: HttpStatus.CONFLICT,
  [DirectiveFailure.INVALID_INPUT]: HttpStatus.BAD_REQUEST,
  [DirectiveFailure.CERTIFICATE_UNUSABLE]: HttpStatus.CONFLICT,
  // a signing relation refused by the signing activity (period, scope, re-delegation)
  ...Object.fromEntries(Object.values(DelegationRefusal).map((code) => [code, HttpStatus.FORBIDDEN])),
};

/**
 * A directive's record as every feature reads it (the row, the answer `GET /directives/:id` gives), the caller as the
 * workflow records it, and the bridge to the directive's workflow updates (their failures as API errors).
 */
@Injectable()
export class DirectivesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly temporal: TemporalClient,
  ) {}

  /** The issuing unit of a directive (404 when there is no such directive), without loading the rest. */
  async issuerOf(id: string): Promise<string> {
    const issuerId = await directiveIssuer(this.dataSource, id);
    if (issuerId === null) throw directiveNotFound(id);
    return issuerId;
  }

  /** The directive's row (404 when there is none). */
  async row(id: string): Promise<DirectiveRow> {
    const row = await directiveRow(this.dataSource, id);
    if (!row) throw directiveNotFound(id);
    return row;
  }

  /**
   * The directive's row as a unit sees it, for the routes that act for a unit named in the query or body (its
   * reports, aggregates, exports): the unit issued it, or the directive was routed to it. To any other unit it is
   * answered exactly as a directive that does not exist (404 DIRECTIVE_NOT_FOUND, with the id), before its status
   * or tree could tell another tree that it exists.
   */
  async rowSeenFrom(id: string, unitId: string): Promise<DirectiveRow> {
    const directive = await this.row(id);
    if (directive.issuer_id !== unitId && !(await isRoutedTo(this.dataSource, id, unitId)))
      throw directiveNotFound(id);
    return directive;
  }

  /**
   * The caller as the workflow records it, with the role it acts in: the one of its grants that gives `capability` on
   * the issuer (a grant in the issuer itself before one above it), not merely the first role it holds there — a clerk
   * who is also a leader signs as leader and submits as clerk. System administrators without such a grant act as
   * `system_admin`.
   */
  async actor(principal: RequestPrincipal, issuerId: string, capability: Capability): Promise<Actor> {
    const pathText = await unitPathText(this.dataSource, issuerId);
    const issuerPath = pathText === null ? [] : idsFromPath(pathText);
    const used = principal.grants
      .filter((grant) => can({ systemAdmin: false, grants: [grant] }, capability, issuerPath))
      .sort((a, b) => b.unitPath.length - a.unitPath.length || a.role.localeCompare(b.role))[0];
    return {
      userId: principal.id,
      name: principal.name ?? principal.id,
      role: used?.role ?? (principal.systemAdmin ? 'system_admin' : null),
      unitId: issuerId,
    };
  }

  /**
   * The record from PostgreSQL. The review state (reviewers, step, decisions) comes from the workflow: passed in by
   * the update that just ran, or queried when `live` is asked for (which needs a worker to answer).
   */
  async get(id: string, live: DirectiveState | 'query' | null = null) {
    const directive = await this.row(id);
    let state: DirectiveState | null = live === 'query' ? null : live;
    let reporting: ReportingState | null = null;
    // A document received from outside has no workflow: nothing live to ask.
    if (live === 'query' && directive.status !== 'received') {
      state = await this.temporal.call((client) => queryDirectiveState(client, directive.workflow_id), 5_000);
      if (directive.status === 'dispatched') {
        // The current cycle's timers, when the directive reports on a schedule (absent otherwise).
        reporting = await this.temporal
          .call((client) => queryReportingState(client, id), 5_000)
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
      id: directive.id,
      issuerId: directive.issuer_id,
      type: directive.doc_type,
      status: directive.status,
      version: directive.version,
      content: directive.content,
      number: directive.number,
      symbol: directive.symbol,
      year: directive.year,
      signedAt: directive.signed_at?.toISOString() ?? null,
      signer: directive.signer_user_id
        ? {
            userId: directive.signer_user_id,
            authority: directive.signer_authority,
            position: directive.signer_position,
            name: directive.signer_name,
            keyId: directive.signer_key_id,
            // Under a relation (KT., Q., TL., TUQ.): who granted it and on what basis, as the signed record says.
            delegation: delegationSigned(directive.signed_payload),
          }
        : null,
      sha256: directive.canonical_sha256,
      signature: directive.signature,
      workflowId: directive.workflow_id,
      dispatchedAt: directive.dispatched_at?.toISOString() ?? null,
      closedAt: directive.closed_at?.toISOString() ?? null,
      closeReason: directive.close_reason,
      review,
      ...(live === 'query' ? { reporting } : {}),
      createdAt: directive.created_at.toISOString(),
      updatedAt: directive.updated_at.toISOString(),
    };
  }

  /**
   * Runs one of the directive workflow's updates for the caller and answers the directive as it then stands. Update
   * ids are per caller, so that two people's idempotency keys never collide.
   */
  async update<T>(
    id: string,
    principal: RequestPrincipal,
    key: string,
    run: (client: Client, workflowId: string, updateId: string) => Promise<T>,
  ) {
    const directive = await this.row(id);
    const updateId = createHash('sha256')
      .update(`${principal.kind}:${principal.id}:${key}`)
      .digest('hex')
      .slice(0, 32);
    let state: T;
    try {
      state = await this.temporal.call((client) => run(client, directive.workflow_id, updateId), 30_000);
    } catch (error) {
      throw this.mapWorkflowError(error, directive.status);
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
}

/** The relation a directive was signed under, from its signed bytes (null when signed in one's own right). */
function delegationSigned(payload: string | null): Record<string, unknown> | null {
  if (!payload) return null;
  const signed = JSON.parse(payload) as { signer?: { delegation?: Record<string, unknown> } };
  return signed.signer?.delegation ?? null;
}
