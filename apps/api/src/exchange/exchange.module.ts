import { Module } from '@nestjs/common';
import { RoutingModule } from '../routing/routing.module';
import { ExchangeController } from './exchange.controller';
import { DirectiveEdxmlService } from './edxml.service';
import { EdxmlIntakeService } from './edxml-intake.service';
import { DirectiveImportService } from './import.service';

/**
 * The document exchange: a directive read from its text (import), signed directives as edXML, and the edXML intake
 * (documents and status messages from connectors).
 */
@Module({
  imports: [RoutingModule],
  controllers: [ExchangeController],
  providers: [DirectiveImportService, DirectiveEdxmlService, EdxmlIntakeService],
})
export class ExchangeModule {}
