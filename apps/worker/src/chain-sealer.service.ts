import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@cascade/config';
import { DatabaseConnector, sealPendingEvents } from '@cascade/persistence';
import { PeriodicPass } from './periodic-pass';

/**
 * Seals the events written since the last pass into their directives' hash chains, every SEAL_INTERVAL_MS: one
 * transaction per directive, however many events it gained, so that the requests that write events never queue on
 * a directive's chain head. Several workers may seal side by side: a directive's seal takes its chain head's lock.
 */
@Injectable()
export class ChainSealerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChainSealerService.name);
  private readonly passes = new PeriodicPass(() => this.seal());

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly database: DatabaseConnector,
  ) {}

  onApplicationBootstrap(): void {
    this.passes.start(this.config.SEAL_INTERVAL_MS);
  }

  /** One pass; returns how many events it sealed. */
  async seal(): Promise<number> {
    if (!this.database.isConnected) return 0;
    try {
      return await sealPendingEvents(this.dataSource);
    } catch (error) {
      this.logger.warn(`sealing pass failed: ${(error as Error).message}`);
      return 0;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.passes.stop();
  }
}
