import type { DataSource, EntityManager } from 'typeorm';
import type { DelegationKind, DelegationTerms } from '@cascade/domain';
import { EXACT_TIME, keysetPage, type KeysetPage, type PageRequest } from './keyset';

type Db = DataSource | EntityManager;

/** A signing relation (KT., Q., TL., TUQ.) as the API answers it and the signing checks it. */
export interface Delegation extends DelegationTerms {
  id: string;
  unitId: string;
  grantorName: string;
  granteeName: string;
  basisNumber: string;
  /** The decision's date, YYYY-MM-DD. */
  basisDate: string;
  createdAt: string;
  revokedBy: string | null;
  revokeReason: string | null;
}

const COLUMNS = `d.id, d.unit_id AS "unitId", d.kind, d.grantor_user_id AS "grantorUserId", g.name AS "grantorName",
  d.grantee_user_id AS "granteeUserId", r.name AS "granteeName", d.head, d.position, d.basis_number AS "basisNumber",
  to_char(d.basis_date, 'YYYY-MM-DD') AS "basisDate", d.doc_types AS "docTypes",
  ${EXACT_TIME('d.valid_from')} AS "validFrom",
  CASE WHEN d.valid_until IS NULL THEN NULL ELSE ${EXACT_TIME('d.valid_until')} END AS "validUntil",
  ${EXACT_TIME('d.created_at')} AS "createdAt",
  CASE WHEN d.revoked_at IS NULL THEN NULL ELSE ${EXACT_TIME('d.revoked_at')} END AS "revokedAt",
  d.revoked_by AS "revokedBy", d.revoke_reason AS "revokeReason"`;
const FROM = `signing_delegation d JOIN app_user g ON g.id = d.grantor_user_id JOIN app_user r ON r.id = d.grantee_user_id`;

export interface NewDelegation {
  id: string;
  unitId: string;
  kind: DelegationKind;
  grantorUserId: string;
  granteeUserId: string;
  head: string;
  position: string;
  basisNumber: string;
  basisDate: string;
  docTypes: string[] | null;
  validFrom: string;
  validUntil: string | null;
  createdBy: string | null;
}

export async function insertDelegation(db: Db, d: NewDelegation): Promise<Delegation> {
  await db.query(
    `INSERT INTO signing_delegation (id, unit_id, kind, grantor_user_id, grantee_user_id, head, position, basis_number,
       basis_date, doc_types, valid_from, valid_until, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      d.id,
      d.unitId,
      d.kind,
      d.grantorUserId,
      d.granteeUserId,
      d.head,
      d.position,
      d.basisNumber,
      d.basisDate,
      d.docTypes,
      d.validFrom,
      d.validUntil,
      d.createdBy,
    ],
  );
  return (await delegationById(db, d.id))!;
}

/** The relation, or null; `lock`: FOR SHARE until the transaction ends (a revocation waits for the signing). */
export async function delegationById(db: Db, id: string, lock = false): Promise<Delegation | null> {
  const rows: Delegation[] = await db.query(
    `SELECT ${COLUMNS} FROM ${FROM} WHERE d.id = $1 ${lock ? 'FOR SHARE OF d' : ''}`,
    [id],
  );
  return rows[0] ?? null;
}

/** The key of a relation in its unit's list: when it was recorded (exact, UTC), then its id; newest first. */
export type DelegationKey = [at: string, id: string];

/** A page of a unit's relations, newest first (the index `signing_delegation_unit`). */
export async function delegationsOf(
  db: Db,
  unitId: string,
  page: PageRequest<DelegationKey>,
): Promise<KeysetPage<Delegation & Record<string, unknown>, DelegationKey>> {
  const [at, id] = page.after ?? [null, null];
  const rows: (Delegation & Record<string, unknown>)[] = await db.query(
    `SELECT ${COLUMNS} FROM ${FROM}
      WHERE d.unit_id = $1 AND ($3::timestamptz IS NULL OR (d.created_at, d.id) < ($3, $4::uuid))
      ORDER BY d.created_at DESC, d.id DESC LIMIT $2`,
    [unitId, page.limit + 1, at, id],
  );
  return keysetPage(rows, page.limit, (r) => [r.createdAt, r.id]);
}

/** The relations of `kind` a user holds in the unit that are not revoked and not over, newest first. */
export async function delegationsHeld(
  db: Db,
  userId: string,
  unitId: string,
  kind: string,
): Promise<Delegation[]> {
  return db.query(
    `SELECT ${COLUMNS} FROM ${FROM}
      WHERE d.grantee_user_id = $1 AND d.unit_id = $2 AND d.kind = $3 AND d.revoked_at IS NULL
        AND (d.valid_until IS NULL OR d.valid_until > now())
      ORDER BY d.created_at DESC, d.id DESC`,
    [userId, unitId, kind],
  );
}

/**
 * The relations a user holds in the unit that are in force now (begun, not over, not revoked), newest first: what a
 * signer may sign under there (the signing activity still checks them at the signing's time).
 */
export async function delegationsInForce(db: Db, userId: string, unitId: string): Promise<Delegation[]> {
  return db.query(
    `SELECT ${COLUMNS} FROM ${FROM}
      WHERE d.grantee_user_id = $1 AND d.unit_id = $2 AND d.revoked_at IS NULL AND d.valid_from <= now()
        AND (d.valid_until IS NULL OR d.valid_until > now())
      ORDER BY d.created_at DESC, d.id DESC`,
    [userId, unitId],
  );
}

/** Revokes the relation (once: a second revocation keeps the first's time and reason); null when there is none. */
export async function revokeDelegation(
  db: Db,
  id: string,
  unitId: string,
  by: string | null,
  reason: string | null,
): Promise<Delegation | null> {
  await db.query(
    `UPDATE signing_delegation SET revoked_at = now(), revoked_by = $3, revoke_reason = $4
      WHERE id = $1 AND unit_id = $2 AND revoked_at IS NULL`,
    [id, unitId, by, reason],
  );
  const found = await delegationById(db, id);
  return found && found.unitId === unitId ? found : null;
}

/** Whether `userId` holds, at `at`, a signing authority in the unit by a TUQ. relation (so cannot delegate it on). */
export async function holdsByTuq(db: Db, userId: string, unitId: string, at: Date): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `SELECT 1 FROM signing_delegation
      WHERE grantee_user_id = $1 AND unit_id = $2 AND kind = 'TUQ.' AND valid_from <= $3
        AND (valid_until IS NULL OR valid_until > $3) AND (revoked_at IS NULL OR revoked_at > $3) LIMIT 1`,
    [userId, unitId, at.toISOString()],
  );
  return rows.length > 0;
}

/** The roles and positions a user holds in a unit (whether they are a member, and the position lines they bear). */
export async function membershipsIn(
  db: Db,
  userId: string,
  unitId: string,
): Promise<{ role: string; authority: string | null; position: string | null }[]> {
  return db.query(`SELECT role, authority, position FROM membership WHERE user_id = $1 AND unit_id = $2`, [
    userId,
    unitId,
  ]);
}

/** Records on the signed directive the relation it was signed under. */
export async function recordSigningDelegation(
  db: Db,
  directiveId: string,
  delegationId: string,
): Promise<void> {
  await db.query(`UPDATE directive SET signer_delegation_id = $2 WHERE id = $1`, [directiveId, delegationId]);
}
