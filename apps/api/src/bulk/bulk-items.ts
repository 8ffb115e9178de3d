import { HttpStatus } from '@nestjs/common';
import { CommonErrorCode } from '../common/api-error';
import { BATCH_MAX_ITEMS } from './bulk-error-codes';
import type { BatchAnswer, BatchItemResult } from './dto/bulk.dto';

const KEY = /^[A-Za-z0-9._:-]{8,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SCHEDULE = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** An item's own error: the status the single-item route answers, a stable code and a message naming its field. */
export class ItemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const rejected = (index: number, key: string | null, unitId: string | null, e: ItemError) =>
  ({
    index,
    key,
    unitId,
    outcome: 'rejected',
    status: e.status,
    error: { code: e.code, message: e.message },
  }) satisfies BatchItemResult;

const invalid = (index: number, field: string, problem: string) =>
  new ItemError(
    HttpStatus.BAD_REQUEST,
    CommonErrorCode.VALIDATION_FAILED,
    `items.${index}.${field}: ${problem}`,
  );

/** A batch over the limit is refused whole (413), before any item is read. */
export function tooLarge(items: unknown[]): boolean {
  return items.length > BATCH_MAX_ITEMS;
}

export interface ReportItem {
  index: number;
  key: string;
  unitId: string;
  cycle: number;
  schedule?: string;
  values: Record<string, unknown>;
}

export interface AcknowledgementItemInput {
  index: number;
  key: string;
  unitId: string;
  decision: 'accept' | 'return';
  reason: string | null;
}

type Parsed<T> = { ok: T } | { error: ItemError; key: string | null; unitId: string | null };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function common(index: number, raw: unknown, allowed: string[]): Parsed<{ key: string; unitId: string }> {
  if (!isObject(raw)) return { error: invalid(index, 'item', 'must be an object'), key: null, unitId: null };
  const key = typeof raw.key === 'string' ? raw.key : null;
  const unitId = typeof raw.unitId === 'string' ? raw.unitId : null;
  const fail = (field: string, problem: string) => ({ error: invalid(index, field, problem), key, unitId });
  const extra = Object.keys(raw).find((k) => !allowed.includes(k));
  if (extra !== undefined) return fail(extra, 'is not a field of this item');
  if (key === null || !KEY.test(key)) return fail('key', 'must be 8-128 characters of [A-Za-z0-9._:-]');
  if (unitId === null || !UUID.test(unitId)) return fail('unitId', 'must be a UUID');
  return { ok: { key, unitId: unitId.toLowerCase() } };
}

export function parseReportItem(index: number, raw: unknown): Parsed<ReportItem> {
  const base = common(index, raw, ['key', 'unitId', 'cycle', 'schedule', 'values']);
  if (!('ok' in base)) return base;
  const item = raw as Record<string, unknown>;
  const fail = (field: string, problem: string) => ({
    error: invalid(index, field, problem),
    key: base.ok.key,
    unitId: base.ok.unitId,
  });
  const cycle = item.cycle;
  if (typeof cycle !== 'number' || !Number.isInteger(cycle) || cycle < 0 || cycle > 9_999)
    return fail('cycle', 'must be an integer from 0 to 9999');
  if (item.schedule !== undefined && (typeof item.schedule !== 'string' || !SCHEDULE.test(item.schedule)))
    return fail('schedule', 'must be a schedule key');
  if (!isObject(item.values)) return fail('values', 'must be an object');
  return {
    ok: {
      index,
      ...base.ok,
      cycle,
      ...(item.schedule !== undefined ? { schedule: item.schedule } : {}),
      values: item.values,
    },
  };
}

export function parseAcknowledgementItem(index: number, raw: unknown): Parsed<AcknowledgementItemInput> {
  const base = common(index, raw, ['key', 'unitId', 'decision', 'reason']);
  if (!('ok' in base)) return base;
  const item = raw as Record<string, unknown>;
  const fail = (field: string, problem: string) => ({
    error: invalid(index, field, problem),
    key: base.ok.key,
    unitId: base.ok.unitId,
  });
  if (item.decision !== 'accept' && item.decision !== 'return')
    return fail('decision', 'must be one of accept, return');
  if (item.reason !== undefined && item.reason !== null && typeof item.reason !== 'string')
    return fail('reason', 'must be a string');
  const reason = typeof item.reason === 'string' ? item.reason.normalize('NFC').trim() : '';
  if (reason.length > 2000) return fail('reason', 'must be at most 2000 characters');
  if (item.decision === 'return' && !reason) return fail('reason', 'required to return a directive');
  return { ok: { index, ...base.ok, decision: item.decision, reason: reason || null } };
}

/** A stable text of a value (object keys sorted), to tell whether two items with one key are the same item. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}

/**
 * Items of one batch that repeat an earlier item's key: the same item again answers as a duplicate of the first
 * (`sameAs`), another item under that key is refused (409 IDEMPOTENCY_KEY_REUSED).
 */
export function repeatedKeys<T extends { index: number; key: string }>(
  items: T[],
  identity: (item: T) => string,
): { first: T[]; sameAs: Map<number, number>; reused: T[] } {
  const seen = new Map<string, T>();
  const first: T[] = [];
  const sameAs = new Map<number, number>();
  const reused: T[] = [];
  for (const item of items) {
    const earlier = seen.get(item.key);
    if (!earlier) {
      seen.set(item.key, item);
      first.push(item);
    } else if (identity(earlier) === identity(item)) sameAs.set(item.index, earlier.index);
    else reused.push(item);
  }
  return { first, sameAs, reused };
}

export const keyReused = (index: number) =>
  new ItemError(
    HttpStatus.CONFLICT,
    CommonErrorCode.IDEMPOTENCY_KEY_REUSED,
    `items.${index}.key: already used for a different item`,
  );

/** The batch's answer: every item's result in order, with the counts. */
export function answer(results: BatchItemResult[]): BatchAnswer {
  const items = [...results].sort((a, b) => a.index - b.index);
  return {
    accepted: items.filter((i) => i.outcome === 'accepted').length,
    duplicates: items.filter((i) => i.outcome === 'duplicate').length,
    rejected: items.filter((i) => i.outcome === 'rejected').length,
    items,
  };
}
