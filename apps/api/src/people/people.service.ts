import { randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@cascade/config';
import { DataSource } from 'typeorm';
import { hashPassword, newApiKey, randomToken, sha256, verifyPassword } from '@cascade/auth';
import { decide, idsFromPath, passwordProblems, viewScope, pathFromIds } from '@cascade/domain';
import {
  addMembershipUnlessHeld,
  apiKeysOfUnit,
  findMembership,
  findUser,
  findUserId,
  insertApiKey,
  insertMembership,
  insertUser,
  membersOfUnit,
  membershipsOfUser,
  removeMembership,
  reissueActivation,
  removeReviewer,
  revokeApiKey,
  revokeSessionsOfDeactivatedUser,
  revokeSessionsOnPasswordChange,
  setUserActive,
  setUserPassword,
  unitPathsOfUser,
  userPassword,
  usersPage,
  type ApiKeyKey,
  type MemberKey,
  type StoredMembership,
  type UnitApiKey,
  type UnitMember,
  type UserKey,
} from '@cascade/persistence';
import type { Page, UserDetail } from '@cascade/contracts';
import { ApiError, CommonErrorCode } from '../common/api-error';
import { decodeCursor, isExactTime, isUuid, pageOf, tupleOf, type PageQueryDto } from '../common/page';
import { AuthErrorCode } from '../auth/auth-error-codes';
import type { RequestPrincipal } from '../auth/principal';
import { PrincipalService } from '../auth/principal.service';
import {
  AddMembershipDto,
  ChangePasswordDto,
  CreateApiKeyDto,
  CreateUserDto,
  UserDto,
} from './dto/people.dto';
import { PeopleErrorCode } from './people-error-codes';

/** A user's name as a cursor carries it: text with no control characters (PostgreSQL refuses NUL in text). */
const isUserName = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= 400 && [...v].every((c) => c >= ' ');

/** `POST /users/:id/activation`: the new token, shown in this answer only (a retry's says null). */
export interface ActivationAnswer {
  id: string;
  email: string;
  activationToken: string | null;
  activationExpiresAt: string | null;
  secretsShown: boolean;
  notice: string;
}

export const ACTIVATION_NOTICE =
  'the activation token is shown in this answer only and stored hashed; the previous token no longer works: hand it ' +
  'to the user now (POST /auth/activate with a password); a retry with the same Idempotency-Key answers ' +
  'activationToken null';

@Injectable()
export class PeopleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly principals: PrincipalService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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

  /**
   * A leader's signing authority (or position) lets its holder sign for the unit, so the one who grants it must be
   * someone else with power over the unit: a system administrator, or an administrator of a unit above it. An admin of
   * the unit itself cannot grant it (to itself, or to an account it has just made and whose password it knows).
   */
  private async requireSigningGrant(
    principal: RequestPrincipal,
    unitId: string,
    grant: { role: string; authority?: string; position?: string },
    granteeId: string | null,
    field: string,
  ): Promise<void> {
    if (grant.role !== 'leader' || (!grant.authority && !grant.position)) return;
    const self = principal.kind === 'user' && principal.id === granteeId;
    const path = await this.principals.unitPath(unitId);
    const parent = path ? path.slice(0, -1) : [];
    const aboveAdmin = parent.length > 0 && decide(principal, 'manage', parent) === 'allow';
    if (self || !(principal.systemAdmin || aboveAdmin)) {
      throw new ApiError(
        HttpStatus.FORBIDDEN,
        PeopleErrorCode.SIGNING_GRANT_FORBIDDEN,
        `${field}: a signing authority is granted by an administrator of a unit above or a system administrator, never by its holder`,
      );
    }
  }

  async createUser(principal: RequestPrincipal, dto: CreateUserDto): Promise<UserDetail> {
    if (!dto.membership && !principal.systemAdmin) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        PeopleErrorCode.MEMBERSHIP_REQUIRED,
        'membership: required (a unit you administer and a role)',
      );
    }
    if (dto.membership) {
      await this.requireManage(principal, dto.membership.unitId, 'membership.unitId');
      await this.requireSigningGrant(
        principal,
        dto.membership.unitId,
        dto.membership,
        null,
        'membership.authority',
      );
    }
    this.checkPassword('password', dto.password, dto.email);
    const id = randomUUID();
    const hash = await hashPassword(dto.password);
    await this.dataSource.transaction(async (m) => {
      try {
        await insertUser(m, { id, email: dto.email, name: dto.name, passwordHash: hash });
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
        await insertMembership(m, {
          id: randomUUID(),
          userId: id,
          unitId: ms.unitId,
          role: ms.role,
          authority: ms.authority ?? null,
          position: ms.position ?? null,
        });
      }
    });
    return this.getUser(principal, id);
  }

  /** Visible: yourself; system administrators; whoever can view a unit the user belongs to. */
  async getUser(principal: RequestPrincipal, id: string): Promise<UserDetail> {
    const notFound = new ApiError(
      HttpStatus.NOT_FOUND,
      PeopleErrorCode.USER_NOT_FOUND,
      `user ${id}: not found`,
    );
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw notFound;
    const user = await findUser(this.dataSource, id);
    if (!user) throw notFound;
    const memberships = await membershipsOfUser(this.dataSource, id);
    const self = principal.kind === 'user' && principal.id === id;
    const visible = memberships.filter((m) => decide(principal, 'view', idsFromPath(m.path)) !== 'hidden');
    if (!self && !principal.systemAdmin && visible.length === 0) throw notFound;
    const shown = self || principal.systemAdmin ? memberships : visible;
    return { ...user, memberships: shown.map(({ path: _p, ...m }) => m) };
  }

  async changePassword(principal: RequestPrincipal, dto: ChangePasswordDto): Promise<void> {
    if (principal.kind !== 'user')
      throw new ApiError(HttpStatus.FORBIDDEN, AuthErrorCode.FORBIDDEN, 'API keys have no password');
    const current = (await userPassword(this.dataSource, principal.id))!;
    if (!current.passwordHash || !(await verifyPassword(dto.currentPassword, current.passwordHash))) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        PeopleErrorCode.PASSWORD_INCORRECT,
        'currentPassword: incorrect',
      );
    }
    this.checkPassword('newPassword', dto.newPassword, current.email);
    await setUserPassword(this.dataSource, principal.id, await hashPassword(dto.newPassword));
    // Every other session ends: a changed password is usually a suspected leak.
    await revokeSessionsOnPasswordChange(this.dataSource, principal.id, principal.sessionId ?? null);
  }

  /**
   * Deactivates or reactivates an account. Allowed to system administrators, and to a caller who administers every
   * unit the user belongs to (an admin of one tree cannot lock a person out of another). Deactivation ends every
   * session at once: each request checks the account.
   */
  async setUserActive(principal: RequestPrincipal, id: string, active: boolean): Promise<UserDetail> {
    const user = await this.getUser(principal, id);
    if (principal.kind === 'user' && principal.id === id && !active) {
      throw new ApiError(HttpStatus.FORBIDDEN, AuthErrorCode.FORBIDDEN, 'id: you cannot deactivate yourself');
    }
    await this.requireManageUser(principal, user);
    await setUserActive(this.dataSource, id, active);
    if (!active) await revokeSessionsOfDeactivatedUser(this.dataSource, id);
    return this.getUser(principal, id);
  }

  /**
   * A new one-time activation token for a user made without a password who has not activated yet: the old token
   * stops working; the new one is in this answer only (stored as its SHA-256). Allowed to whoever may deactivate the
   * user; a user the caller may not see is 404 as if it did not exist; an activated user 409 USER_ALREADY_ACTIVATED,
   * a deactivated one 409 USER_DEACTIVATED.
   */
  async reissueActivation(principal: RequestPrincipal, id: string): Promise<ActivationAnswer> {
    const user = await this.getUser(principal, id);
    await this.requireManageUser(principal, user);
    if (!user.active)
      throw new ApiError(
        HttpStatus.CONFLICT,
        PeopleErrorCode.USER_DEACTIVATED,
        'id: the user is deactivated: reactivate it first (POST /users/:id/activate)',
      );
    const token = randomToken(32);
    // In a transaction, so that the idempotency fence checks the request's claim before it commits.
    const issued = await this.dataSource.transaction((m) =>
      reissueActivation(m, id, sha256(token), this.config.USER_ACTIVATION_TTL_HOURS),
    );
    if (!issued)
      throw new ApiError(
        HttpStatus.CONFLICT,
        PeopleErrorCode.USER_ALREADY_ACTIVATED,
        'id: the user has already activated (it has a password)',
      );
    return {
      id,
      email: user.email,
      activationToken: token,
      activationExpiresAt: new Date(issued.expiresAt).toISOString(),
      secretsShown: true,
      notice: ACTIVATION_NOTICE,
    };
  }

  /** System administrators, and whoever administers every unit the user belongs to (never a system administrator). */
  private async requireManageUser(principal: RequestPrincipal, user: UserDto): Promise<void> {
    const id = user.id;
    if (!principal.systemAdmin) {
      const unitPaths = await unitPathsOfUser(this.dataSource, id);
      const manageable =
        unitPaths.length > 0 &&
        unitPaths.every((path) => decide(principal, 'manage', idsFromPath(path)) === 'allow');
      if (!manageable || user.systemAdmin) {
        throw new ApiError(
          HttpStatus.FORBIDDEN,
          AuthErrorCode.FORBIDDEN,
          'id: you do not administer every unit of this user',
        );
      }
    }
  }

  /** A page of the unit's memberships, in the order they were granted. */
  async members(unitId: string, q: PageQueryDto): Promise<Page<UnitMember>> {
    const after = decodeCursor('members', q.cursor, tupleOf<MemberKey>(isExactTime, isUuid));
    return pageOf('members', await membersOfUnit(this.dataSource, unitId, { after, limit: q.limit }));
  }

  async addMembership(
    principal: RequestPrincipal,
    unitId: string,
    dto: AddMembershipDto,
  ): Promise<StoredMembership> {
    if (!dto.userId === !dto.email) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        CommonErrorCode.VALIDATION_FAILED,
        'userId or email: give exactly one',
      );
    }
    const userId = await findUserId(
      this.dataSource,
      dto.userId ? { userId: dto.userId } : { email: dto.email! },
    );
    if (userId === null) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        PeopleErrorCode.USER_NOT_FOUND,
        `${dto.userId ? 'userId' : 'email'}: no such user`,
      );
    }
    await this.requireSigningGrant(principal, unitId, dto, userId, 'authority');
    const id = randomUUID();
    // In a transaction, so that the idempotency fence checks the request's claim before it commits.
    const added = await this.dataSource.transaction((m) =>
      addMembershipUnlessHeld(m, {
        id,
        userId,
        unitId,
        role: dto.role,
        authority: dto.authority ?? null,
        position: dto.position ?? null,
      }),
    );
    if (!added) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        PeopleErrorCode.MEMBERSHIP_EXISTS,
        `role: the user already is ${dto.role} of this unit`,
      );
    }
    return (await findMembership(this.dataSource, id))!;
  }

  /** A leader who leaves the unit also leaves its review chain, in the same transaction. */
  async removeMembership(id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const removed = await removeMembership(m, id);
      if (removed?.role === 'leader') await removeReviewer(m, removed.unitId, removed.userId);
    });
  }

  async createApiKey(principal: RequestPrincipal, unitId: string, dto: CreateApiKeyDto) {
    const { key, prefix, hash } = newApiKey();
    const id = randomUUID();
    // In a transaction, so that the idempotency fence checks the request's claim before it commits.
    await this.dataSource.transaction((m) =>
      insertApiKey(m, {
        id,
        unitId,
        role: dto.role,
        name: dto.name,
        prefix,
        keyHash: hash,
        createdBy: principal.kind === 'user' ? principal.id : null,
      }),
    );
    return { id, unitId, name: dto.name, role: dto.role, prefix, key };
  }

  /** A page of the unit's API keys (never their secrets), oldest first. */
  async apiKeys(unitId: string, q: PageQueryDto): Promise<Page<UnitApiKey>> {
    const after = decodeCursor('api-keys', q.cursor, tupleOf<ApiKeyKey>(isExactTime, isUuid));
    return pageOf('api-keys', await apiKeysOfUnit(this.dataSource, unitId, { after, limit: q.limit }));
  }

  async revokeApiKey(id: string): Promise<void> {
    await revokeApiKey(this.dataSource, id);
  }

  /** A page of the users who hold a role in a unit the principal can see (every user: a system admin), by name. */
  async listUsers(principal: RequestPrincipal, q: PageQueryDto): Promise<Page<UserDto>> {
    const after = decodeCursor('users', q.cursor, tupleOf<UserKey>(isUserName, isUuid));
    const scope = viewScope(principal);
    const seen = scope.all ? null : { subtreePaths: scope.subtrees.map(pathFromIds), unitIds: scope.units };
    return pageOf('users', await usersPage(this.dataSource, seen, { after, limit: q.limit }));
  }
}
