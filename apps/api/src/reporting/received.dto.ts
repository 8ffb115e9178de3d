import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { PageQueryDto } from '../common/page';

const SCHEDULE_KEY = /^[a-z][a-z0-9-]{0,31}$/;

/** `GET /registers/reports-received`: the unit's register, a page of it (`limit`, `cursor`). */
export class ReceivedRegisterQueryDto extends PageQueryDto {
  @ApiProperty({ description: 'the receiving unit (yours): a body, or the department reports come through' })
  @IsUUID()
  unitId!: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() directiveId?: string;
}

export class ReceivedOnQueryDto {
  @ApiProperty({ description: 'the receiving unit (yours)' }) @IsUUID() unitId!: string;
  @ApiProperty() @Type(() => Number) @IsInt() @Min(0) @Max(9_999) cycle!: number;
  @ApiPropertyOptional({ description: 'the schedule (its key; absent: the main one)' })
  @IsOptional()
  @Matches(SCHEDULE_KEY, { message: 'schedule must be a schedule key' })
  schedule?: string;
}

export class CloseCycleDto {
  @ApiPropertyOptional({ description: 'the schedule (its key; absent: the main one)' })
  @IsOptional()
  @Matches(SCHEDULE_KEY, { message: 'schedule must be a schedule key' })
  schedule?: string;
  @ApiProperty({ description: 'the cycle (a phase) to close' }) @IsInt() @Min(0) @Max(9_999) cycle!: number;
}

export class RouteNamesQueryDto {
  @ApiProperty({ description: 'a unit that issued or received the directive (yours)' })
  @IsUUID()
  unitId!: string;
}
