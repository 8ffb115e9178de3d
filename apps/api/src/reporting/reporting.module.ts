import { Module } from '@nestjs/common';
import { DirectivesModule } from '../directives/directives.module';
import { ReportingController } from './reporting.controller';
import { ReportingService } from './reporting.service';
import { ReceivedController } from './received.controller';
import { ReceivedService } from './received.service';
import { RemindController } from './remind.controller';

@Module({
  imports: [DirectivesModule],
  controllers: [ReportingController, ReceivedController, RemindController],
  providers: [ReportingService, ReceivedService],
  exports: [ReportingService],
})
export class ReportingModule {}
