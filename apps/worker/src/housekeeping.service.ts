import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatabaseConnector, purgeIdempotencyRecords, purgeLoginAttempts } from '@cascade/persistence';
import { PeriodicPass } from './periodic-pass';

/** How long an idempotency record answers a retry: a client retries within minutes, a day is generous. */
export const IDEMPOTENCY_RETENTION_SECONDS = 86_400;
/** How long a sign-in attempt is kept: throttling reads the last LOGIN_WINDOW_SECONDS only (15 minutes by default). */
export const LOGIN_ATTEMPT_RETENTION_SECONDS = 7 * 86_400;
const PASS_INTERVAL_MS = 10 * 60_000;

/**
 * Purges what only ever grows and is only needed for a while: idempotency records and sign-in attempts, every ten
 * minutes, in batches until nothing old is left. Several workers may purge side by side (each deletes what it finds).
 */
@Injectable()
export class HousekeepingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HousekeepingService.name);
  private readonly passes = new PeriodicPass(() => this.purge());

  constructor(
    private readonly dataSource: DataSource,
    private readonly database: DatabaseConnector,
  ) {}

  onApplicationBootstrap(): void {
    this.passes.start(PASS_INTERVAL_MS);
  }

  /** One pass; returns how many rows of each it deleted. */
  async purge(): Promise<{ idempotencyRecords: number; loginAttempts: number }> {
    const purged = { idempotencyRecords: 0, loginAttempts: 0 };
    if (!this.database.isConnected) return purged;
    try {
      // A batch at a time, until a batch finds nothing old.
      for (let n = 1; n > 0; purged.idempotencyRecords += n)
        n = await purgeIdempotencyRecords(this.dataSource, IDEMPOTENCY_RETENTION_SECONDS);
      for (let n = 1; n > 0; purged.loginAttempts += n)
        n = await purgeLoginAttempts(this.dataSource, LOGIN_ATTEMPT_RETENTION_SECONDS);
    } catch (error) {
      this.logger.warn(`housekeeping pass failed: ${(error as Error).message}`);
    }
    return purged;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.passes.stop();
  }
}
