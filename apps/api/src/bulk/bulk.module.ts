import { Module } from '@nestjs/common';
import { DirectivesModule } from '../directives/directives.module';
import { BulkController } from './bulk.controller';
import { BulkService } from './bulk.service';

@Module({
  imports: [DirectivesModule],
  controllers: [BulkController],
  providers: [BulkService],
})
export class BulkModule {}
