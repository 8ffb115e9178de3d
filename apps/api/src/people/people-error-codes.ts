export enum PeopleErrorCode {
  USER_NOT_FOUND = 'USER_NOT_FOUND',
  USER_EMAIL_TAKEN = 'USER_EMAIL_TAKEN',
  /** POST /users/:id/activation: the user already has a password (409). */
  USER_ALREADY_ACTIVATED = 'USER_ALREADY_ACTIVATED',
  /** POST /users/:id/activation: the user is deactivated; reactivate it first (409). */
  USER_DEACTIVATED = 'USER_DEACTIVATED',
  PASSWORD_TOO_WEAK = 'PASSWORD_TOO_WEAK',
  PASSWORD_INCORRECT = 'PASSWORD_INCORRECT',
  MEMBERSHIP_EXISTS = 'MEMBERSHIP_EXISTS',
  MEMBERSHIP_REQUIRED = 'MEMBERSHIP_REQUIRED',
  API_KEY_NOT_FOUND = 'API_KEY_NOT_FOUND',
  /** A signing authority is granted by an admin of a unit above or a system administrator, never by its holder. */
  SIGNING_GRANT_FORBIDDEN = 'SIGNING_GRANT_FORBIDDEN',
  /** POST /api-keys/bulk: not CSV with the header unitCode,name,role nor JSON rows. */
  API_KEY_BULK_MALFORMED = 'API_KEY_BULK_MALFORMED',
  API_KEY_BULK_EMPTY = 'API_KEY_BULK_EMPTY',
  /** More than 10,000 rows in one request (413). */
  API_KEY_BULK_TOO_MANY_ROWS = 'API_KEY_BULK_TOO_MANY_ROWS',
  /** POST /users/bulk: not CSV with the header email,name,unitCode,role[,authority,position] nor JSON rows. */
  USER_BULK_MALFORMED = 'USER_BULK_MALFORMED',
  USER_BULK_EMPTY = 'USER_BULK_EMPTY',
  /** More than 10,000 rows in one request (413). */
  USER_BULK_TOO_MANY_ROWS = 'USER_BULK_TOO_MANY_ROWS',
}
