import { Module } from '@nestjs/common';
import { DirectivesModule } from '../directives/directives.module';
import { AuditModule } from '../audit/audit.module';
import { DraftingController } from './drafting.controller';
import { DraftingService } from './drafting.service';

@Module({
  imports: [DirectivesModule, AuditModule],
  controllers: [DraftingController],
  providers: [DraftingService],
})
export class DraftingModule {}
