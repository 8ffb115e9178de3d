import 'reflect-metadata';
import cluster from 'node:cluster';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigValidationError, loadConfig, loadDotEnvFile, type AppConfig } from '@cascade/config';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';

/** A process that dies this soon after it started is failing, not crashing: the primary stops instead of looping. */
const EARLY_EXIT_MS = 10_000;

/**
 * With API_PROCESSES > 1 the primary only supervises: it forks that many API processes, which share the port
 * (node:cluster hands connections out in turn), starts a new one when one dies, and passes SIGTERM and SIGINT on,
 * exiting when the last has finished its requests.
 */
function supervise(config: AppConfig): void {
  let stopping = false;
  const started = new Map<number, number>();
  const fork = () => started.set(cluster.fork().id, Date.now());
  for (let i = 0; i < config.API_PROCESSES; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    const early = Date.now() - (started.get(worker.id) ?? 0) < EARLY_EXIT_MS;
    started.delete(worker.id);
    if (stopping) {
      if (started.size === 0) process.exit();
      return;
    }
    console.error(`API process ${worker.process.pid} exited (${signal ?? code})`);
    if (early) {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      process.exitCode = typeof code === 'number' && code !== 0 ? code : 1;
      if (started.size === 0) process.exit();
      return;
    }
    fork();
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.on(signal, () => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
    });
}

async function bootstrap(): Promise<void> {
  loadDotEnvFile();
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  if (config.API_PROCESSES > 1 && cluster.isPrimary) return supervise(config);
  // bodyParser off here: configureApp installs it with the configured limit.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bufferLogs: true,
    bodyParser: false,
  });
  configureApp(app, config);
  await app.listen(config.PORT, '0.0.0.0');
}

void bootstrap();
