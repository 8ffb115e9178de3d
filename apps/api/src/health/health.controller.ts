import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { databaseHealth, DatabaseConnector, outboxCounts } from '@cascade/persistence';
import { Public } from '../auth/decorators';
import { TemporalClient } from '../temporal/temporal.module';
import { CalendarService } from '../calendar/calendar.service';

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref(),
    ),
  ]);

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseConnector,
    private readonly dataSource: DataSource,
    private readonly temporal: TemporalClient,
    private readonly calendar: CalendarService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'PostgreSQL and Temporal, each reported separately; 503 when either is down' })
  @ApiResponse({
    status: 200,
    description:
      'both up; `warnings` lists what needs an operator soon (a year ahead with provisional days off)',
  })
  @ApiResponse({ status: 503, description: 'at least one down; `error` names which' })
  async check(@Res({ passthrough: true }) res: Response): Promise<unknown> {
    try {
      let busy = false;
      const result = await this.health.check([
        () => this.checkDatabase(() => (busy = true)),
        () => this.checkTemporal(),
      ]);
      const [warnings, outbox] = await Promise.all([
        withTimeout(this.calendar.warnings(), 2_000).catch((): string[] => []),
        withTimeout(outboxCounts(this.dataSource), 2_000).catch(() => null),
      ]);
      if (outbox?.dead) {
        warnings.push(
          `outbox: ${outbox.dead} notification(s) are dead (refused or out of attempts): see notification_outbox.last_error`,
        );
      }
      // The outbox is reported, not judged: mail that waits does not make the API unhealthy.
      return {
        ...result,
        // Busy is not down: the API sheds load (503 DATABASE_BUSY) and recovers by itself; an orchestrator must not
        // restart it for that.
        status: busy ? 'degraded' : result.status,
        details: { ...result.details, ...(outbox ? { outbox: { status: 'up', ...outbox } } : {}) },
        warnings,
      };
    } catch (error) {
      // Terminus throws a 503 carrying the per-dependency report; keep its shape rather than the error envelope.
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return (error as { getResponse?: () => unknown }).getResponse?.() ?? { status: 'error' };
    }
  }

  /** Up, busy (up, `busy: true`: the answer's status is then `degraded`, still 200) or down (503). */
  private async checkDatabase(onBusy: () => void) {
    const session = this.indicators.check('database');
    if (!this.database.isConnected) return session.down({ message: this.database.lastError ?? 'connecting' });
    const health = await databaseHealth(this.dataSource, 2_000);
    if (health.state === 'up') return session.up();
    if (health.state === 'busy') {
      onBusy();
      return session.up({ busy: true, message: health.message });
    }
    return session.down({ message: health.message });
  }

  private async checkTemporal() {
    const session = this.indicators.check('temporal');
    try {
      await this.temporal.ping();
      return session.up();
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }
}
