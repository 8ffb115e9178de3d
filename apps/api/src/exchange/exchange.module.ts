import { Module } from '@nestjs/common';
import { ExchangeController } from './exchange.controller';
import { DirectiveEdxmlService } from './edxml.service';
import { DirectiveImportService } from './import.service';

/** The document exchange: a directive read from its text (import), and signed directives as edXML. */
@Module({
  controllers: [ExchangeController],
  providers: [DirectiveImportService, DirectiveEdxmlService],
})
export class ExchangeModule {}
