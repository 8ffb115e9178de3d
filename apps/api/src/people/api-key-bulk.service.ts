import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { newApiKey } from '@cascade/auth';
import { API_KEY_ROLES, decide, idsFromPath, normalizeText, ROLE_CAPABILITIES } from '@cascade/domain';
import { insertApiKeys, unitsByCode, type ApiKeyBatch } from '@cascade/persistence';
import { ApiError, CommonErrorCode } from '../common/api-error';
import { AuthErrorCode } from '../auth/auth-error-codes';
import type { RequestPrincipal } from '../auth/principal';
import { callerOf } from '../idempotency/idempotency.interceptor';
import { PeopleErrorCode } from './people-error-codes';
import { BULK_MAX_ROWS, parseBulkRows, rowError, type BulkRow, type RowError } from './bulk-rows';

/** The most rows one bulk request takes (413 `API_KEY_BULK_TOO_MANY_ROWS` above it). */
export const API_KEY_BULK_MAX_ROWS = BULK_MAX_ROWS;
type RowCreated = {
  row: number;
  status: 201 | 200;
  id: string;
  unitId: string;
  unitCode: string;
  name: string;
  role: string;
  prefix: string;
  /** The key, in this answer only; null in a retry's. */
  key: string | null;
  /** A retry whose first answer was lost: the key its first request made, without its secret. */
  alreadyCreated?: true;
};

export interface BulkApiKeysAnswer {
  created: number;
  failed: number;
  /** Whether this answer shows the keys' secrets: only the first answer does; a retry's says false. */
  secretsShown: boolean;
  notice: string;
  results: (RowCreated | RowError)[];
}

export const BULK_SECRETS_NOTICE =
  'each key is shown in the first answer only and stored hashed: keep them now; a retry with the same ' +
  'Idempotency-Key answers the same ids with key null';

/**
 * API keys in bulk: up to 10,000 rows (unit code, name, role) from CSV or JSON, each its own result — created, its
 * secret shown once, or its own 4xx — the accepted ones written in one statement. A row for a unit the caller does
 * not administer is refused alone (404 when the caller may not see the unit, as if it did not exist).
 */
@Injectable()
export class ApiKeyBulkService {
  constructor(private readonly dataSource: DataSource) {}

  /** Parses CSV (header: unitCode,name,role) or JSON (an array, or `{ "keys": [...] }`). */
  parse(body: unknown, contentType: string | undefined): BulkRow[] {
    return parseBulkRows(body, contentType, {
      list: 'keys',
      required: ['unitCode', 'name', 'role'],
      codes: {
        malformed: PeopleErrorCode.API_KEY_BULK_MALFORMED,
        empty: PeopleErrorCode.API_KEY_BULK_EMPTY,
        tooMany: PeopleErrorCode.API_KEY_BULK_TOO_MANY_ROWS,
      },
    });
  }

  async create(
    principal: RequestPrincipal,
    rows: BulkRow[],
    idempotencyKey: string,
  ): Promise<BulkApiKeysAnswer> {
    if (!principal.systemAdmin && !principal.grants.some((g) => ROLE_CAPABILITIES[g.role].manage)) {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        AuthErrorCode.FORBIDDEN,
        'keys: only administrators provision API keys',
      );
    }
    const results = new Map<number, RowCreated | RowError>();
    const valid: { row: number; unitCode: string; name: string; role: (typeof API_KEY_ROLES)[number] }[] = [];
    for (const r of rows) {
      const problem = this.check(r);
      if (problem) results.set(r.row, problem);
      else
        valid.push({
          row: r.row,
          unitCode: (r.unitCode as string).trim(),
          name: normalizeText(r.name as string),
          role: r.role as (typeof API_KEY_ROLES)[number],
        });
    }
    const units = new Map(
      (await unitsByCode(this.dataSource, [...new Set(valid.map((v) => v.unitCode))])).map((u) => [
        u.code,
        u,
      ]),
    );
    const toMake: (ApiKeyBatch['keys'][number] & { unitCode: string; key: string })[] = [];
    for (const v of valid) {
      const unit = units.get(v.unitCode);
      const decision = unit ? decide(principal, 'manage', idsFromPath(unit.path)) : 'hidden';
      if (decision === 'hidden') {
        results.set(
          v.row,
          rowError(v.row, 404, 'UNIT_NOT_FOUND', 'unitCode', `unit ${v.unitCode} not found`),
        );
      } else if (decision === 'forbidden') {
        results.set(
          v.row,
          rowError(
            v.row,
            403,
            AuthErrorCode.FORBIDDEN,
            'unitCode',
            'your roles do not permit "manage" there',
          ),
        );
      } else {
        const { key, prefix, hash } = newApiKey();
        toMake.push({ ...v, id: randomUUID(), unitId: unit!.id, prefix, keyHash: hash, key });
      }
    }
    if (toMake.length) await this.write(principal, idempotencyKey, toMake, results);
    const ordered = rows.map((r) => results.get(r.row)!);
    const created = ordered.filter((r) => r.status < 300).length;
    return {
      created,
      failed: ordered.length - created,
      secretsShown: true,
      notice: BULK_SECRETS_NOTICE,
      results: ordered,
    };
  }

  private check(r: BulkRow): RowError | null {
    const bad = (field: string, message: string) =>
      rowError(r.row, 400, CommonErrorCode.VALIDATION_FAILED, field, message);
    if (typeof r.unitCode !== 'string' || !r.unitCode.trim()) return bad('unitCode', 'is required');
    if (typeof r.name !== 'string' || !normalizeText(r.name)) return bad('name', 'is required');
    if (normalizeText(r.name).length > 120) return bad('name', 'at most 120 characters');
    if (typeof r.role !== 'string' || !(API_KEY_ROLES as readonly string[]).includes(r.role))
      return bad('role', `must be one of ${API_KEY_ROLES.join(', ')}`);
    return null;
  }

  /**
   * One statement for every accepted row, keyed by the caller and its Idempotency-Key: a retry whose stored answer
   * is gone finds the keys its first request made (answered without their secrets) instead of making more. Prefixes
   * are random (48 bits); on the rare clash with an existing key the batch is drawn again.
   */
  private async write(
    principal: RequestPrincipal,
    idempotencyKey: string,
    toMake: (ApiKeyBatch['keys'][number] & { unitCode: string; key: string })[],
    results: Map<number, RowCreated | RowError>,
  ): Promise<void> {
    const batchKey = `${callerOf(principal)}/${idempotencyKey}`;
    const createdBy = principal.kind === 'user' ? principal.id : null;
    let outcome: Awaited<ReturnType<typeof insertApiKeys>> | undefined;
    for (let attempt = 0; !outcome; attempt++) {
      try {
        outcome = await insertApiKeys(this.dataSource, { batchKey, createdBy, keys: toMake });
      } catch (error) {
        const e = error as { code?: string; constraint?: string; driverError?: { constraint?: string } };
        const clash =
          e.code === '23505' && (e.constraint ?? e.driverError?.constraint) === 'api_key_prefix_key';
        if (!clash || attempt >= 2) throw error;
        for (const k of toMake) {
          const fresh = newApiKey();
          k.prefix = fresh.prefix;
          k.keyHash = fresh.hash;
          k.key = fresh.key;
        }
      }
    }
    for (const k of toMake) {
      const base = { row: k.row, unitId: k.unitId, unitCode: k.unitCode, name: k.name, role: k.role };
      const before = outcome.existing.get(k.row);
      if (outcome.inserted.has(k.row))
        results.set(k.row, { ...base, status: 201, id: k.id, prefix: k.prefix, key: k.key });
      else if (before)
        results.set(k.row, {
          ...base,
          status: 200,
          id: before.id,
          prefix: before.prefix,
          key: null,
          alreadyCreated: true,
        });
      else
        results.set(
          k.row,
          rowError(k.row, 409, CommonErrorCode.IDEMPOTENCY_REQUEST_IN_PROGRESS, 'row', 'retry shortly'),
        );
    }
  }
}
