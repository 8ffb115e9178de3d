import { Module } from '@nestjs/common';
import { DirectivesModule } from '../directives/directives.module';
import { ReportingController } from './reporting.controller';
import { ReportingService } from './reporting.service';
import { ReceivedController } from './received.controller';
import { ReceivedService } from './received.service';

@Module({
  imports: [DirectivesModule],
  controllers: [ReportingController, ReceivedController],
  providers: [ReportingService, ReceivedService],
  exports: [ReportingService],
})
export class ReportingModule {}
