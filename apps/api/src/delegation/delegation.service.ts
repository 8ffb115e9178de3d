import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { canonicalAuthority, delegationLines, type DelegationKind } from '@cascade/domain';
import {
  delegationById,
  delegationsHeld,
  delegationsInForce,
  delegationsOf,
  holdsByTuq,
  insertDelegation,
  membershipsIn,
  revokeDelegation,
  type Delegation,
  type DelegationKey,
} from '@cascade/persistence';
import type { Page } from '@cascade/contracts';
import { ApiError } from '../common/api-error';
import { decodeCursor, isExactTime, isUuid, pageOf, tupleOf, type PageQueryDto } from '../common/page';
import type { RequestPrincipal } from '../auth/principal';
import { CreateDelegationDto, RevokeDelegationDto } from './dto/delegation.dto';
import { DelegationErrorCode } from './delegation-error-codes';

/** A relation as the API answers it: the terms, the people, the basis, and the lines the signing block prints. */
export function delegationView(d: Delegation) {
  const lines = delegationLines(d);
  return {
    id: d.id,
    unitId: d.unitId,
    kind: d.kind,
    grantor: { userId: d.grantorUserId, name: d.grantorName },
    grantee: { userId: d.granteeUserId, name: d.granteeName },
    authority: lines.authority,
    position: lines.position,
    basis: { number: d.basisNumber, date: d.basisDate },
    docTypes: d.docTypes,
    validFrom: d.validFrom,
    validUntil: d.validUntil,
    createdAt: d.createdAt,
    revokedAt: d.revokedAt,
    revokedBy: d.revokedBy,
    revokeReason: d.revokeReason,
  };
}
export type DelegationView = ReturnType<typeof delegationView>;

const bad = (status: HttpStatus, code: DelegationErrorCode, field: string, problem: string) =>
  new ApiError(status, code, `${field}: ${problem}`, [{ field, problems: [problem] }]);

/**
 * Signing relations (Decree 30/2020, art. 13) recorded by the unit's administrator: who grants, who receives, the
 * kind, the written basis, the scope and the period. The signing activity checks them when a directive is signed.
 */
@Injectable()
export class DelegationService {
  constructor(private readonly dataSource: DataSource) {}

  async create(
    principal: RequestPrincipal,
    unitId: string,
    dto: CreateDelegationDto,
  ): Promise<DelegationView> {
    if (dto.grantorUserId === dto.granteeUserId)
      throw bad(
        HttpStatus.BAD_REQUEST,
        DelegationErrorCode.DELEGATION_SELF,
        'granteeUserId',
        'is the grantor',
      );
    // a relation lets its holder sign for the unit: its administrator does not grant one to themselves
    if (principal.kind === 'user' && principal.id === dto.granteeUserId && !principal.systemAdmin)
      throw bad(
        HttpStatus.FORBIDDEN,
        DelegationErrorCode.DELEGATION_SELF,
        'granteeUserId',
        'is you: another administrator records it',
      );
    const grantor = (await membershipsIn(this.dataSource, dto.grantorUserId, unitId)).find(
      (m) => m.role === 'leader',
    );
    if (!grantor)
      throw bad(
        HttpStatus.UNPROCESSABLE_ENTITY,
        DelegationErrorCode.DELEGATION_GRANTOR_NOT_LEADER,
        'grantorUserId',
        'not a leader of the unit',
      );
    const grantee = (await membershipsIn(this.dataSource, dto.granteeUserId, unitId)).find(
      (m) => m.role === 'leader',
    );
    if (!grantee)
      throw bad(
        HttpStatus.UNPROCESSABLE_ENTITY,
        DelegationErrorCode.DELEGATION_GRANTEE_NOT_SIGNER,
        'granteeUserId',
        'not a leader of the unit: could not sign for it',
      );
    // the lines come from the people's positions unless the decision names them otherwise
    const head = dto.head ?? grantor.position ?? undefined;
    if (!head)
      throw bad(
        HttpStatus.BAD_REQUEST,
        DelegationErrorCode.DELEGATION_LINE_MISSING,
        'head',
        "required: the grantor's membership bears no position",
      );
    const position = dto.position ?? grantee.position ?? undefined;
    if (!position)
      throw bad(
        HttpStatus.BAD_REQUEST,
        DelegationErrorCode.DELEGATION_LINE_MISSING,
        'position',
        "required: the grantee's membership bears no position",
      );
    if (canonicalAuthority(head) !== null)
      throw bad(
        HttpStatus.BAD_REQUEST,
        DelegationErrorCode.DELEGATION_LINE_MISSING,
        'head',
        'the title, without a prefix',
      );
    if (dto.kind === 'TUQ.' && !dto.validUntil)
      throw bad(
        HttpStatus.BAD_REQUEST,
        DelegationErrorCode.DELEGATION_TUQ_UNBOUNDED,
        'validUntil',
        'required for TUQ. (a written delegation is limited in time)',
      );
    if (dto.kind === 'TUQ.' && !dto.docTypes)
      throw bad(
        HttpStatus.BAD_REQUEST,
        DelegationErrorCode.DELEGATION_TUQ_UNBOUNDED,
        'docTypes',
        'required for TUQ. (a written delegation is limited in document kinds)',
      );
    const from = new Date(dto.validFrom);
    if (dto.validUntil && Date.parse(dto.validUntil) <= from.getTime())
      throw bad(
        HttpStatus.BAD_REQUEST,
        DelegationErrorCode.DELEGATION_PERIOD_INVALID,
        'validUntil',
        'must be after validFrom',
      );
    if (dto.kind === 'TUQ.' && (await holdsByTuq(this.dataSource, dto.grantorUserId, unitId, from)))
      throw bad(
        HttpStatus.UNPROCESSABLE_ENTITY,
        DelegationErrorCode.DELEGATION_REDELEGATED,
        'grantorUserId',
        'holds the authority by TUQ. itself, which is not delegated further',
      );
    const created = await insertDelegation(this.dataSource, {
      id: randomUUID(),
      unitId,
      kind: dto.kind,
      grantorUserId: dto.grantorUserId,
      granteeUserId: dto.granteeUserId,
      head,
      position,
      basisNumber: dto.basis.number,
      basisDate: dto.basis.date,
      docTypes: dto.docTypes ? [...new Set(dto.docTypes)] : null,
      validFrom: from.toISOString(),
      validUntil: dto.validUntil ? new Date(dto.validUntil).toISOString() : null,
      createdBy: principal.kind === 'user' ? principal.id : null,
    });
    return delegationView(created);
  }

  async list(unitId: string, q: PageQueryDto): Promise<Page<DelegationView>> {
    const after = decodeCursor('delegations', q.cursor, tupleOf<DelegationKey>(isExactTime, isUuid));
    const page = await delegationsOf(this.dataSource, unitId, { after, limit: q.limit });
    return pageOf('delegations', { items: page.items.map(delegationView), next: page.next });
  }

  async get(unitId: string, id: string): Promise<DelegationView> {
    const found = isUuid(id) ? await delegationById(this.dataSource, id) : null;
    if (!found || found.unitId !== unitId) throw delegationNotFound(id);
    return delegationView(found);
  }

  async revoke(
    principal: RequestPrincipal,
    unitId: string,
    id: string,
    dto: RevokeDelegationDto,
  ): Promise<DelegationView> {
    const revoked = isUuid(id)
      ? await revokeDelegation(
          this.dataSource,
          id,
          unitId,
          principal.kind === 'user' ? principal.id : null,
          dto.reason ?? null,
        )
      : null;
    if (!revoked) throw delegationNotFound(id);
    return delegationView(revoked);
  }

  /**
   * The relations the signer may sign a directive of `docType` under in the issuer: theirs, in force now and within
   * their scope (a TUQ.'s document types). What the signing confirmation offers.
   */
  async inForceFor(
    principal: RequestPrincipal,
    issuerId: string,
    docType: string,
  ): Promise<DelegationView[]> {
    if (principal.kind !== 'user') return [];
    const held = await delegationsInForce(this.dataSource, principal.id, issuerId);
    return held.filter((d) => !d.docTypes?.length || d.docTypes.includes(docType)).map(delegationView);
  }

  /**
   * The relation a signer names (its id, or its kind when they hold one current relation of it in the issuer): 403
   * DELEGATION_NOT_HELD when it is not theirs there. Its terms (period, scope, re-delegation) are the signing
   * activity's to check, at the signing's time.
   */
  async chosenForSigning(
    principal: RequestPrincipal,
    issuerId: string,
    choice: { delegationId?: string; kind?: DelegationKind },
  ): Promise<Delegation> {
    const notHeld = (problem: string) =>
      bad(
        HttpStatus.FORBIDDEN,
        DelegationErrorCode.DELEGATION_NOT_HELD,
        choice.delegationId ? 'delegationId' : 'authority',
        problem,
      );
    if (principal.kind !== 'user') throw notHeld('an API key signs under no relation');
    if (choice.delegationId) {
      const found = await delegationById(this.dataSource, choice.delegationId);
      if (!found || found.unitId !== issuerId || found.granteeUserId !== principal.id)
        throw notHeld('no such relation of yours in the issuing unit');
      return found;
    }
    const held = await delegationsHeld(this.dataSource, principal.id, issuerId, choice.kind!);
    if (held.length === 0) throw notHeld(`you hold no ${choice.kind} relation in the issuing unit`);
    if (held.length > 1)
      throw notHeld(
        `you hold ${held.length} ${choice.kind} relations in the issuing unit: name one by delegationId`,
      );
    return held[0];
  }
}

export const delegationNotFound = (id: string) =>
  new ApiError(HttpStatus.NOT_FOUND, DelegationErrorCode.DELEGATION_NOT_FOUND, `delegation ${id} not found`);
