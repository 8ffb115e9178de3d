import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@cascade/config';
import { DataSource } from 'typeorm';
import {
  buildCaseFile,
  caseFileHtml,
  directiveFamily,
  familyTimelinePage,
  type TimelineKey,
  sealEvents,
  verifyFamily,
  type CaseFile,
  type TimelineEvent,
  lastEventAt,
  recordRead,
  treeAsOf,
} from '@cascade/persistence';
import type { Page } from '@cascade/contracts';
import { ApiError } from '../common/api-error';
import { decodeCursor, isExactTime, pageOf, tupleOf } from '../common/page';
import { TemporalClient } from '../temporal/temporal.module';
import {
  directiveRuns,
  replayRuns,
  repoRoot,
  runToJSON,
  TooManyRunsError,
  type WorkflowRun,
} from '@cascade/temporal';
import type { RequestPrincipal } from '../auth/principal';
import { DirectivesService } from '../directives/directives.service';
import { DirectiveErrorCode } from '../directives/directive-error-codes';

/** A timeline event's key: its exact time and its id (a bigint, as text). */
const TIMELINE_KEY = tupleOf<TimelineKey>(isExactTime, (v) => typeof v === 'string' && /^\d{1,19}$/.test(v));

/**
 * What auditors read: the timeline of a directive and of the directives that implement it, the verification of
 * every hash chain and signature, the routing tree as it stood at a time, and the case file. Nothing here writes,
 * except the record that the case file was read.
 */
/** The most workflow runs the API reads or replays for one request. */
const MAX_RUNS = 500;

@Injectable()
export class AuditService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly directives: DirectivesService,
    private readonly temporal: TemporalClient,
  ) {}

  /**
   * Reading every history of a family, and replaying them, is the heaviest thing the API does: one at a time per
   * process (another caller gets 503 AUDIT_BUSY), and at most MAX_RUNS runs (a larger family is exported with
   * `cascade audit export`, which streams them to files).
   */
  private busy = false;

  private async exclusive<T>(run: () => Promise<T>): Promise<T> {
    if (this.busy) {
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        DirectiveErrorCode.AUDIT_BUSY,
        "the server is reading or replaying another directive's histories: retry shortly",
      );
    }
    this.busy = true;
    try {
      return await run();
    } finally {
      this.busy = false;
    }
  }

  private async runs(id: string): Promise<WorkflowRun[]> {
    await this.directives.get(id); // 404 when it does not exist
    try {
      return await this.temporal.call(
        (client) => directiveRuns(client, this.dataSource, id, { maxRuns: MAX_RUNS }),
        60_000,
      );
    } catch (error) {
      if (error instanceof TooManyRunsError) {
        throw new ApiError(
          HttpStatus.UNPROCESSABLE_ENTITY,
          DirectiveErrorCode.TOO_MANY_RUNS,
          `id: the directive and its implementing directives have more than ${MAX_RUNS} workflow runs; export them with cascade audit export`,
        );
      }
      throw error;
    }
  }

  /** Every Temporal workflow run of the directive and its implementing directives, with its full history (JSON). */
  async histories(id: string) {
    return this.exclusive(async () => (await this.runs(id)).map(runToJSON));
  }

  /**
   * Replays every run against the workflow code this server carries (WORKFLOW_BUNDLE_PATH, else bundled from source)
   * and says per run whether it reproduces, or where it first diverges.
   */
  async replay(id: string) {
    return this.exclusive(async () => {
      const verdicts = await replayRuns(await this.runs(id), { bundlePath: this.bundlePath() });
      return { directiveId: id, reproduces: verdicts.every((v) => v.reproduces), runs: verdicts };
    });
  }

  /**
   * The prebuilt workflow bundle the worker runs (WORKFLOW_BUNDLE_PATH, else the build's dist/workflow-bundle.js):
   * the API never bundles the workflows from source on a request (seconds of CPU and hundreds of MB each time).
   */
  private bundlePath(): string {
    const path = this.config.WORKFLOW_BUNDLE_PATH ?? join(repoRoot(), 'dist', 'workflow-bundle.js');
    if (!existsSync(path)) {
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        DirectiveErrorCode.WORKFLOW_BUNDLE_MISSING,
        'no prebuilt workflow bundle: build it (npm run build) or set WORKFLOW_BUNDLE_PATH',
      );
    }
    return path;
  }

  /** Records who read which document, at most once per user, directive, kind of read and minute. */
  async recordRead(principal: RequestPrincipal, directiveId: string, what: string): Promise<void> {
    await recordRead(this.dataSource, directiveId, principal.id, what);
  }

  private async family(id: string): Promise<string[]> {
    await this.directives.get(id); // 404 when it does not exist
    return directiveFamily(this.dataSource, id);
  }

  /**
   * A page of the events of the directive and its implementing directives, in time order (then id), filterable by
   * unit and action.
   */
  async timeline(
    id: string,
    q: { unitId?: string; action?: string; cursor?: string; limit: number },
  ): Promise<Page<TimelineEvent>> {
    const after = decodeCursor('timeline', q.cursor, TIMELINE_KEY);
    const family = await this.family(id);
    return pageOf(
      'timeline',
      await familyTimelinePage(this.dataSource, family, q, { after, limit: q.limit }),
    );
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

  /**
   * The case file: the directive, its implementing directives, the verification and a page of the timeline (all
   * events of the family in time order; `timeline.nextCursor` is the `cursor` of the case file's next page).
   */
  async caseFile(
    principal: RequestPrincipal,
    id: string,
    q: { cursor?: string; limit: number },
  ): Promise<CaseFile> {
    const after = decodeCursor('case-file', q.cursor, TIMELINE_KEY);
    const file = await buildCaseFile(this.dataSource, id, { after, limit: q.limit });
    if (!file) await this.directives.get(id); // the 404
    await this.recordRead(principal, id, 'case-file');
    return { ...file!, timeline: pageOf('case-file', file!.timeline) };
  }

  /** The printable case file; a timeline with more pages links to the next one. */
  caseFileHtml(file: CaseFile, limit: number): string {
    const next = file.timeline.nextCursor;
    return caseFileHtml(
      file,
      next === null ? undefined : `case-file?format=html&limit=${limit}&cursor=${encodeURIComponent(next)}`,
    );
  }
}
