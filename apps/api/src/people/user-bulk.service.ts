import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { isEmail } from 'class-validator';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@cascade/config';
import { randomToken, sha256 } from '@cascade/auth';
import { canonicalAuthority, decide, idsFromPath, normalizeText, ROLES, type Role } from '@cascade/domain';
import { insertUsersBatch, unitsByCode, type UserBatch } from '@cascade/persistence';
import { CommonErrorCode } from '../common/api-error';
import { AuthErrorCode } from '../auth/auth-error-codes';
import type { RequestPrincipal } from '../auth/principal';
import { callerOf } from '../idempotency/idempotency.interceptor';
import { AUTHORITY } from './dto/people.dto';
import { PeopleErrorCode } from './people-error-codes';
import { parseBulkRows, rowError, type BulkRow, type RowError } from './bulk-rows';

/** A row checked: what it makes. */
interface UserRow {
  row: number;
  email: string;
  name: string;
  unitCode: string;
  role: Role;
  authority: string | null;
  position: string | null;
}

type RowCreated = {
  row: number;
  status: 201 | 200;
  id: string;
  email: string;
  name: string;
  unitId: string;
  unitCode: string;
  role: Role;
  /** The one-time activation token, in this answer only; null in a retry's. */
  activationToken: string | null;
  /** When the token stops working (null in a retry's answer). */
  activationExpiresAt: string | null;
  /** A retry whose first answer was lost: the user its first request made, without its token. */
  alreadyCreated?: true;
};

export interface BulkUsersAnswer {
  created: number;
  failed: number;
  /** Whether this answer shows the activation tokens: only the first answer does; a retry's says false. */
  secretsShown: boolean;
  notice: string;
  results: (RowCreated | RowError)[];
}

export const BULK_USERS_NOTICE =
  'each activation token is shown in the first answer only and stored hashed: hand each to its user now (POST ' +
  '/auth/activate with a password); a retry with the same Idempotency-Key answers the same ids with ' +
  'activationToken null';

/** An optional text column: absent, null or blank (an empty CSV cell) is no value. */
const optional = (value: unknown): unknown =>
  value === undefined || value === null || (typeof value === 'string' && !value.trim()) ? undefined : value;

/**
 * Users in bulk: up to 10,000 rows (e-mail, name, unit code, role, and for a leader its signing authority and
 * position) from CSV or JSON, each its own result. A user is made with its membership and no password: it cannot sign
 * in until it activates with its one-time token (shown once here, stored as its SHA-256), so no scrypt runs here and
 * the accepted rows are written set-based. A row for a unit the caller does not administer is refused alone (404 when
 * the caller may not see the unit, as if it did not exist).
 */
@Injectable()
export class UserBulkService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Parses CSV (header: email,name,unitCode,role[,authority,position]) or JSON (an array, or `{ "users": [...] }`). */
  parse(body: unknown, contentType: string | undefined): BulkRow[] {
    return parseBulkRows(body, contentType, {
      list: 'users',
      required: ['email', 'name', 'unitCode', 'role'],
      codes: {
        malformed: PeopleErrorCode.USER_BULK_MALFORMED,
        empty: PeopleErrorCode.USER_BULK_EMPTY,
        tooMany: PeopleErrorCode.USER_BULK_TOO_MANY_ROWS,
      },
    });
  }

  async create(
    principal: RequestPrincipal,
    rows: BulkRow[],
    idempotencyKey: string,
  ): Promise<BulkUsersAnswer> {
    const results = new Map<number, RowCreated | RowError>();
    const valid: UserRow[] = [];
    for (const r of rows) {
      const checked = this.check(r);
      if ('error' in checked) results.set(r.row, checked);
      else valid.push(checked);
    }
    const units = new Map(
      (await unitsByCode(this.dataSource, [...new Set(valid.map((v) => v.unitCode))])).map((u) => [
        u.code,
        u,
      ]),
    );
    const firstRowOf = new Map<string, number>();
    const toMake: (UserBatch['users'][number] & { user: UserRow; token: string })[] = [];
    for (const v of valid) {
      const unit = units.get(v.unitCode);
      const path = unit ? idsFromPath(unit.path) : [];
      const decision = unit ? decide(principal, 'manage', path) : 'hidden';
      const refuse = (status: number, code: string, field: string, message: string) =>
        results.set(v.row, rowError(v.row, status, code, field, message));
      if (decision === 'hidden') {
        refuse(404, 'UNIT_NOT_FOUND', 'unitCode', `unit ${v.unitCode} not found`);
      } else if (decision === 'forbidden') {
        refuse(403, AuthErrorCode.FORBIDDEN, 'unitCode', 'your roles do not permit "manage" there');
      } else if (v.role === 'leader' && (v.authority || v.position) && !this.maySignGrant(principal, path)) {
        refuse(
          403,
          PeopleErrorCode.SIGNING_GRANT_FORBIDDEN,
          v.authority ? 'authority' : 'position',
          'a signing authority is granted by an administrator of a unit above or a system administrator',
        );
      } else if (firstRowOf.has(v.email)) {
        refuse(
          409,
          PeopleErrorCode.USER_EMAIL_TAKEN,
          'email',
          `${v.email} is also row ${firstRowOf.get(v.email)}`,
        );
      } else {
        firstRowOf.set(v.email, v.row);
        const token = randomToken(32);
        toMake.push({
          id: randomUUID(),
          row: v.row,
          email: v.email,
          name: v.name,
          activationHash: sha256(token),
          membership: {
            id: randomUUID(),
            unitId: unit!.id,
            role: v.role,
            authority: v.authority,
            position: v.position,
          },
          user: v,
          token,
        });
      }
    }
    if (toMake.length) await this.write(principal, idempotencyKey, toMake, results);
    const ordered = rows.map((r) => results.get(r.row)!);
    const created = ordered.filter((r) => r.status < 300).length;
    return {
      created,
      failed: ordered.length - created,
      secretsShown: true,
      notice: BULK_USERS_NOTICE,
      results: ordered,
    };
  }

  /** As for one user: a leader's signing authority needs a system administrator or an admin of the unit above. */
  private maySignGrant(principal: RequestPrincipal, unitPath: string[]): boolean {
    const parent = unitPath.slice(0, -1);
    return principal.systemAdmin || (parent.length > 0 && decide(principal, 'manage', parent) === 'allow');
  }

  private check(r: BulkRow): UserRow | RowError {
    const bad = (field: string, message: string) =>
      rowError(r.row, 400, CommonErrorCode.VALIDATION_FAILED, field, message);
    const email = typeof r.email === 'string' ? r.email.trim().toLowerCase() : '';
    if (!email) return bad('email', 'is required');
    if (email.length > 254 || !isEmail(email)) return bad('email', 'must be an e-mail address');
    const name = typeof r.name === 'string' ? normalizeText(r.name) : '';
    if (!name) return bad('name', 'is required');
    if (name.length > 200) return bad('name', 'at most 200 characters');
    const unitCode = typeof r.unitCode === 'string' ? r.unitCode.trim() : '';
    if (!unitCode) return bad('unitCode', 'is required');
    if (typeof r.role !== 'string' || !(ROLES as readonly string[]).includes(r.role))
      return bad('role', `must be one of ${ROLES.join(', ')}`);
    const authorityIn = optional(r.authority);
    let authority: string | null = null;
    if (authorityIn !== undefined) {
      if (typeof authorityIn !== 'string') return bad('authority', 'must be text');
      const text = normalizeText(authorityIn);
      authority = canonicalAuthority(text) ?? text;
      if (!AUTHORITY.test(authority))
        return bad('authority', 'must start with TM., KT., Q., TL. or TUQ. followed by the body');
    }
    const positionIn = optional(r.position);
    let position: string | null = null;
    if (positionIn !== undefined) {
      if (typeof positionIn !== 'string') return bad('position', 'must be text');
      position = normalizeText(positionIn);
      if (position.length > 120) return bad('position', 'at most 120 characters');
    }
    return { row: r.row, email, name, unitCode, role: r.role as Role, authority, position };
  }

  /**
   * One transaction for every accepted row, keyed by the caller and its Idempotency-Key: a retry whose stored answer
   * is gone finds the users its first request made (answered without their tokens) instead of refusing them as taken.
   */
  private async write(
    principal: RequestPrincipal,
    idempotencyKey: string,
    toMake: (UserBatch['users'][number] & { user: UserRow; token: string })[],
    results: Map<number, RowCreated | RowError>,
  ): Promise<void> {
    const outcome = await insertUsersBatch(this.dataSource, {
      batchKey: `${callerOf(principal)}/${idempotencyKey}`,
      activationTtlHours: this.config.USER_ACTIVATION_TTL_HOURS,
      users: toMake,
    });
    for (const k of toMake) {
      const base = {
        row: k.row,
        email: k.email,
        name: k.name,
        unitId: k.membership.unitId,
        unitCode: k.user.unitCode,
        role: k.user.role,
      };
      const made = outcome.inserted.get(k.row);
      const before = outcome.existing.get(k.row);
      if (made)
        results.set(k.row, {
          ...base,
          status: 201,
          id: k.id,
          activationToken: k.token,
          activationExpiresAt: new Date(made.expiresAt).toISOString(),
        });
      else if (before)
        results.set(k.row, {
          ...base,
          status: 200,
          id: before.id,
          activationToken: null,
          activationExpiresAt: null,
          alreadyCreated: true,
        });
      else
        results.set(
          k.row,
          rowError(
            k.row,
            409,
            PeopleErrorCode.USER_EMAIL_TAKEN,
            'email',
            `${k.email} already has an account`,
          ),
        );
    }
  }
}
