import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DirectivesModule } from '../directives/directives.module';
import { ReceivingController } from './receiving.controller';
import { ReceivingService } from './receiving.service';

/** The incoming register: documents received from outside Cascade, registered by the receiving unit's clerk. */
@Module({
  imports: [DirectivesModule, AuditModule],
  controllers: [ReceivingController],
  providers: [ReceivingService],
})
export class ReceivingModule {}
