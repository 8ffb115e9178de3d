import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../common/page';
import { DOC_TYPE_CODES } from '@cascade/domain';
import { NodePageDto } from '../directives/dto/directive.dto';

const STATUSES = [
  'draft',
  'in_review',
  'approved',
  'rejected',
  'signed',
  'dispatched',
  'cancelled',
  'closed',
  'recalled',
  'superseded',
  'received',
];

export class RegisterQueryDto {
  @ApiProperty({ description: 'your unit' }) @IsUUID() unitId!: string;
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: string;
  @ApiPropertyOptional({ enum: DOC_TYPE_CODES }) @IsOptional() @IsIn(DOC_TYPE_CODES) type?: string;
  @ApiPropertyOptional({ description: 'signed (outgoing) or delivered (incoming) on or after' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;
  @ApiPropertyOptional({ description: 'and before' }) @IsOptional() @IsISO8601({ strict: true }) to?: string;
  @ApiPropertyOptional({ description: 'words of the symbol or subject, accents ignored' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
  @ApiPropertyOptional({ default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 50;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class TreeQueryDto extends NodePageDto {
  @ApiPropertyOptional({ description: 'the node whose children to list (default: the issuer)' })
  @IsOptional()
  @IsUUID()
  parentUnitId?: string;
  @ApiPropertyOptional({ description: 'the reporting cycle of the roll-ups (default 0)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  cycle: number = 0;
}

/** `GET /overdue`: overdue units in the unit's subtree, a page of them (`limit`, `cursor`). */
export class OverdueQueryDto extends PageQueryDto {
  @ApiProperty({ description: 'your unit: its subtree is the scope' }) @IsUUID() unitId!: string;
}

export class ExportQueryDto {
  @ApiProperty() @IsUUID() unitId!: string;
  @ApiProperty() @Type(() => Number) @IsInt() @Min(0) @Max(10_000) cycle!: number;
  @ApiPropertyOptional({ enum: ['csv', 'xlsx'], default: 'csv' })
  @IsOptional()
  @IsIn(['csv', 'xlsx'])
  format: 'csv' | 'xlsx' = 'csv';
}
