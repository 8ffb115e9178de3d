import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export const INBOX_KINDS = ['arrived', 'due', 'escalated'] as const;
/** The largest inbox page (a person reads it; the default is 20). */
export const MAX_INBOX_PAGE = 100;

export class InboxQueryDto {
  @ApiProperty({
    enum: INBOX_KINDS,
    description: 'arrived: delivered to my units; due: deadlines of the coming days; escalated: rungs to me',
  })
  @IsIn(INBOX_KINDS)
  kind!: (typeof INBOX_KINDS)[number];
  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: MAX_INBOX_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_INBOX_PAGE)
  limit: number = 20;
  @ApiPropertyOptional({ description: 'the nextCursor of the previous page (opaque)' })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  cursor?: string;
}

/** An item key as the inbox gives it: a: / d: / e: then ids, a cycle and a ladder level. */
const ITEM =
  /^(a:[0-9a-f-]{36}:[0-9a-f-]{36}|d:[0-9a-f-]{36}:[0-9a-f-]{36}:\d{1,6}|e:[0-9a-f-]{36}:[0-9a-f-]{36}:\d{1,6}:[a-z]{1,10})$/;

export class MarkReadDto {
  @ApiProperty({ description: 'the items (their `item` keys) to mark read, up to 100', type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_INBOX_PAGE)
  @IsString({ each: true })
  @Matches(ITEM, { each: true, message: 'each item must be an item key the inbox gave' })
  items!: string[];
}
