import { Global, Module } from '@nestjs/common';
import { AppConfig, loadConfig } from './env.schema';
import { ShutdownLogger } from './shutdown-logger';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Validated configuration, read once at boot; a bad value throws before any module starts. */
@Global()
@Module({
  providers: [{ provide: APP_CONFIG, useFactory: (): AppConfig => loadConfig(process.env) }, ShutdownLogger],
  exports: [APP_CONFIG],
})
export class AppConfigModule {}
