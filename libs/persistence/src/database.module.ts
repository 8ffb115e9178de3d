import {
  DynamicModule,
  Global,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@cascade/config';
import { createDataSource } from './data-source';

/**
 * Owns the DataSource. The first connection is made in the background with backoff, so that the API and the worker
 * start (and report "database down" in their health) while PostgreSQL is unreachable; once connected, pg's pool
 * replaces broken connections by itself.
 */
@Injectable()
export class DatabaseConnector implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseConnector.name);
  private stopped = false;
  private connecting: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  lastError: string | null = null;

  constructor(readonly dataSource: DataSource) {}

  /** Waits for the first attempt only: a reachable database is connected before the app serves; an unreachable
   * one is retried in the background. */
  async onModuleInit(): Promise<void> {
    let firstAttempt!: () => void;
    const attempted = new Promise<void>((resolve) => (firstAttempt = resolve));
    this.connecting = this.connectWithRetry(firstAttempt);
    await attempted;
  }

  get isConnected(): boolean {
    return this.dataSource.isInitialized;
  }

  private async connectWithRetry(firstAttempt: () => void): Promise<void> {
    let delay = 250;
    while (!this.stopped && !this.dataSource.isInitialized) {
      try {
        await this.dataSource.initialize();
        this.lastError = null;
        this.logger.log('connected to PostgreSQL');
        firstAttempt();
        return;
      } catch (error) {
        firstAttempt();
        this.lastError = (error as Error).message;
        this.logger.warn(`PostgreSQL unreachable (${this.lastError}); retrying in ${delay} ms`);
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.retryTimer = setTimeout(resolve, delay);
        });
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.wake?.();
    await this.connecting;
    if (this.dataSource.isInitialized) {
      await this.dataSource.destroy();
      this.logger.log('PostgreSQL pool closed');
    }
  }
}

@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        createDataSource({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }),
    },
    DatabaseConnector,
  ],
  exports: [DataSource, DatabaseConnector],
})
export class DatabaseModule {
  /**
   * The API's DataSource: requests shed load instead of piling up. A query waits at most
   * DATABASE_ACQUIRE_TIMEOUT_MS for a connection of a full pool, DATABASE_LOCK_TIMEOUT_MS for a lock and runs at most
   * DATABASE_STATEMENT_TIMEOUT_MS (long bulk routes raise the last for their transactions); each ends in a 503. The
   * worker's batches keep the plain module: no statement timeout.
   */
  static forApi(): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [
        {
          provide: DataSource,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) =>
            createDataSource({
              url: config.DATABASE_URL,
              poolSize: config.DATABASE_POOL_SIZE,
              applicationName: 'cascade-api',
              acquireTimeoutMs: config.DATABASE_ACQUIRE_TIMEOUT_MS,
              lockTimeoutMs: config.DATABASE_LOCK_TIMEOUT_MS,
              statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
            }),
        },
        DatabaseConnector,
      ],
      exports: [DataSource, DatabaseConnector],
    };
  }
}
