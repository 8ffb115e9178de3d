import { Module } from '@nestjs/common';
import { ReviewChainController } from './review-chain.controller';
import { ReviewChainService } from './review-chain.service';

@Module({ controllers: [ReviewChainController], providers: [ReviewChainService] })
export class ReviewChainModule {}
