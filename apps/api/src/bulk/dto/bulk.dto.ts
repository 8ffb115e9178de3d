import { ApiProperty } from '@nestjs/swagger';
import { IsArray } from 'class-validator';

/**
 * A batch: up to 1,000 items, each checked on its own (an item that is not valid is that item's 400, the others go
 * on), so the items are not validated by the global pipe.
 */
export class BatchDto {
  @ApiProperty({
    description:
      'up to 1,000 items; each `{ key, unitId, ... }` with its own idempotency key (8-128 of [A-Za-z0-9._:-])',
    type: 'array',
    items: { type: 'object' },
  })
  @IsArray()
  items!: unknown[];
}

/** What each item of a batch answers, in the items' order. */
export interface BatchItemResult {
  index: number;
  key: string | null;
  unitId: string | null;
  /** accepted: applied now; duplicate: its key was answered before (the same result); rejected: its error. */
  outcome: 'accepted' | 'duplicate' | 'rejected';
  /** The HTTP status the single-item route would answer. */
  status: number;
  result?: unknown;
  error?: { code: string; message: string };
}

export interface BatchAnswer {
  accepted: number;
  duplicates: number;
  rejected: number;
  items: BatchItemResult[];
}
