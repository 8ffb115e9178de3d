import { Module } from '@nestjs/common';
import { DirectivesModule } from '../directives/directives.module';
import { SecretariatController } from './secretariat.controller';
import { SecretariatService } from './secretariat.service';

@Module({
  imports: [DirectivesModule],
  controllers: [SecretariatController],
  providers: [SecretariatService],
})
export class SecretariatModule {}
