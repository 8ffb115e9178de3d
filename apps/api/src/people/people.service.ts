import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { hashPassword, newApiKey, verifyPassword } from '@cascade/auth';
import { decide, idsFromPath, passwordProblems, viewScope, pathFromIds } from '@cascade/domain';
import { ApiError, CommonErrorCode } from '../common/api-error';
import { AuthErrorCode } from '../auth/auth.exceptions';
import type { RequestPrincipal } from '../auth/principal';
import { PrincipalService } from '../auth/principal.service';
import {
  AddMembershipDto,
  ChangePasswordDto,
  CreateApiKeyDto,
  CreateUserDto,
  UserDto,
} from './dto/people.dto';
import { PeopleErrorCode } from './people.exceptions';

const USER_COLUMNS = `id, email, name, active, system_admin AS "systemAdmin"`;

@Injectable()
export class PeopleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly principals: PrincipalService,
  ) {}

  private checkPassword(field: string, password: string, email: string): void {
    const problems = passwordProblems(password, { email });
    if (problems.length) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        PeopleErrorCode.PASSWORD_TOO_WEAK,
        `${field}: ${problems.join('; ')}`,
        [{ field, problems }],
      );
    }
  }

  private async requireManage(principal: RequestPrincipal, unitId: string, field: string): Promise<void> {
    const path = await this.principals.unitPath(unitId);
    const decision = path ? decide(principal, 'manage', path) : 'hidden';
    if (decision === 'hidden')
      throw new ApiError(HttpStatus.NOT_FOUND, 'UNIT_NOT_FOUND', `${field}: unit ${unitId} not found`);
    if (decision === 'forbidden')
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        AuthErrorCode.FORBIDDEN,
        `${field}: your roles do not permit "manage" there`,
      );
  }

  async createUser(
    principal: RequestPrincipal,
    dto: CreateUserDto,
  ): Promise<UserDto & { memberships: unknown[] }> {
    if (!dto.membership && !principal.systemAdmin) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        PeopleErrorCode.MEMBERSHIP_REQUIRED,
        'membership: required (a unit you administer and a role)',
      );
    }
    if (dto.membership) await this.requireManage(principal, dto.membership.unitId, 'membership.unitId');
    this.checkPassword('password', dto.password, dto.email);
    const id = randomUUID();
    const hash = await hashPassword(dto.password);
    await this.dataSource.transaction(async (m) => {
      try {
        await m.query(`INSERT INTO app_user (id, email, name, password_hash) VALUES ($1,$2,$3,$4)`, [
          id,
          dto.email,
          dto.name,
          hash,
        ]);
      } catch (error) {
        if ((error as { code?: string }).code === '23505') {
          throw new ApiError(
            HttpStatus.CONFLICT,
            PeopleErrorCode.USER_EMAIL_TAKEN,
            `email: ${dto.email} already has an account`,
          );
        }
        throw error;
      }
      if (dto.membership) {
        const ms = dto.membership;
        await m.query(
          `INSERT INTO membership (id, user_id, unit_id, role, authority, position) VALUES ($1,$2,$3,$4,$5,$6)`,
          [randomUUID(), id, ms.unitId, ms.role, ms.authority ?? null, ms.position ?? null],
        );
      }
    });
    return this.getUser(principal, id);
  }

  /** Visible: yourself; system administrators; whoever can view a unit the user belongs to. */
  async getUser(principal: RequestPrincipal, id: string): Promise<UserDto & { memberships: unknown[] }> {
    const notFound = new ApiError(
      HttpStatus.NOT_FOUND,
      PeopleErrorCode.USER_NOT_FOUND,
      `user ${id}: not found`,
    );
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound;
    const users: UserDto[] = await this.dataSource.query(
      `SELECT ${USER_COLUMNS} FROM app_user WHERE id = $1`,
      [id],
    );
    if (!users.length) throw notFound;
    const memberships: {
      id: string;
      role: string;
      authority: string | null;
      position: string | null;
      unitId: string;
      unitCode: string;
      unitName: string;
      path: string;
    }[] = await this.dataSource.query(
      `SELECT m.id, m.role, m.authority, m.position, u.id AS "unitId", u.code AS "unitCode", u.name AS "unitName", u.path::text AS path
           FROM membership m JOIN unit u ON u.id = m.unit_id WHERE m.user_id = $1 ORDER BY u.path, m.role`,
      [id],
    );
    const self = principal.kind === 'user' && principal.id === id;
    const visible = memberships.filter((m) => decide(principal, 'view', idsFromPath(m.path)) !== 'hidden');
    if (!self && !principal.systemAdmin && visible.length === 0) throw notFound;
    const shown = self || principal.systemAdmin ? memberships : visible;
    return { ...users[0], memberships: shown.map(({ path: _p, ...m }) => m) };
  }

  async changePassword(principal: RequestPrincipal, dto: ChangePasswordDto): Promise<void> {
    if (principal.kind !== 'user')
      throw new ApiError(HttpStatus.FORBIDDEN, AuthErrorCode.FORBIDDEN, 'API keys have no password');
    const rows: { email: string; password_hash: string }[] = await this.dataSource.query(
      `SELECT email, password_hash FROM app_user WHERE id = $1`,
      [principal.id],
    );
    if (!(await verifyPassword(dto.currentPassword, rows[0].password_hash))) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        PeopleErrorCode.PASSWORD_INCORRECT,
        'currentPassword: incorrect',
      );
    }
    this.checkPassword('newPassword', dto.newPassword, rows[0].email);
    await this.dataSource.query(`UPDATE app_user SET password_hash = $2, updated_at = now() WHERE id = $1`, [
      principal.id,
      await hashPassword(dto.newPassword),
    ]);
    // Every other session ends: a changed password is usually a suspected leak.
    await this.dataSource.query(
      `UPDATE session_family SET revoked_at = now(), revoked_reason = 'password changed' WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL`,
      [principal.id, principal.sessionId ?? null],
    );
  }

  /**
   * Deactivates or reactivates an account. Allowed to system administrators, and to a caller who administers every
   * unit the user belongs to (an admin of one tree cannot lock a person out of another). Deactivation ends every
   * session at once: each request checks the account.
   */
  async setUserActive(
    principal: RequestPrincipal,
    id: string,
    active: boolean,
  ): Promise<UserDto & { memberships: unknown[] }> {
    const user = await this.getUser(principal, id);
    if (principal.kind === 'user' && principal.id === id && !active) {
      throw new ApiError(HttpStatus.FORBIDDEN, AuthErrorCode.FORBIDDEN, 'id: you cannot deactivate yourself');
    }
    if (!principal.systemAdmin) {
      const units: { path: string }[] = await this.dataSource.query(
        `SELECT u.path::text AS path FROM membership m JOIN unit u ON u.id = m.unit_id WHERE m.user_id = $1`,
        [id],
      );
      const manageable =
        units.length > 0 && units.every((u) => decide(principal, 'manage', idsFromPath(u.path)) === 'allow');
      if (!manageable || user.systemAdmin) {
        throw new ApiError(
          HttpStatus.FORBIDDEN,
          AuthErrorCode.FORBIDDEN,
          'id: you do not administer every unit of this user',
        );
      }
    }
    await this.dataSource.query(`UPDATE app_user SET active = $2, updated_at = now() WHERE id = $1`, [
      id,
      active,
    ]);
    if (!active) {
      await this.dataSource.query(
        `UPDATE session_family SET revoked_at = now(), revoked_reason = 'account deactivated' WHERE user_id = $1 AND revoked_at IS NULL`,
        [id],
      );
    }
    return this.getUser(principal, id);
  }

  async members(unitId: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT m.id, m.role, m.authority, m.position, u.id AS "userId", u.name AS "userName", u.email AS "userEmail", u.active AS "userActive"
         FROM membership m JOIN app_user u ON u.id = m.user_id WHERE m.unit_id = $1 ORDER BY u.name, m.role`,
      [unitId],
    );
  }

  async addMembership(unitId: string, dto: AddMembershipDto): Promise<unknown> {
    if (!dto.userId === !dto.email) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        CommonErrorCode.VALIDATION_FAILED,
        'userId or email: give exactly one',
      );
    }
    const users: { id: string }[] = await this.dataSource.query(
      dto.userId
        ? `SELECT id FROM app_user WHERE id = $1`
        : `SELECT id FROM app_user WHERE lower(email) = $1`,
      [dto.userId ?? dto.email],
    );
    if (!users.length) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        PeopleErrorCode.USER_NOT_FOUND,
        `${dto.userId ? 'userId' : 'email'}: no such user`,
      );
    }
    const id = randomUUID();
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO membership (id, user_id, unit_id, role, authority, position) VALUES ($1,$2,$3,$4,$5,$6)
       ON CONFLICT ON CONSTRAINT membership_unique DO NOTHING RETURNING id`,
      [id, users[0].id, unitId, dto.role, dto.authority ?? null, dto.position ?? null],
    );
    if (!inserted.length) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        PeopleErrorCode.MEMBERSHIP_EXISTS,
        `role: the user already is ${dto.role} of this unit`,
      );
    }
    const rows: unknown[] = await this.dataSource.query(
      `SELECT id, user_id AS "userId", unit_id AS "unitId", role, authority, position FROM membership WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async removeMembership(id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM membership WHERE id = $1`, [id]);
  }

  async createApiKey(principal: RequestPrincipal, unitId: string, dto: CreateApiKeyDto) {
    const { key, prefix, hash } = newApiKey();
    const id = randomUUID();
    await this.dataSource.query(
      `INSERT INTO api_key (id, unit_id, role, name, prefix, key_hash, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
      [id, unitId, dto.role, dto.name, prefix, hash, principal.kind === 'user' ? principal.id : null],
    );
    return { id, unitId, name: dto.name, role: dto.role, prefix, key };
  }

  async apiKeys(unitId: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT id, name, role, prefix, created_at AS "createdAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"
         FROM api_key WHERE unit_id = $1 ORDER BY created_at`,
      [unitId],
    );
  }

  async revokeApiKey(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE api_key SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`,
      [id],
    );
  }

  /** Users who hold a role in a unit the principal can see. */
  async listUsers(principal: RequestPrincipal): Promise<UserDto[]> {
    const scope = viewScope(principal);
    if (scope.all)
      return this.dataSource.query(`SELECT ${USER_COLUMNS} FROM app_user ORDER BY name LIMIT 1000`);
    return this.dataSource.query(
      `SELECT DISTINCT a.id, a.email, a.name, a.active, a.system_admin AS "systemAdmin"
         FROM app_user a JOIN membership m ON m.user_id = a.id JOIN unit u ON u.id = m.unit_id
        WHERE u.path <@ $1::ltree[] OR u.id = ANY($2::uuid[]) ORDER BY a.name LIMIT 1000`,
      [scope.subtrees.map(pathFromIds), scope.units],
    );
  }
}
