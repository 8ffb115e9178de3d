import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  DefaultLogger,
  LogLevel,
  NativeConnection,
  Runtime,
  Worker,
  WorkerOptions,
} from '@temporalio/worker';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, temporalConnectionOptions } from '@cascade/config';
import { createActivities } from './activities';
import { workflowBundleOptions } from '@cascade/temporal';

const SDK_LEVELS: Record<AppConfig['LOG_LEVEL'], LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

/** The SDK logs through its own runtime, once per process; give it the configured level. */
function installRuntime(level: AppConfig['LOG_LEVEL']): void {
  try {
    Runtime.install({ logger: new DefaultLogger(SDK_LEVELS[level]) });
  } catch {
    // Already installed in this process (tests start several workers): keep the first.
  }
}

export type WorkerState = 'connecting' | 'running' | 'stopping' | 'stopped' | 'failed';

/**
 * Hosts the Temporal worker inside the Nest application context: connects with backoff (the worker may start before
 * the server), runs until shutdown, and on SIGTERM drains (`shutdown()`), awaits the run and closes the connection.
 */
@Injectable()
export class TemporalWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TemporalWorkerService.name);
  private connection: NativeConnection | null = null;
  private worker: Worker | null = null;
  private running: Promise<void> | null = null;
  private stopping = false;
  state: WorkerState = 'connecting';
  lastError: string | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.start().catch((error: Error) => {
      this.state = 'failed';
      this.lastError = error.message;
      this.logger.error(`worker failed: ${error.stack ?? error.message}`);
      process.exitCode = 1;
    });
  }

  private async connect(): Promise<NativeConnection> {
    let delay = 250;
    for (;;) {
      try {
        return await NativeConnection.connect(temporalConnectionOptions(this.config));
      } catch (error) {
        if (this.stopping) throw error;
        this.lastError = (error as Error).message;
        this.logger.warn(`Temporal unreachable at ${this.config.TEMPORAL_ADDRESS}; retrying in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }

  private workflowSource(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'> {
    if (this.config.WORKFLOW_BUNDLE_PATH) {
      return { workflowBundle: { codePath: this.config.WORKFLOW_BUNDLE_PATH } };
    }
    const { workflowsPath, webpackConfigHook } = workflowBundleOptions();
    return { workflowsPath, bundlerOptions: { webpackConfigHook } };
  }

  private async start(): Promise<void> {
    installRuntime(this.config.LOG_LEVEL);
    this.connection = await this.connect();
    if (this.stopping) return;
    // The worker signs directives (the API never does): it is the one process given the key-encryption secret.
    const signingSecret = this.config.SIGNING_KEY_SECRET;
    if (!signingSecret)
      throw new Error('SIGNING_KEY_SECRET is required by the worker, which signs directives');
    this.worker = await Worker.create({
      connection: this.connection,
      namespace: this.config.TEMPORAL_NAMESPACE,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      activities: createActivities({
        dataSource: this.dataSource,
        signingSecret,
        pades: {
          pkcs11Modules: (this.config.PKCS11_MODULES ?? '')
            .split(',')
            .map((m) => m.trim())
            .filter(Boolean),
          tsaUrl: this.config.SIGNING_TSA_URL,
        },
      }),
      ...this.workflowSource(),
      // A workflow's next task goes first to the worker that has it cached; when that worker is dead, Temporal waits
      // this long before giving the task to any worker. At the default 10 s a worker killed just before a reminder
      // step (10 s before its deadline) made the step run after the deadline, where it is skipped (fault suite, fault
      // 6, seed 3714885340).
      stickyQueueScheduleToStartTimeout: '3 seconds',
      // Heartbeats reach Temporal every 2 s (the SDK's default holds them back up to 80 % of the heartbeat timeout):
      // a step's 10 s heartbeat timeout then fires 8–10 s after its worker froze, not as early as 2 s, which is after
      // the frozen worker's polls have been dropped (the frontend's keep-alive), so that the retry goes to a live one.
      maxHeartbeatThrottleInterval: '2 seconds',
    });
    this.state = 'running';
    this.logger.log(
      `worker polling task queue "${this.config.TEMPORAL_TASK_QUEUE}" on ${this.config.TEMPORAL_ADDRESS}`,
    );
    await this.worker.run();
    this.state = 'stopped';
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.state = 'stopping';
    if (this.worker && this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running;
    await this.connection?.close();
    this.state = 'stopped';
    this.logger.log('worker stopped: in-flight tasks finished, connection closed');
  }
}
