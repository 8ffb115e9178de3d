import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppConfigModule, loadConfig } from '@cascade/config';
import { DatabaseModule } from '@cascade/persistence';
import { AuthModule } from './auth/auth.module';
import { BulkModule } from './bulk/bulk.module';
import { CalendarModule } from './calendar/calendar.module';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { AttachmentsModule } from './attachments/attachments.module';
import { AuditModule } from './audit/audit.module';
import { DelegationModule } from './delegation/delegation.module';
import { DocumentModule } from './document/document.module';
import { DraftingModule } from './drafting/drafting.module';
import { ExchangeModule } from './exchange/exchange.module';
import { ReceivingModule } from './receiving/receiving.module';
import { ReportingModule } from './reporting/reporting.module';
import { ReviewModule } from './review/review.module';
import { RoutingModule } from './routing/routing.module';
import { ReviewChainModule } from './units/review-chain.module';
import { HealthModule } from './health/health.module';
import { PeopleModule } from './people/people.module';
import { SigningCertificatesModule } from './signing-certificates/signing-certificates.module';
import { ProbesModule } from './probes/probes.module';
import { SecretariatModule } from './secretariat/secretariat.module';
import { InboxModule } from './inbox/inbox.module';
import { EventsModule } from './events/events.module';
import { SearchModule } from './search/search.module';
import { TemporalModule } from './temporal/temporal.module';
import { UnitsModule } from './units/units.module';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

@Module({
  imports: [
    AppConfigModule,
    LoggerModule.forRootAsync({
      useFactory: () => ({
        pinoHttp: {
          name: 'cascade-api',
          level: loadConfig(process.env).LOG_LEVEL,
          // The caller's X-Request-Id when it is sane, else a new one; echoed back on the response.
          genReqId: (req: IncomingMessage, res: ServerResponse) => {
            const given = req.headers['x-request-id'];
            const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
            res.setHeader('X-Request-Id', id);
            return id;
          },
          redact: {
            paths: [
              'req.headers.authorization',
              'req.headers.cookie',
              'req.headers["x-api-key"]',
              'res.headers["set-cookie"]',
            ],
            censor: '[redacted]',
          },
          autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' },
        },
      }),
    }),
    DatabaseModule.forApi(),
    TemporalModule,
    AuthModule,
    HealthModule,
    ProbesModule,
    UnitsModule,
    PeopleModule,
    SigningCertificatesModule,
    ReviewChainModule,
    DraftingModule,
    DocumentModule,
    ReviewModule,
    DelegationModule,
    AttachmentsModule,
    RoutingModule,
    ReportingModule,
    BulkModule,
    AuditModule,
    ExchangeModule,
    SecretariatModule,
    InboxModule,
    EventsModule,
    SearchModule,
    ReceivingModule,
    CalendarModule,
  ],
  providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
})
export class AppModule {}
