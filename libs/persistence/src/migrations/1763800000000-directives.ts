import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Directives: the document (content versions kept while drafting), its lifecycle status, the number allocated at
 * signing from a per-issuer, per-year sequence, the signature; the append-only event trail; signer keys; review
 * chains per unit.
 */
export class Directives1763800000000 implements MigrationInterface {
  name = 'Directives1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE directive (
      id uuid PRIMARY KEY,
      issuer_id uuid NOT NULL REFERENCES unit(id),
      doc_type text NOT NULL,
      status text NOT NULL CHECK (status IN ('draft','in_review','approved','rejected','signed','cancelled')),
      version int NOT NULL DEFAULT 1,
      content jsonb NOT NULL,
      workflow_id text NOT NULL UNIQUE,
      year int,
      number int,
      symbol text,
      signed_at timestamptz,
      signer_user_id uuid REFERENCES app_user(id),
      signer_authority text,
      signer_position text,
      signer_name text,
      signer_key_id uuid,
      canonical_sha256 text,
      signature text,
      signed_payload text,
      created_by uuid REFERENCES app_user(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT directive_number_unique UNIQUE (issuer_id, year, number)
    )`);
    await q.query(`CREATE INDEX directive_issuer ON directive (issuer_id, created_at DESC)`);
    await q.query(`CREATE TABLE directive_version (
      directive_id uuid NOT NULL REFERENCES directive(id),
      version int NOT NULL,
      content jsonb NOT NULL,
      edited_by uuid REFERENCES app_user(id),
      edited_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (directive_id, version)
    )`);
    await q.query(`CREATE TABLE directive_event (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      directive_id uuid NOT NULL REFERENCES directive(id),
      at timestamptz NOT NULL DEFAULT now(),
      actor_user_id uuid,
      actor_role text,
      actor_unit_id uuid,
      action text NOT NULL,
      reason text,
      data jsonb,
      dedupe_key text UNIQUE
    )`);
    await q.query(`CREATE INDEX directive_event_directive ON directive_event (directive_id, id)`);
    await q.query(`CREATE TABLE issuer_sequence (
      issuer_id uuid NOT NULL REFERENCES unit(id),
      year int NOT NULL,
      last_number int NOT NULL,
      PRIMARY KEY (issuer_id, year)
    )`);
    await q.query(`CREATE TABLE signer_key (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES app_user(id),
      public_key text NOT NULL,
      private_key_enc text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    )`);
    await q.query(`CREATE UNIQUE INDEX signer_key_active ON signer_key (user_id) WHERE revoked_at IS NULL`);
    await q.query(`CREATE TABLE review_chain (
      unit_id uuid NOT NULL REFERENCES unit(id),
      position int NOT NULL,
      reviewer_id uuid NOT NULL REFERENCES app_user(id),
      PRIMARY KEY (unit_id, position)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'review_chain',
      'signer_key',
      'issuer_sequence',
      'directive_event',
      'directive_version',
      'directive',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
