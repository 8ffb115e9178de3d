import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '@cascade/domain';
import { EXACT_TIME, keysetPage, type KeysetPage, type PageRequest } from './keyset';

/**
 * People: user accounts (`app_user`) and their roles in units (`membership`). This file is their one writer (the
 * system administrator's upsert of `bootstrapAdmin` included). Migration Organisation1763790000000
 * creates them.
 */
type Db = DataSource | EntityManager;

/** A user as the API shows it. */
export interface StoredUser {
  id: string;
  email: string;
  name: string;
  active: boolean;
  systemAdmin: boolean;
}

const USER_COLUMNS = `id, email, name, active, system_admin AS "systemAdmin"`;

/** Inserts a user; an e-mail already used (any case) fails with PostgreSQL's unique violation (23505). */
export async function insertUser(
  db: Db,
  user: { id: string; email: string; name: string; passwordHash: string },
): Promise<void> {
  await db.query(`INSERT INTO app_user (id, email, name, password_hash) VALUES ($1,$2,$3,$4)`, [
    user.id,
    user.email,
    user.name,
    user.passwordHash,
  ]);
}

export async function findUser(db: Db, id: string): Promise<StoredUser | null> {
  const rows: StoredUser[] = await db.query(`SELECT ${USER_COLUMNS} FROM app_user WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** The id of the user with this id, or with this e-mail (given lower-cased), or null when there is none. */
export async function findUserId(db: Db, by: { userId: string } | { email: string }): Promise<string | null> {
  const rows: { id: string }[] = await db.query(
    'userId' in by
      ? `SELECT id FROM app_user WHERE id = $1`
      : `SELECT id FROM app_user WHERE lower(email) = $1`,
    ['userId' in by ? by.userId : by.email],
  );
  return rows[0]?.id ?? null;
}

/**
 * What signing in checks: the user with this e-mail (given lower-cased), or null when there is none. `passwordHash` is
 * null for a user not activated yet: no password signs it in.
 */
export async function userCredentialsByEmail(
  db: Db,
  email: string,
): Promise<{ id: string; passwordHash: string | null; active: boolean } | null> {
  const rows: { id: string; password_hash: string | null; active: boolean }[] = await db.query(
    `SELECT id, password_hash, active FROM app_user WHERE lower(email) = $1`,
    [email],
  );
  const row = rows[0];
  return row ? { id: row.id, passwordHash: row.password_hash, active: row.active } : null;
}

/**
 * What a change of password checks: the user's e-mail and password hash (null before activation), or null when there
 * is no such user.
 */
export async function userPassword(
  db: Db,
  id: string,
): Promise<{ email: string; passwordHash: string | null } | null> {
  const rows: { email: string; password_hash: string | null }[] = await db.query(
    `SELECT email, password_hash FROM app_user WHERE id = $1`,
    [id],
  );
  const row = rows[0];
  return row ? { email: row.email, passwordHash: row.password_hash } : null;
}

export async function setUserPassword(db: Db, id: string, passwordHash: string): Promise<void> {
  await db.query(`UPDATE app_user SET password_hash = $2, updated_at = now() WHERE id = $1`, [
    id,
    passwordHash,
  ]);
}

export async function setUserActive(db: Db, id: string, active: boolean): Promise<void> {
  await db.query(`UPDATE app_user SET active = $2, updated_at = now() WHERE id = $1`, [id, active]);
}

/** The key of a user in a page of users: the name, then the id. */
export type UserKey = [name: string, id: string];

/**
 * A page of users by name (then id), walking the index `app_user_name` from the key: every user (`scope` null: a
 * system administrator), or those holding a role in a unit of the subtrees (unit paths, ltree text) or in one of the
 * units (each user checked as the walk reaches it, so the walk stops at the page's end).
 */
export async function usersPage(
  db: Db,
  scope: { subtreePaths: string[]; unitIds: string[] } | null,
  page: PageRequest<UserKey>,
): Promise<KeysetPage<StoredUser & Record<string, unknown>, UserKey>> {
  const [name, id] = page.after ?? [null, null];
  const rows: (StoredUser & Record<string, unknown>)[] = await db.query(
    `SELECT a.id, a.email, a.name, a.active, a.system_admin AS "systemAdmin" FROM app_user a
      WHERE ($2::text IS NULL OR (a.name, a.id) > ($2, $3::uuid))
        -- each user's memberships checked as the walk reaches it (a scalar subquery with LIMIT 1: never hashed over
        -- every membership of the scope first)
        AND ($4::boolean OR COALESCE((SELECT true FROM membership m
                                       WHERE m.user_id = a.id
                                         AND ((SELECT u.path FROM unit u WHERE u.id = m.unit_id) <@ $5::ltree[]
                                              OR m.unit_id = ANY($6::uuid[]))
                                       LIMIT 1), false))
      ORDER BY a.name, a.id LIMIT $1`,
    [page.limit + 1, name, id, scope === null, scope?.subtreePaths ?? [], scope?.unitIds ?? []],
  );
  return keysetPage(rows, page.limit, (r) => [r.name, r.id]);
}

export interface NewMembership {
  id: string;
  userId: string;
  unitId: string;
  role: Role;
  authority: string | null;
  position: string | null;
}

/** Inserts a membership (for a new user: it cannot exist yet). */
export async function insertMembership(db: Db, membership: NewMembership): Promise<void> {
  await db.query(
    `INSERT INTO membership (id, user_id, unit_id, role, authority, position) VALUES ($1,$2,$3,$4,$5,$6)`,
    [
      membership.id,
      membership.userId,
      membership.unitId,
      membership.role,
      membership.authority,
      membership.position,
    ],
  );
}

/** Inserts a membership unless the user already holds that role in that unit; returns whether it did. */
export async function addMembershipUnlessHeld(db: Db, membership: NewMembership): Promise<boolean> {
  const inserted: { id: string }[] = await db.query(
    `INSERT INTO membership (id, user_id, unit_id, role, authority, position) VALUES ($1,$2,$3,$4,$5,$6)
     ON CONFLICT ON CONSTRAINT membership_unique DO NOTHING RETURNING id`,
    [
      membership.id,
      membership.userId,
      membership.unitId,
      membership.role,
      membership.authority,
      membership.position,
    ],
  );
  return inserted.length > 0;
}

export type StoredMembership = NewMembership;

export async function findMembership(db: Db, id: string): Promise<StoredMembership | null> {
  const rows: StoredMembership[] = await db.query(
    `SELECT id, user_id AS "userId", unit_id AS "unitId", role, authority, position FROM membership WHERE id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

/** Deletes a membership; returns what it was (null when there was none), for what must follow it. */
export async function removeMembership(db: Db, id: string): Promise<StoredMembership | null> {
  const rows: [StoredMembership[], number] = await db.query(
    `DELETE FROM membership WHERE id = $1
     RETURNING id, user_id AS "userId", unit_id AS "unitId", role, authority, position`,
    [id],
  );
  return rows[0][0] ?? null;
}

/** A user's role in a unit, with the unit's path (ltree text) for deciding who may see it. */
export interface UserMembership {
  id: string;
  role: Role;
  authority: string | null;
  position: string | null;
  unitId: string;
  unitCode: string;
  unitName: string;
  path: string;
}

/** A user's memberships, in the order of the hierarchy. */
export async function membershipsOfUser(db: Db, userId: string): Promise<UserMembership[]> {
  return db.query(
    `SELECT m.id, m.role, m.authority, m.position, u.id AS "unitId", u.code AS "unitCode", u.name AS "unitName", u.path::text AS path
         FROM membership m JOIN unit u ON u.id = m.unit_id WHERE m.user_id = $1 ORDER BY u.path, m.role`,
    [userId],
  );
}

/** The paths (ltree text) of the units the user holds a role in. */
export async function unitPathsOfUser(db: Db, userId: string): Promise<string[]> {
  const rows: { path: string }[] = await db.query(
    `SELECT u.path::text AS path FROM membership m JOIN unit u ON u.id = m.unit_id WHERE m.user_id = $1`,
    [userId],
  );
  return rows.map((row) => row.path);
}

/** A unit's member as the unit's page lists it. */
export interface UnitMember {
  id: string;
  role: Role;
  authority: string | null;
  position: string | null;
  userId: string;
  userName: string;
  userEmail: string;
  userActive: boolean;
}

/** The key of a membership in a page of a unit's members: when it was granted (exact, UTC), then its id. */
export type MemberKey = [at: string, id: string];

/** A page of a unit's memberships in the order they were granted (the index `membership_unit_page`). */
export async function membersOfUnit(
  db: Db,
  unitId: string,
  page: PageRequest<MemberKey>,
): Promise<KeysetPage<UnitMember & Record<string, unknown>, MemberKey>> {
  const [at, id] = page.after ?? [null, null];
  const rows: (UnitMember & Record<string, unknown>)[] = await db.query(
    `SELECT m.id, m.role, m.authority, m.position, u.id AS "userId", u.name AS "userName", u.email AS "userEmail",
            u.active AS "userActive", ${EXACT_TIME('m.created_at')} AS k_at
       FROM (SELECT * FROM membership m WHERE m.unit_id = $1
                AND ($3::timestamptz IS NULL OR (m.created_at, m.id) > ($3, $4::uuid))
              ORDER BY m.created_at, m.id LIMIT $2) m
       -- each member's user by its key (LIMIT 1: never folded into a join that reads every user)
       CROSS JOIN LATERAL (SELECT * FROM app_user u WHERE u.id = m.user_id LIMIT 1) u
      ORDER BY m.created_at, m.id`,
    [unitId, page.limit + 1, at, id],
  );
  return keysetPage(rows, page.limit, (r) => [r.k_at as string, r.id]);
}

/** Creates the system administrator, or resets its password and rights (`cascade bootstrap-admin`): its id. */
export async function upsertSystemAdmin(
  db: Db,
  admin: { id: string; email: string; name: string; passwordHash: string },
): Promise<string> {
  const rows: { id: string }[] = await db.query(
    `INSERT INTO app_user (id, email, name, password_hash, system_admin) VALUES ($1, lower($2), $3, $4, true)
     ON CONFLICT (lower(email)) DO UPDATE SET password_hash = EXCLUDED.password_hash, system_admin = true, active = true,
       activation_hash = NULL, activation_expires_at = NULL, updated_at = now()
     RETURNING id`,
    [admin.id, admin.email, admin.name, admin.passwordHash],
  );
  return rows[0].id;
}

/**
 * Users of one bulk request, each with its first membership and no password yet: `batchKey` is its caller and
 * Idempotency-Key, `row` each user's row there, `activationHash` the SHA-256 of its one-time activation token.
 */
export interface UserBatch {
  batchKey: string;
  activationTtlHours: number;
  users: {
    id: string;
    row: number;
    email: string;
    name: string;
    activationHash: string;
    membership: Omit<NewMembership, 'userId'>;
  }[];
}

/** What a batch made; a row in neither map was skipped: its e-mail already has an account. */
export interface UserBatchOutcome {
  /** Rows made now, with the end of their activation token. */
  inserted: Map<number, { expiresAt: Date }>;
  /** Rows the same batch made before (a retry whose stored answer is gone): their ids, never their tokens. */
  existing: Map<number, { id: string }>;
}

/**
 * Inserts a bulk request's users and their memberships, set-based, in one transaction. A row whose e-mail already has
 * an account is skipped (`ON CONFLICT DO NOTHING`); one the same batch already made comes back in `existing`.
 * The e-mails are given lower-cased and distinct.
 */
export async function insertUsersBatch(dataSource: DataSource, batch: UserBatch): Promise<UserBatchOutcome> {
  const u = batch.users;
  return dataSource.transaction(async (m) => {
    const inserted: { batch_row: number; expires_at: Date }[] = await m.query(
      `INSERT INTO app_user (id, email, name, password_hash, activation_hash, activation_expires_at, batch_key, batch_row)
       SELECT r.id, r.email, r.name, NULL, r.activation_hash, now() + make_interval(hours => $6), $5, r.batch_row
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $7::int[])
              AS r(id, email, name, activation_hash, batch_row)
       ON CONFLICT DO NOTHING
       RETURNING batch_row, activation_expires_at AS expires_at`,
      [
        u.map((x) => x.id),
        u.map((x) => x.email),
        u.map((x) => x.name),
        u.map((x) => x.activationHash),
        batch.batchKey,
        batch.activationTtlHours,
        u.map((x) => x.row),
      ],
    );
    const made = new Map(inserted.map((r) => [r.batch_row, { expiresAt: r.expires_at }]));
    const members = u.filter((x) => made.has(x.row));
    if (members.length)
      await m.query(
        `INSERT INTO membership (id, user_id, unit_id, role, authority, position)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[])`,
        [
          members.map((x) => x.membership.id),
          members.map((x) => x.id),
          members.map((x) => x.membership.unitId),
          members.map((x) => x.membership.role),
          members.map((x) => x.membership.authority),
          members.map((x) => x.membership.position),
        ],
      );
    const existing = new Map<number, { id: string }>();
    if (made.size < u.length) {
      const rows: { id: string; batch_row: number }[] = await m.query(
        `SELECT id, batch_row FROM app_user WHERE batch_key = $1 AND batch_row = ANY($2::int[])`,
        [batch.batchKey, u.filter((x) => !made.has(x.row)).map((x) => x.row)],
      );
      for (const r of rows) existing.set(r.batch_row, { id: r.id });
    }
    return { inserted: made, existing };
  });
}

/** The active, not yet activated user whose activation token has this hash and has not expired; else null. */
export async function userByActivationHash(
  db: Db,
  activationHash: string,
): Promise<{ id: string; email: string } | null> {
  const rows: { id: string; email: string }[] = await db.query(
    `SELECT id, email FROM app_user
      WHERE activation_hash = $1 AND activation_expires_at > now() AND active AND password_hash IS NULL`,
    [activationHash],
  );
  return rows[0] ?? null;
}

/**
 * Sets the password of the user whose activation token has this hash and consumes the token, in one statement: of
 * two concurrent uses one wins. Returns the user's id, or null when the token is not (or no longer) valid.
 */
export async function activateUser(
  db: Db,
  activationHash: string,
  passwordHash: string,
): Promise<string | null> {
  const rows: [{ id: string }[], number] = await db.query(
    `UPDATE app_user SET password_hash = $2, activation_hash = NULL, activation_expires_at = NULL, updated_at = now()
      WHERE activation_hash = $1 AND activation_expires_at > now() AND active AND password_hash IS NULL
      RETURNING id`,
    [activationHash, passwordHash],
  );
  return rows[0][0]?.id ?? null;
}

/**
 * A new activation token for a user who has not activated yet (no password) and is active: its hash replaces the
 * old one, which stops working at once, in one statement. The new token's end, or null when the user has a password
 * (activated) or is deactivated.
 */
export async function reissueActivation(
  db: Db,
  id: string,
  activationHash: string,
  ttlHours: number,
): Promise<{ expiresAt: Date } | null> {
  const rows: { expiresAt: Date }[] = await db.query(
    `WITH x AS (
       UPDATE app_user SET activation_hash = $2, activation_expires_at = now() + make_interval(hours => $3),
              updated_at = now()
        WHERE id = $1 AND password_hash IS NULL AND active
        RETURNING activation_expires_at)
     SELECT activation_expires_at AS "expiresAt" FROM x`,
    [id, activationHash, ttlHours],
  );
  return rows[0] ?? null;
}
