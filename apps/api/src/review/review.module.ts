import { Module } from '@nestjs/common';
import { DirectivesModule } from '../directives/directives.module';
import { ReviewController } from './review.controller';
import { ReviewService } from './review.service';

@Module({
  imports: [DirectivesModule],
  controllers: [ReviewController],
  providers: [ReviewService],
})
export class ReviewModule {}
