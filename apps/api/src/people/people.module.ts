import { Module } from '@nestjs/common';
import { PeopleController } from './people.controller';
import { PeopleService } from './people.service';
import { ApiKeyBulkService } from './api-key-bulk.service';

@Module({ controllers: [PeopleController], providers: [PeopleService, ApiKeyBulkService] })
export class PeopleModule {}
