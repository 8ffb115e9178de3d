import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfigModule, loadConfig } from '@cascade/config';
import { DatabaseModule } from '@cascade/persistence';
import { ChainSealerService } from './chain-sealer.service';
import { HousekeepingService } from './housekeeping.service';
import { LateRevisionService } from './late-revision.service';
import { OutboxDeliveryService } from './outbox-delivery.service';
import { TemporalWorkerService } from './temporal-worker.service';
import { WorkerHealthServer } from './worker-health.server';

@Module({
  imports: [
    AppConfigModule,
    LoggerModule.forRootAsync({
      useFactory: () => ({ pinoHttp: { level: loadConfig(process.env).LOG_LEVEL, name: 'cascade-worker' } }),
    }),
    DatabaseModule,
  ],
  providers: [
    TemporalWorkerService,
    WorkerHealthServer,
    OutboxDeliveryService,
    ChainSealerService,
    HousekeepingService,
    LateRevisionService,
  ],
})
export class WorkerModule {}
