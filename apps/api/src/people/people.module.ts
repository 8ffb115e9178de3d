import { Module } from '@nestjs/common';
import { PeopleController } from './people.controller';
import { PeopleService } from './people.service';
import { ApiKeyBulkService } from './api-key-bulk.service';
import { UserBulkService } from './user-bulk.service';

@Module({ controllers: [PeopleController], providers: [PeopleService, ApiKeyBulkService, UserBulkService] })
export class PeopleModule {}
