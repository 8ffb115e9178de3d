import { Module } from '@nestjs/common';
import { DirectivesModule } from '../directives/directives.module';
import { DelegationModule } from '../delegation/delegation.module';
import { ReviewController } from './review.controller';
import { ReviewService } from './review.service';

@Module({
  imports: [DirectivesModule, DelegationModule],
  controllers: [ReviewController],
  providers: [ReviewService],
})
export class ReviewModule {}
