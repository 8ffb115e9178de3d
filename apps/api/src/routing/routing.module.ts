import { Module } from '@nestjs/common';
import { DirectivesModule } from '../directives/directives.module';
import { RoutingController } from './routing.controller';
import { RoutingService } from './routing.service';

@Module({
  imports: [DirectivesModule],
  controllers: [RoutingController],
  providers: [RoutingService],
  // the edXML intake applies status messages through the same operations (exchange module)
  exports: [RoutingService],
})
export class RoutingModule {}
