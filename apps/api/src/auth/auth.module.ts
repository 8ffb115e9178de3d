import { Global, Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core';
import { APP_CONFIG, AppConfig } from '@cascade/config';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor';
import { LongRunningInterceptor } from '../common/long-running';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { PrincipalService } from './principal.service';

@Global()
@Module({
  controllers: [AuthController],
  providers: [
    AuthService,
    PrincipalService,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
    { provide: APP_INTERCEPTOR, useClass: LongRunningInterceptor },
  ],
  exports: [AuthService, PrincipalService],
})
export class AuthModule implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The client's address, which sign-in throttling counts by, is the socket's unless TRUST_PROXY_HOPS says how many
   * proxies in front of the API set X-Forwarded-For: otherwise any client would name its own address in that header.
   */
  onApplicationBootstrap(): void {
    const hops = this.config.TRUST_PROXY_HOPS;
    const express = this.adapterHost.httpAdapter?.getInstance<{
      set(setting: string, value: unknown): void;
    }>();
    express?.set('trust proxy', hops > 0 ? hops : false);
  }
}
