/** The incoming register's error codes (each answer names its field). */
export enum ReceivingErrorCode {
  /** A field is missing, malformed or contradicts another (400). */
  RECEIVED_INVALID_INPUT = 'RECEIVED_INVALID_INPUT',
  /** The received number given is already the unit's that year (409, field `receivedNumber`). */
  RECEIVED_NUMBER_TAKEN = 'RECEIVED_NUMBER_TAKEN',
  /** No received document with this id, or not one the caller may see (404). */
  RECEIVED_NOT_FOUND = 'RECEIVED_NOT_FOUND',
  /** The issuer unit named is not a unit the caller may see (404, field `issuerUnitId`). */
  ISSUER_UNIT_NOT_FOUND = 'ISSUER_UNIT_NOT_FOUND',
}
