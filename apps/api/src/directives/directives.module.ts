import { Module } from '@nestjs/common';
import { DirectivesService } from './directives.service';

/** A directive's record and the bridge to its workflow, which every directive feature uses. */
@Module({ providers: [DirectivesService], exports: [DirectivesService] })
export class DirectivesModule {}
