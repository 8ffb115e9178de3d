import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  buildCaseFile,
  caseFileHtml,
  directiveFamily,
  familyTimeline,
  sealEvents,
  verifyFamily,
  type CaseFile,
  type TimelineEvent,
  lastEventAt,
  recordRead,
  treeAsOf,
} from '@cascade/persistence';
import { ApiError } from '../common/api-error';
import { TemporalClient } from '../temporal/temporal.module';
import { directiveRuns, replayRuns, runToJSON, type WorkflowRun } from '@cascade/temporal';
import type { RequestPrincipal } from '../auth/principal';
import { DirectivesService } from '../directives/directives.service';
import { DirectiveErrorCode } from '../directives/directive-error-codes';

/**
 * What auditors read: the timeline of a directive and of the directives that implement it, the verification of
 * every hash chain and signature, the routing tree as it stood at a time, and the case file. Nothing here writes,
 * except the record that the case file was read.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directives: DirectivesService,
    private readonly temporal: TemporalClient,
  ) {}

  private async runs(id: string): Promise<WorkflowRun[]> {
    await this.directives.get(id); // 404 when it does not exist
    return this.temporal.call((client) => directiveRuns(client, this.dataSource, id), 60_000);
  }

  /** Every Temporal workflow run of the directive and its implementing directives, with its full history (JSON). */
  async histories(id: string) {
    return (await this.runs(id)).map(runToJSON);
  }

  /**
   * Replays every run against the workflow code this server carries (WORKFLOW_BUNDLE_PATH, else bundled from source)
   * and says per run whether it reproduces, or where it first diverges.
   */
  async replay(id: string) {
    const verdicts = await replayRuns(await this.runs(id));
    return { directiveId: id, reproduces: verdicts.every((v) => v.reproduces), runs: verdicts };
  }

  /** Records who read which document, at most once per user, directive, kind of read and minute. */
  async recordRead(principal: RequestPrincipal, directiveId: string, what: string): Promise<void> {
    await recordRead(this.dataSource, directiveId, principal.id, what);
  }

  private async family(id: string): Promise<string[]> {
    await this.directives.get(id); // 404 when it does not exist
    return directiveFamily(this.dataSource, id);
  }

  /** Every event of the directive and its implementing directives, in time order, filterable by unit and action. */
  async timeline(id: string, q: { unitId?: string; action?: string }): Promise<TimelineEvent[]> {
    return familyTimeline(this.dataSource, await this.family(id), q);
  }

  /** Recomputes every hash chain and checks every signature of the family; `valid` only when all hold. */
  async verify(id: string) {
    await this.directives.get(id); // 404 when it does not exist
    return verifyFamily(this.dataSource, id);
  }

  /**
   * The routing tree as it stood at `at`, rebuilt from the trail: a unit is listed once the dispatch (or its
   * forwarding) had delivered it, with the acknowledgement, return, recall answer and reports recorded by then.
   */
  async asOf(id: string, at: string) {
    const when = Date.parse(at);
    if (!Number.isFinite(when)) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        DirectiveErrorCode.DIRECTIVE_INVALID_INPUT,
        'at: must be an ISO instant',
      );
    }
    const directive = await this.directives.get(id);
    await sealEvents(this.dataSource, [id]);
    const t = new Date(when).toISOString();
    const last = await lastEventAt(this.dataSource, id, t);
    const nodes = await treeAsOf(this.dataSource, id, t);
    return {
      directiveId: id,
      at: t,
      lastEvent: last ? { action: last.action, at: last.at.toISOString() } : null,
      symbol: directive.symbol,
      nodes,
    };
  }

  /** The case file: the directive, its implementing directives, the verification and the timeline. */
  async caseFile(principal: RequestPrincipal, id: string): Promise<CaseFile> {
    const file = await buildCaseFile(this.dataSource, id);
    if (!file) await this.directives.get(id); // the 404
    await this.recordRead(principal, id, 'case-file');
    return file!;
  }

  caseFileHtml(file: CaseFile): string {
    return caseFileHtml(file);
  }
}
