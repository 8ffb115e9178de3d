import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { DirectivesController } from './directives.controller';
import { DirectivesService } from './directives.service';
import { DirectiveEdxmlService } from './edxml.service';
import { ExchangeController } from './exchange.controller';
import { DirectiveImportService } from './import.service';

@Module({
  controllers: [DirectivesController, AuditController, ExchangeController],
  providers: [DirectivesService, AuditService, DirectiveImportService, DirectiveEdxmlService],
  exports: [DirectivesService],
})
export class DirectivesModule {}
