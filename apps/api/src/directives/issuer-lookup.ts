/** For `@Authorize({ via })`: the unit a directive's routes belong to, its issuer. */
export const ISSUER = `SELECT issuer_id AS unit_id FROM directive WHERE id = $1`;
