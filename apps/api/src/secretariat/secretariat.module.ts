import { Module } from '@nestjs/common';
import { DirectivesModule } from '../directives/directives.module';
import { ReportingModule } from '../reporting/reporting.module';
import { SecretariatController } from './secretariat.controller';
import { SecretariatService } from './secretariat.service';

@Module({
  imports: [DirectivesModule, ReportingModule],
  controllers: [SecretariatController],
  providers: [SecretariatService],
})
export class SecretariatModule {}
