import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { NestFactory } from '@nestjs/core';
import { APP_CONFIG, loadConfig } from '@cascade/config';
import { AppModule } from '../../../apps/api/src/app.module';
import { configureApp } from '../../../apps/api/src/app.setup';
import { TemporalWorkerService } from '../../../apps/worker/src/temporal-worker.service';
import { WorkerModule } from '../../../apps/worker/src/worker.module';
import { waitFor } from './wait-for';

/** The real API (every module, the global pipe, filter and body limits) on an ephemeral port, for supertest; `providers` replace some. */
export async function startApi(
  overrides: Record<string, string> = {},
  providers: [token: symbol | string, value: unknown][] = [],
): Promise<INestApplication> {
  const config = loadConfig({ ...process.env, ...overrides });
  let builder = Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(APP_CONFIG)
    .useValue(config);
  // providers replaced by a test (e.g. the document renderer's options)
  for (const [token, value] of providers) builder = builder.overrideProvider(token).useValue(value);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    bufferLogs: true,
  });
  configureApp(app, config);
  await app.init();
  return app;
}

/** The real worker application context (as apps/worker runs it), polling the test task queue. */
export async function startWorker(): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
  const worker = app.get(TemporalWorkerService);
  await waitFor(
    'the worker to poll its task queue',
    () => {
      if (worker.state === 'failed') throw new Error(`worker failed: ${worker.lastError ?? '?'}`);
      return worker.state === 'running';
    },
    { timeoutMs: 60_000 },
  );
  return app;
}
