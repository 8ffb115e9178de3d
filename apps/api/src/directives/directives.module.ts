import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { DirectivesController } from './directives.controller';
import { DirectivesService } from './directives.service';

@Module({
  controllers: [DirectivesController, AuditController],
  providers: [DirectivesService, AuditService],
  exports: [DirectivesService],
})
export class DirectivesModule {}
