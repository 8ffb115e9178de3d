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
} from '@cascade/persistence';
import { ApiError } from '../common/api-error';
import { TemporalClient } from '../temporal/temporal.module';
import { directiveRuns, replayRuns, runToJSON, type WorkflowRun } from '@cascade/temporal';
import type { RequestPrincipal } from '../auth/principal';
import { DirectivesService } from './directives.service';
import { DirectiveErrorCode } from './directives.exceptions';

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
    await this.dataSource.query(
      `INSERT INTO directive_read (directive_id, user_id, minute, what) VALUES ($1, $2, date_trunc('minute', now()), $3)
       ON CONFLICT DO NOTHING`,
      [directiveId, principal.id, what],
    );
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
    const d = await this.directives.get(id);
    await sealEvents(this.dataSource, [id]);
    const t = new Date(when).toISOString();
    const last: { action: string; at: Date }[] = await this.dataSource.query(
      `SELECT action, at FROM directive_event WHERE directive_id = $1 AND at <= $2 ORDER BY seq DESC LIMIT 1`,
      [id, t],
    );
    // One pass over the trail per kind of answer (latest answer per unit), whatever the size of the tree.
    const nodes: unknown[] = await this.dataSource.query(
      `WITH acks AS (
         SELECT DISTINCT ON (e.data->>'unitId') e.data->>'unitId' AS unit_id,
                CASE e.action WHEN 'acknowledged' THEN 'accepted' ELSE 'returned' END AS status
           FROM directive_event e WHERE e.directive_id = $1 AND e.at <= $2 AND e.action IN ('acknowledged','returned')
          ORDER BY e.data->>'unitId', e.seq DESC
       ), recalls AS (
         SELECT DISTINCT ON (e.data->>'unitId') e.data->>'unitId' AS unit_id,
                CASE e.action WHEN 'recall.accepted' THEN 'recall_accepted' ELSE 'recall_refused' END AS status
           FROM directive_event e WHERE e.directive_id = $1 AND e.at <= $2 AND e.action IN ('recall.accepted','recall.refused')
          ORDER BY e.data->>'unitId', e.seq DESC
       ), reps AS (
         SELECT unit_id, count(DISTINCT cycle)::int AS n FROM report WHERE directive_id = $1 AND submitted_at <= $2 GROUP BY unit_id
       ), recalled AS (
         SELECT EXISTS (SELECT 1 FROM directive_event WHERE directive_id = $1 AND action = 'recalled' AND at <= $2) AS yes
       )
       SELECT r.unit_id AS "unitId", u.code AS "unitCode", u.name AS "unitName", r.parent_unit_id AS "parentUnitId",
              COALESCE(rc.status,
                       CASE WHEN (SELECT yes FROM recalled) AND a.status IS DISTINCT FROM 'returned' THEN 'recall_requested' END,
                       a.status, 'delivered') AS status,
              COALESCE(p.n, 0) AS "cyclesReported"
         FROM routing_node r JOIN unit u ON u.id = r.unit_id
         LEFT JOIN acks a ON a.unit_id = r.unit_id::text
         LEFT JOIN recalls rc ON rc.unit_id = r.unit_id::text
         LEFT JOIN reps p ON p.unit_id = r.unit_id
        WHERE r.directive_id = $1 AND r.delivered_at IS NOT NULL AND r.delivered_at <= $2
        ORDER BY r.depth, u.code`,
      [id, t],
    );
    return {
      directiveId: id,
      at: t,
      lastEvent: last[0] ? { action: last[0].action, at: last[0].at.toISOString() } : null,
      symbol: d.symbol,
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
