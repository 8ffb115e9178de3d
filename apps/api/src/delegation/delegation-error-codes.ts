/** Why a signing relation (KT., Q., TL., TUQ.) is refused when recorded, or a signature under one is refused. */
export enum DelegationErrorCode {
  DELEGATION_NOT_FOUND = 'DELEGATION_NOT_FOUND',
  /** The grantor is not a leader of the unit (only its head or a leader grants). */
  DELEGATION_GRANTOR_NOT_LEADER = 'DELEGATION_GRANTOR_NOT_LEADER',
  /** The grantee is not a leader of the unit, so could not sign for it. */
  DELEGATION_GRANTEE_NOT_SIGNER = 'DELEGATION_GRANTEE_NOT_SIGNER',
  /** Grantor and grantee are one person. */
  DELEGATION_SELF = 'DELEGATION_SELF',
  /** The head's title or the position line is missing and neither membership bears one. */
  DELEGATION_LINE_MISSING = 'DELEGATION_LINE_MISSING',
  /** A TUQ. is limited in time and in document kinds. */
  DELEGATION_TUQ_UNBOUNDED = 'DELEGATION_TUQ_UNBOUNDED',
  DELEGATION_PERIOD_INVALID = 'DELEGATION_PERIOD_INVALID',
  // at signing (the activity's refusals, DelegationRefusal in @cascade/domain), and DELEGATION_REDELEGATED at grant
  DELEGATION_NOT_HELD = 'DELEGATION_NOT_HELD',
  DELEGATION_REVOKED = 'DELEGATION_REVOKED',
  DELEGATION_NOT_YET_VALID = 'DELEGATION_NOT_YET_VALID',
  DELEGATION_EXPIRED = 'DELEGATION_EXPIRED',
  DELEGATION_OUT_OF_SCOPE = 'DELEGATION_OUT_OF_SCOPE',
  DELEGATION_REDELEGATED = 'DELEGATION_REDELEGATED',
}
