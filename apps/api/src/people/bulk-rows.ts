import { HttpStatus } from '@nestjs/common';
import { parse as parseCsv } from 'csv-parse/sync';
import { ApiError } from '../common/api-error';

/** The most rows one bulk request takes (413 above it). */
export const BULK_MAX_ROWS = 10_000;

/** A row as sent: `row` is its place among the data rows, from 1; the other fields are unchecked. */
export type BulkRow = { row: number } & Record<string, unknown>;

/** A row refused alone: its status, and an error naming the row and field (`rows[500].role: …`). */
export type RowError = {
  row: number;
  status: number;
  error: { code: string; message: string; field: string };
};

export const rowError = (
  row: number,
  status: number,
  code: string,
  field: string,
  message: string,
): RowError => ({
  row,
  status,
  error: { code, message: `rows[${row}].${field}: ${message}`, field },
});

/** What a bulk route parses: the list's name in JSON and in messages, its CSV columns, and its error codes. */
export interface BulkFormat {
  /** `keys`, `users`: the JSON field holding the rows (`{ "users": [...] }`) and the messages' subject. */
  list: string;
  /** The CSV header's columns that must be there (others may follow). */
  required: string[];
  codes: { malformed: string; empty: string; tooMany: string };
}

/**
 * Parses a bulk request's body: CSV (`text/csv` or `text/plain`, a header naming at least the required columns) or
 * JSON (an array of rows, or `{ "<list>": [...] }`). Not CSV nor JSON rows: 400; no row: 422; more than 10,000: 413.
 */
export function parseBulkRows(body: unknown, contentType: string | undefined, format: BulkFormat): BulkRow[] {
  const malformed = (message: string) =>
    new ApiError(HttpStatus.BAD_REQUEST, format.codes.malformed, message);
  const shape = `{ ${format.required.join(', ')} }`;
  let rows: BulkRow[];
  if (typeof body === 'string' && /csv|text\/plain/.test(contentType ?? '')) {
    let records: Record<string, string>[];
    try {
      records = parseCsv(body, {
        columns: (h: string[]) => h.map((c) => c.trim()),
        skip_empty_lines: true,
        trim: true,
        bom: true,
      });
    } catch (error) {
      throw malformed(`body: not valid CSV (${(error as Error).message})`);
    }
    if (records.length && !format.required.every((c) => c in records[0]))
      throw malformed(`body: the CSV header must name ${format.required.join(', ')}`);
    rows = records.map((r, i) => ({ ...r, row: i + 1 }));
  } else if (body && typeof body === 'object') {
    const list: unknown = Array.isArray(body) ? body : (body as Record<string, unknown>)[format.list];
    if (!Array.isArray(list)) throw malformed(`${format.list}: must be an array of ${shape}`);
    rows = list.map((r: unknown, i) =>
      r && typeof r === 'object' && !Array.isArray(r) ? { ...r, row: i + 1 } : { row: i + 1 },
    );
  } else {
    throw malformed('body: send text/csv or application/json');
  }
  if (rows.length === 0)
    throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, format.codes.empty, `${format.list}: no rows`);
  if (rows.length > BULK_MAX_ROWS) {
    throw new ApiError(
      HttpStatus.PAYLOAD_TOO_LARGE,
      format.codes.tooMany,
      `${format.list}: at most ${BULK_MAX_ROWS} rows per request (got ${rows.length})`,
    );
  }
  return rows;
}
