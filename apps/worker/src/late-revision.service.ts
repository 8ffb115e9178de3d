import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@cascade/config';
import { DatabaseConnector, reviseLateAggregates } from '@cascade/persistence';
import { PeriodicPass } from './periodic-pass';

/**
 * Revises, every LATE_REVISION_INTERVAL_MS, the aggregates that late reports marked pending: one revision per hub
 * for every late report below it since the last pass, bottom-up, one hub per transaction (libs/persistence
 * late-revisions.ts). Several workers may run it side by side.
 */
@Injectable()
export class LateRevisionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LateRevisionService.name);
  private readonly passes = new PeriodicPass(() => this.revise());

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly database: DatabaseConnector,
  ) {}

  onApplicationBootstrap(): void {
    this.passes.start(this.config.LATE_REVISION_INTERVAL_MS);
  }

  /** One pass; returns how many revisions it wrote. */
  async revise(): Promise<number> {
    if (!this.database.isConnected) return 0;
    try {
      return (await reviseLateAggregates(this.dataSource)).revisions.length;
    } catch (error) {
      this.logger.warn(`late revision pass failed: ${(error as Error).message}`);
      return 0;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.passes.stop();
  }
}
