/**
 * Delegated signing authority (Decree 30/2020, art. 13) as relations between people: who grants, who receives, in
 * which unit, the kind (KT., Q., TL., TUQ.), the written basis, the scope (document types) and the period. Pure: the
 * lines the signing block prints, and whether a relation lets its holder sign a document of a type at a time.
 */

/** The delegated kinds: a deputy for the head, acting head, by order of the head, by written delegation. */
export const DELEGATION_KINDS = ['KT.', 'Q.', 'TL.', 'TUQ.'] as const;
export type DelegationKind = (typeof DELEGATION_KINDS)[number];

export interface DelegationTerms {
  kind: DelegationKind;
  grantorUserId: string;
  granteeUserId: string;
  /** The head's title the authority line names: "CHỦ TỊCH". */
  head: string;
  /** The signer's position line: "PHÓ CHỦ TỊCH", "CHÁNH VĂN PHÒNG". */
  position: string;
  /** Document types it covers; null: every type. */
  docTypes: readonly string[] | null;
  validFrom: string;
  validUntil: string | null;
  revokedAt: string | null;
}

/** Why a relation does not let its holder sign (the API's error codes). */
export const DelegationRefusal = {
  NOT_HELD: 'DELEGATION_NOT_HELD',
  REVOKED: 'DELEGATION_REVOKED',
  NOT_YET_VALID: 'DELEGATION_NOT_YET_VALID',
  EXPIRED: 'DELEGATION_EXPIRED',
  OUT_OF_SCOPE: 'DELEGATION_OUT_OF_SCOPE',
  REDELEGATED: 'DELEGATION_REDELEGATED',
} as const;
export type DelegationRefusalCode = (typeof DelegationRefusal)[keyof typeof DelegationRefusal];

/** The signing block's two printed lines: "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH". */
export function delegationLines(terms: Pick<DelegationTerms, 'kind' | 'head' | 'position'>): {
  authority: string;
  position: string;
} {
  return { authority: `${terms.kind} ${terms.head}`, position: terms.position };
}

/**
 * Whether `signerId` may sign a document of `docType` at `at` under the relation: null when it may, else the refusal
 * and a message naming the field. `grantorHoldsByTuq`: the grantor's own authority in the unit is itself a TUQ.
 * (a TUQ. is not delegated further).
 */
export function delegationRefusal(
  terms: DelegationTerms,
  signerId: string,
  docType: string,
  at: Date,
  grantorHoldsByTuq: boolean,
): { code: DelegationRefusalCode; message: string } | null {
  if (terms.granteeUserId !== signerId)
    return { code: DelegationRefusal.NOT_HELD, message: 'delegationId: the relation is not yours' };
  if (terms.revokedAt !== null && Date.parse(terms.revokedAt) <= at.getTime())
    return { code: DelegationRefusal.REVOKED, message: `delegationId: revoked at ${terms.revokedAt}` };
  if (Date.parse(terms.validFrom) > at.getTime())
    return { code: DelegationRefusal.NOT_YET_VALID, message: `delegationId: valid from ${terms.validFrom}` };
  if (terms.validUntil !== null && Date.parse(terms.validUntil) <= at.getTime())
    return { code: DelegationRefusal.EXPIRED, message: `delegationId: expired at ${terms.validUntil}` };
  if (terms.docTypes !== null && !terms.docTypes.includes(docType))
    return {
      code: DelegationRefusal.OUT_OF_SCOPE,
      message: `delegationId: covers ${terms.docTypes.join(', ')}, not ${docType}`,
    };
  if (terms.kind === 'TUQ.' && grantorHoldsByTuq)
    return {
      code: DelegationRefusal.REDELEGATED,
      message: 'delegationId: the grantor holds the authority by TUQ. itself, which is not delegated further',
    };
  return null;
}
