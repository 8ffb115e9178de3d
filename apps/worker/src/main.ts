import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigValidationError, loadConfig, loadDotEnvFile } from '@cascade/config';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  loadDotEnvFile();
  try {
    loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  // An application context: the worker needs DI and lifecycle hooks, not an HTTP server.
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
}

void bootstrap();
