import { Global, HttpStatus, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection, isGrpcServiceError } from '@temporalio/client';
import { APP_CONFIG, AppConfig, temporalConnectionOptions } from '@cascade/config';
import { ApiError, CommonErrorCode } from '../common/api-error';

/** gRPC UNAVAILABLE (14) and DEADLINE_EXCEEDED (4). */
const UNREACHABLE_CODES = new Set<number>([14, 4]);

/** True for errors that mean "Temporal cannot be reached now" rather than "Temporal said no". */
export function isTemporalUnavailable(error: unknown): boolean {
  const cause = (error as { cause?: unknown })?.cause;
  for (const e of [error, cause]) {
    if (isGrpcServiceError(e) && UNREACHABLE_CODES.has(e.code)) return true;
  }
  return false;
}

/**
 * The API's Temporal client. The connection is lazy: the API starts while Temporal is down, every call retries
 * the channel, and /health reports the state.
 */
@Injectable()
export class TemporalClient implements OnApplicationShutdown {
  readonly connection: Connection;
  readonly client: Client;
  readonly taskQueue: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.connection = Connection.lazy({ ...temporalConnectionOptions(config), connectTimeout: '3 seconds' });
    this.client = new Client({ connection: this.connection, namespace: config.TEMPORAL_NAMESPACE });
    this.taskQueue = config.TEMPORAL_TASK_QUEUE;
  }

  /**
   * Runs a client call with a deadline, so that a request fails fast with 503 TEMPORAL_UNAVAILABLE instead of
   * hanging while the server is down. Other errors pass through for the feature to map.
   */
  async call<T>(fn: (client: Client) => Promise<T>, timeoutMs = 5_000): Promise<T> {
    try {
      return await this.connection.withDeadline(Date.now() + timeoutMs, () => fn(this.client));
    } catch (error) {
      if (isTemporalUnavailable(error)) {
        throw new ApiError(
          HttpStatus.SERVICE_UNAVAILABLE,
          CommonErrorCode.TEMPORAL_UNAVAILABLE,
          'the workflow engine is unreachable; retry later with the same Idempotency-Key',
        );
      }
      throw error;
    }
  }

  /** Asks the server's own health service, with a short deadline. */
  async ping(timeoutMs = 2_000): Promise<void> {
    await this.connection.withDeadline(Date.now() + timeoutMs, () => this.connection.healthService.check({}));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

@Global()
@Module({ providers: [TemporalClient], exports: [TemporalClient] })
export class TemporalModule {}
