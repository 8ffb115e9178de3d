import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The organisation: a forest of units with an ltree materialised path (GiST-indexed subtree queries at 10^5 units),
 * extra report targets, recorded moves; users with unit-scoped roles; refresh tokens in rotating families; API keys;
 * login attempts for throttling; idempotency records for state-changing requests.
 */
export class Organisation1763790000000 implements MigrationInterface {
  name = 'Organisation1763790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS ltree`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE TABLE unit (
      id uuid PRIMARY KEY,
      code text NOT NULL,
      symbol text NOT NULL,
      name text NOT NULL,
      name_folded text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('federation','sector_union','grassroots_union','party_committee','party_cell','department')),
      parent_id uuid REFERENCES unit(id),
      path ltree NOT NULL,
      level int GENERATED ALWAYS AS (nlevel(path)) STORED,
      active boolean NOT NULL DEFAULT true,
      version int NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT unit_code_unique UNIQUE (code),
      CONSTRAINT unit_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id)
    )`);
    await q.query(`CREATE INDEX unit_path_gist ON unit USING gist (path)`);
    await q.query(`CREATE INDEX unit_path_btree ON unit (path)`);
    await q.query(`CREATE INDEX unit_parent ON unit (parent_id, code)`);
    await q.query(`CREATE INDEX unit_name_trgm ON unit USING gin (name_folded gin_trgm_ops)`);
    await q.query(`CREATE TABLE unit_report_target (
      unit_id uuid NOT NULL REFERENCES unit(id),
      target_id uuid NOT NULL REFERENCES unit(id),
      via_id uuid REFERENCES unit(id),
      note text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (unit_id, target_id),
      CHECK (unit_id <> target_id)
    )`);
    await q.query(`CREATE TABLE unit_move (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      unit_id uuid NOT NULL REFERENCES unit(id),
      from_parent_id uuid REFERENCES unit(id),
      to_parent_id uuid REFERENCES unit(id),
      moved_by uuid,
      moved_at timestamptz NOT NULL DEFAULT now(),
      reason text
    )`);
    await q.query(`CREATE INDEX unit_move_unit ON unit_move (unit_id, moved_at)`);

    await q.query(`CREATE TABLE app_user (
      id uuid PRIMARY KEY,
      email text NOT NULL,
      name text NOT NULL,
      password_hash text NOT NULL,
      system_admin boolean NOT NULL DEFAULT false,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE UNIQUE INDEX app_user_email ON app_user (lower(email))`);
    await q.query(`CREATE TABLE membership (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES app_user(id),
      unit_id uuid NOT NULL REFERENCES unit(id),
      role text NOT NULL CHECK (role IN ('clerk','leader','specialist','auditor','admin')),
      authority text,
      position text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT membership_unique UNIQUE (user_id, unit_id, role)
    )`);
    await q.query(`CREATE INDEX membership_unit ON membership (unit_id)`);

    await q.query(`CREATE TABLE refresh_token (
      id uuid PRIMARY KEY,
      family_id uuid NOT NULL,
      user_id uuid NOT NULL REFERENCES app_user(id),
      token_hash text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX refresh_token_family ON refresh_token (family_id)`);
    await q.query(`CREATE TABLE session_family (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES app_user(id),
      revoked_at timestamptz,
      revoked_reason text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);

    await q.query(`CREATE TABLE api_key (
      id uuid PRIMARY KEY,
      unit_id uuid NOT NULL REFERENCES unit(id),
      role text NOT NULL CHECK (role IN ('clerk','leader','specialist','auditor')),
      name text NOT NULL,
      prefix text NOT NULL UNIQUE,
      key_hash text NOT NULL,
      created_by uuid REFERENCES app_user(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    )`);
    await q.query(`CREATE INDEX api_key_unit ON api_key (unit_id)`);

    await q.query(`CREATE TABLE login_attempt (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email text NOT NULL,
      ip text NOT NULL,
      success boolean NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX login_attempt_email ON login_attempt (lower(email), at)`);
    await q.query(`CREATE INDEX login_attempt_ip ON login_attempt (ip, at)`);

    await q.query(`CREATE TABLE idempotency_record (
      principal text NOT NULL,
      key text NOT NULL,
      method text NOT NULL,
      path text NOT NULL,
      request_hash text NOT NULL,
      status int,
      response jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      PRIMARY KEY (principal, key)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'idempotency_record',
      'login_attempt',
      'api_key',
      'session_family',
      'refresh_token',
      'membership',
      'app_user',
      'unit_move',
      'unit_report_target',
      'unit',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
