import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import { APP_CONFIG, AppConfig } from '@cascade/config';
import { DatabaseConnector } from '@cascade/persistence';
import { TemporalWorkerService } from './temporal-worker.service';

/** `GET /health` on WORKER_HEALTH_PORT (when non-zero) for orchestrators; the worker serves nothing else. */
@Injectable()
export class WorkerHealthServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly worker: TemporalWorkerService,
    private readonly database: DatabaseConnector,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.WORKER_HEALTH_PORT) return;
    this.server = createServer((req, res) => {
      if (req.url !== '/health') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"NOT_FOUND"}}');
        return;
      }
      const up = this.worker.state === 'running' && this.database.isConnected;
      res.writeHead(up ? 200 : 503, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          status: up ? 'ok' : 'error',
          worker: { status: this.worker.state, error: this.worker.lastError },
          database: { status: this.database.isConnected ? 'up' : 'down', error: this.database.lastError },
        }),
      );
    });
    this.server.listen(this.config.WORKER_HEALTH_PORT, '0.0.0.0');
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
