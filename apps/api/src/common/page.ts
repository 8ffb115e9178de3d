import { HttpStatus } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, MaxLength } from 'class-validator';
import type { Page } from '@cascade/contracts';
import type { KeysetPage } from '@cascade/persistence';
import { ApiError, CommonErrorCode } from './api-error';

/** The 400 every paged list documents. */
export const PAGE_400 = 'VALIDATION_FAILED: limit out of 1–1000, or cursor not from this list';

/** The largest page any list answers; the default is 100. */
export const MAX_PAGE = 1000;

/** A page of a list that grows with the units: `limit` (1–1000, default 100) after `cursor` (a `nextCursor`). */
export class PageQueryDto {
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: MAX_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  limit: number = 100;
  @ApiPropertyOptional({ description: 'the nextCursor of the previous page (opaque)' })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  cursor?: string;
}

/**
 * Cursors are opaque to clients: the list's name and the last row's key, as base64url JSON. The name keeps one list's
 * cursor from being read as another's.
 */
export function encodeCursor(list: string, key: unknown): string {
  return Buffer.from(JSON.stringify([list, key])).toString('base64url');
}

/** A page as the API answers it: its items and the next page's cursor. */
export const pageOf = <T, K>(list: string, page: KeysetPage<T, K>): Page<T> => ({
  items: page.items,
  nextCursor: page.next === null ? null : encodeCursor(list, page.next),
});

export function badCursor(): ApiError {
  return new ApiError(
    HttpStatus.BAD_REQUEST,
    CommonErrorCode.VALIDATION_FAILED,
    'cursor: not a cursor this API gave',
    [{ field: 'cursor', problems: ['not a cursor this API gave for this list'] }],
  );
}

/** The key in `cursor` (absent: the first page); 400 naming `cursor` unless it is one of `list`'s and `valid`. */
export function decodeCursor<K>(
  list: string,
  cursor: string | undefined,
  valid: (key: unknown) => key is K,
): K | null {
  if (cursor === undefined) return null;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || decoded[0] !== list || !valid(decoded[1]))
    throw badCursor();
  return decoded[1];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An exact UTC time as the keys carry it (microseconds). */
const EXACT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);
export const isExactTime = (v: unknown): v is string =>
  typeof v === 'string' && EXACT.test(v) && !Number.isNaN(Date.parse(v));
export const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
/** A tuple of the given checks. */
export const tupleOf =
  <K extends unknown[]>(...checks: ((v: unknown) => boolean)[]) =>
  (v: unknown): v is K =>
    Array.isArray(v) && v.length === checks.length && checks.every((check, i) => check(v[i]));
