import { ApiProperty, IntersectionType } from '@nestjs/swagger';
import { Matches, MaxLength } from 'class-validator';
import { EscalationQueryDto, ReceivedQueryDto, ReportQueryDto } from '../directives/dto/directive.dto';
import { PageQueryDto } from '../common/page';

/** `GET /directives/:id/reports`: a cycle's reports below a unit, a page of them. */
export class ReportPageQueryDto extends IntersectionType(ReportQueryDto, PageQueryDto) {}

/** `GET /directives/:id/escalations`: the ladder's steps (of one cycle, or all), a page of them. */
export class EscalationPageQueryDto extends IntersectionType(EscalationQueryDto, PageQueryDto) {}

/** `GET /directives/:id/aggregate/answers`: a page of the answers collected for one field of an aggregate. */
export class AnswersQueryDto extends IntersectionType(ReportQueryDto, PageQueryDto) {
  @ApiProperty({ description: "the form field's key (a field aggregated by `collect`)" })
  @MaxLength(64)
  @Matches(/^[a-z][A-Za-z0-9_]*$/, { message: 'field must be a form field key' })
  field!: string;
}

/** `GET /directives/:id/aggregate/revisions`: a node's aggregate of a cycle, a page of its revisions. */
export class RevisionPageQueryDto extends IntersectionType(ReportQueryDto, PageQueryDto) {}

/** `GET /directives/:id/rollups`: what arrived through implementing directives, a page of it. */
export class RollupPageQueryDto extends IntersectionType(ReceivedQueryDto, PageQueryDto) {}
