import 'reflect-metadata';
import cluster from 'node:cluster';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigValidationError, loadConfig, loadDotEnvFile, type AppConfig } from '@cascade/config';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';

/**
 * With API_PROCESSES > 1 the primary only supervises: it forks that many API processes, which share the port
 * (node:cluster hands connections out in turn), starts a new one when one that was serving dies, and passes SIGTERM
 * and SIGINT on, exiting when the last has finished its requests. One that exits by itself before it listens is
 * failing to start (the database is gone, the port is taken): the primary stops them all rather than loop.
 */
function supervise(config: AppConfig): void {
  let stopping = false;
  const started = new Set<number>();
  const listening = new Set<number>();
  const fork = () => started.add(cluster.fork().id);
  for (let i = 0; i < config.API_PROCESSES; i++) fork();
  cluster.on('listening', (worker) => listening.add(worker.id));
  cluster.on('exit', (worker, code, signal) => {
    // Exited by itself before listening (killed by a signal is a crash like any other).
    const early = !listening.has(worker.id) && signal === null;
    started.delete(worker.id);
    listening.delete(worker.id);
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
