import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  DOC_TYPE_CODES,
  type DocType,
  type EscalationLadder,
  type ReportForm,
  type Schedule,
} from '@cascade/domain';
import type {
  Addressees,
  Attachment,
  CopyRecipient,
  DirectiveContent,
  ImplementsRef,
  NamedSchedule,
  NewDirective,
  ReportingRequirement,
  ReportRoute,
} from '@cascade/contracts';
import { normalize, normalizeList } from '../../common/transforms';

export class AddresseesDto implements Addressees {
  @ApiProperty({
    enum: ['units', 'children', 'subtree'],
    description:
      'listed units (any kind), the direct subordinates, or the subtree down to `depth` (those two: executing units, departments only when listed in `unitIds`)',
  })
  @IsIn(['units', 'children', 'subtree'])
  mode!: 'units' | 'children' | 'subtree';

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  unitIds?: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 20 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  depth?: number;
}

export class CopyRecipientDto implements CopyRecipient {
  @ApiProperty({ example: 'Ban Tuyên giáo Tỉnh ủy' })
  @Transform(normalize)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  name!: string;
  @ApiProperty({
    enum: ['info', 'report', 'filed'],
    description: 'for information, b/c to a superior, filed (Lưu)',
  })
  @IsIn(['info', 'report', 'filed'])
  role!: 'info' | 'report' | 'filed';
  @ApiPropertyOptional() @IsOptional() @IsUUID() unitId?: string;
}

export class ImplementsDto implements ImplementsRef {
  @ApiPropertyOptional({ description: 'a directive registered in Cascade' })
  @IsOptional()
  @IsUUID()
  directiveId?: string;
  @ApiPropertyOptional({ example: '812/LĐLĐ' })
  @IsOptional()
  @Transform(normalize)
  @IsString()
  @MaxLength(100)
  code?: string;
  @ApiPropertyOptional({ example: '2020-04-23' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be yyyy-mm-dd' })
  date?: string;
  @ApiPropertyOptional({ example: 'Ban Thường vụ LĐLĐ tỉnh Tây Ninh' })
  @IsOptional()
  @Transform(normalize)
  @IsString()
  @MaxLength(300)
  issuerName?: string;
}

export class AttachmentDto implements Attachment {
  @ApiProperty() @Transform(normalize) @IsString() @IsNotEmpty() @MaxLength(300) name!: string;
  @ApiProperty({ example: 'application/pdf' })
  @IsString()
  @Matches(/^[\w.+-]+\/[\w.+-]+$/, { message: 'mediaType must be a media type' })
  mediaType!: string;
  @ApiProperty() @IsInt() @Min(0) size!: number;
  @ApiProperty({ description: 'SHA-256 of the file, hex' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be 64 hex digits' })
  sha256!: string;
}

/** Its schedule, form and ladder are checked by the domain (their problems name each field). */
export class ReportingDto implements ReportingRequirement {
  @ApiProperty({ description: 'a Schedule (see README): monthly, dates, phases, interval or adhoc' })
  @IsObject()
  schedule!: Schedule;

  @ApiPropertyOptional({ enum: ['keep', 'previous-working-day', 'next-working-day'] })
  @IsOptional()
  @IsIn(['keep', 'previous-working-day', 'next-working-day'])
  policy?: 'keep' | 'previous-working-day' | 'next-working-day';

  @ApiPropertyOptional({
    description: 'the report form: fields with type, required, aggregation (see README)',
  })
  @IsOptional()
  @IsObject()
  form?: ReportForm;

  @ApiPropertyOptional({
    type: [Number],
    description: 'days (seconds for interval schedules) added per tier, grassroots first',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsInt({ each: true })
  @Min(0, { each: true })
  stagger?: number[];

  @ApiPropertyOptional({
    description:
      'the escalation ladder, ISO 8601 durations from the grassroots deadline: { remindBefore, parentAfter, issuerAfter, aboveAfter } (aboveAfter: the leaders of the body above the issuer, only when given)',
    example: { remindBefore: 'P1D', parentAfter: 'P3D', issuerAfter: 'P7D' },
  })
  @IsOptional()
  @IsObject()
  escalation?: EscalationLadder;

  @ApiPropertyOptional({
    type: [String],
    description: "extra units that receive the issuer's aggregated report (besides the issuer itself)",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsUUID('all', { each: true })
  targets?: string[];

  @ApiPropertyOptional({
    description:
      'where reports go, per hub: { hubUnitId? (absent: the issuer), viaUnitId? (its collecting department), ' +
      'to?: [{ unitId, viaUnitId? }] (absent: the routing parent) }',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  routes?: ReportRoute[];

  @ApiPropertyOptional({
    description:
      'more schedules beside the main one ("main"): [{ key, name?, schedule, form?, policy?, stagger?, escalation? }]',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(9)
  @IsObject({ each: true })
  schedules?: NamedSchedule[];
}

/** The schedule a report or a query is about: a key of the directive's schedules (absent: the main one). */
const SCHEDULE_KEY = /^[a-z][a-z0-9-]{0,31}$/;

/** The parts of a directive that a drafter writes. */
export class DirectiveContentDto implements DirectiveContent {
  @ApiPropertyOptional({ example: 'Sơn La' })
  @IsOptional()
  @Transform(normalize)
  @IsString()
  @MaxLength(100)
  place?: string;

  @ApiProperty({ example: 'V/v đẩy mạnh tuyên truyền về công tác xây dựng Đảng' })
  @Transform(normalize)
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  subject!: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200_000) body?: string;

  @ApiProperty({ type: [String], description: 'the numbered tasks' })
  @Transform(normalizeList)
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(10_000, { each: true })
  tasks!: string[];

  @ApiProperty({ type: AddresseesDto })
  @IsDefined({ message: 'addressees is required' })
  @IsObject()
  @ValidateNested()
  @Type(() => AddresseesDto)
  addressees!: AddresseesDto;

  @ApiPropertyOptional({ type: [CopyRecipientDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CopyRecipientDto)
  copyRecipients?: CopyRecipientDto[];

  @ApiPropertyOptional({ type: [ImplementsDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ImplementsDto)
  implements?: ImplementsDto[];

  @ApiPropertyOptional({
    description: 'a dispatched directive of the same issuer that this one replaces once it is dispatched',
  })
  @IsOptional()
  @IsUUID()
  supersedes?: string;

  @ApiPropertyOptional({ type: [AttachmentDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments?: AttachmentDto[];

  @ApiPropertyOptional({ type: ReportingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReportingDto)
  reporting?: ReportingDto;
}

export class CreateDirectiveDto extends DirectiveContentDto implements NewDirective {
  @ApiProperty() @IsUUID() issuerId!: string;
  @ApiProperty({
    enum: DOC_TYPE_CODES,
    description:
      'KH kế hoạch, HD hướng dẫn, CV công văn, CT chỉ thị, TB thông báo, QĐ quyết định, BC báo cáo',
  })
  @IsIn(DOC_TYPE_CODES)
  type!: DocType;
}

export class EditDirectiveDto extends DirectiveContentDto {
  @ApiProperty({ description: 'the version being edited; a stale one is 409' })
  @IsInt()
  @Min(1)
  version!: number;
}

export class VersionDto {
  @ApiProperty() @IsInt() @Min(1) version!: number;
}

export class ReviewDto extends VersionDto {
  @ApiProperty({ enum: ['approve', 'return', 'reject'] }) @IsIn(['approve', 'return', 'reject']) decision!:
    'approve' | 'return' | 'reject';
  @ApiPropertyOptional({ description: 'required to return or reject' })
  @IsOptional()
  @Transform(normalize)
  @IsString()
  @MaxLength(5000)
  comment?: string;
}

export class CloseDto {
  @ApiPropertyOptional() @IsOptional() @Transform(normalize) @IsString() @MaxLength(2000) reason?: string;
}

export class RecallDto {
  @ApiProperty() @Transform(normalize) @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
}

export class RecallResponseDto {
  @ApiProperty({ description: 'the unit answering (yours)' }) @IsUUID() unitId!: string;
  @ApiProperty({ enum: ['accept', 'refuse'], description: 'give it back (edXML 15) or refuse (16)' })
  @IsIn(['accept', 'refuse'])
  decision!: 'accept' | 'refuse';
  @ApiPropertyOptional({ description: 'required to refuse' })
  @IsOptional()
  @Transform(normalize)
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class ForwardDto {
  @ApiProperty({ description: 'the routed unit that forwards (yours)' }) @IsUUID() unitId!: string;
  @ApiProperty({ type: AddresseesDto, description: 'its own subordinates to forward to' })
  @IsDefined({ message: 'addressees is required' })
  @IsObject()
  @ValidateNested()
  @Type(() => AddresseesDto)
  addressees!: AddresseesDto;
}

export class EscalationQueryDto {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(9_999) cycle?: number;
  @ApiPropertyOptional({ description: 'the schedule (its key; absent: the main one)' })
  @IsOptional()
  @Matches(SCHEDULE_KEY, { message: 'schedule must be a schedule key' })
  schedule?: string;
}

export class CyclesQueryDto {
  @ApiPropertyOptional({ description: 'the schedule (its key; absent: the main one)' })
  @IsOptional()
  @Matches(SCHEDULE_KEY, { message: 'schedule must be a schedule key' })
  schedule?: string;
  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(9_999)
  from?: number;
  @ApiPropertyOptional({ default: 12 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60)
  count?: number;
}

export class CancelDto {
  @ApiProperty() @Transform(normalize) @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
}

export class ReviewChainDto {
  @ApiProperty({ type: [String], description: 'leaders of the unit, in review order' })
  @IsArray()
  @ArrayMinSize(0)
  @ArrayMaxSize(10)
  @IsUUID('all', { each: true })
  reviewerIds!: string[];
}

export class AcknowledgeDto {
  @ApiProperty({ description: 'the receiving unit (yours)' }) @IsUUID() unitId!: string;
  @ApiProperty({
    enum: ['accept', 'return'],
    description: 'accept and register (edXML 03), or return it (02)',
  })
  @IsIn(['accept', 'return'])
  decision!: 'accept' | 'return';
  @ApiPropertyOptional({ description: 'required to return: wrongly addressed, invalid, …' })
  @IsOptional()
  @Transform(normalize)
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

/** A page of routing nodes: up to `limit` (1–1000), after the unit id `cursor` (the previous page's `nextCursor`). */
export class NodePageDto {
  @ApiPropertyOptional({ default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;
  @ApiPropertyOptional() @IsOptional() @IsUUID() cursor?: string;
}

export class RoutingQueryDto extends NodePageDto {
  @ApiPropertyOptional({ description: 'only the nodes routed from this unit' })
  @IsOptional()
  @IsUUID()
  parentUnitId?: string;
  @ApiPropertyOptional({ enum: ['pending', 'delivered', 'accepted', 'returned'] })
  @IsOptional()
  @IsIn(['pending', 'delivered', 'accepted', 'returned'])
  status?: string;
}

export class SubmitReportDto {
  @ApiProperty({ description: 'the reporting unit (yours)' }) @IsUUID() unitId!: string;
  @ApiProperty({ description: 'the cycle, 0 for the first' }) @IsInt() @Min(0) @Max(9_999) cycle!: number;
  @ApiPropertyOptional({ description: 'the schedule (its key; absent: the main one)' })
  @IsOptional()
  @Matches(SCHEDULE_KEY, { message: 'schedule must be a schedule key' })
  schedule?: string;

  @ApiProperty({ description: 'field key → value, as the form defines' }) @IsObject() values!: Record<
    string,
    number | boolean | string | null
  >;
}

export class ReportQueryDto {
  @ApiProperty({ description: 'the unit whose reports (or aggregate) to read' }) @IsUUID() unitId!: string;
  @ApiProperty() @Type(() => Number) @IsInt() @Min(0) @Max(9_999) cycle!: number;
  @ApiPropertyOptional({ description: 'the schedule (its key; absent: the main one)' })
  @IsOptional()
  @Matches(SCHEDULE_KEY, { message: 'schedule must be a schedule key' })
  schedule?: string;
}

export class ReceivedQueryDto {
  @ApiProperty({ description: 'the routed unit (yours)' }) @IsUUID() unitId!: string;
}
