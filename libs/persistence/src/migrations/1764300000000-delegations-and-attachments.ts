import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delegated signing authority (Decree 30/2020, art. 13) and attachments (issue 21).
 *
 * `signing_delegation`: a relation between two people of a unit — KT. (a deputy signs for the head), Q. (acting head),
 * TL. (by order of the head), TUQ. (by written delegation) — with its written basis (number and date of the decision),
 * its scope (document types; null: all) and its period. The lines the signing block prints are the relation's
 * (`head`: the head's title the authority line names, `position`: the signer's position line). A revoked relation is
 * kept (signed directives name it).
 *
 * `directive_attachment`: the files a directive carries ("gửi kèm theo"), their bytes, SHA-256, size and media type,
 * uploaded once per (directive, uploader, Idempotency-Key). A signed directive names the relation it was signed under
 * (`directive.signer_delegation_id`).
 */
export class DelegationsAndAttachments1764300000000 implements MigrationInterface {
  name = 'DelegationsAndAttachments1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE signing_delegation (
      id uuid PRIMARY KEY,
      unit_id uuid NOT NULL REFERENCES unit(id),
      kind text NOT NULL CHECK (kind IN ('KT.','Q.','TL.','TUQ.')),
      grantor_user_id uuid NOT NULL REFERENCES app_user(id),
      grantee_user_id uuid NOT NULL REFERENCES app_user(id),
      head text NOT NULL,
      position text NOT NULL,
      basis_number text NOT NULL,
      basis_date date NOT NULL,
      doc_types text[],
      valid_from timestamptz NOT NULL,
      valid_until timestamptz,
      created_by uuid REFERENCES app_user(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      revoked_by uuid REFERENCES app_user(id),
      revoke_reason text,
      CONSTRAINT signing_delegation_period CHECK (valid_until IS NULL OR valid_until > valid_from),
      CONSTRAINT signing_delegation_not_self CHECK (grantor_user_id <> grantee_user_id),
      CONSTRAINT signing_delegation_tuq_bounded CHECK (
        kind <> 'TUQ.' OR (valid_until IS NOT NULL AND doc_types IS NOT NULL AND cardinality(doc_types) > 0))
    )`);
    // the unit's list, newest first (the API's pages), and the relations a person holds in a unit
    await q.query(
      `CREATE INDEX signing_delegation_unit ON signing_delegation (unit_id, created_at DESC, id DESC)`,
    );
    await q.query(`CREATE INDEX signing_delegation_grantee ON signing_delegation (grantee_user_id, unit_id)`);
    await q.query(
      `ALTER TABLE directive ADD COLUMN signer_delegation_id uuid REFERENCES signing_delegation(id)`,
    );

    await q.query(`CREATE TABLE directive_attachment (
      id uuid PRIMARY KEY,
      directive_id uuid NOT NULL REFERENCES directive(id),
      name text NOT NULL,
      media_type text NOT NULL,
      size int NOT NULL CHECK (size > 0),
      sha256 text NOT NULL,
      content bytea NOT NULL,
      uploaded_by text NOT NULL,
      idempotency_key text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT directive_attachment_once UNIQUE (directive_id, uploaded_by, idempotency_key)
    )`);
    await q.query(
      `CREATE INDEX directive_attachment_directive ON directive_attachment (directive_id, created_at, id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE directive_attachment`);
    await q.query(`ALTER TABLE directive DROP COLUMN signer_delegation_id`);
    await q.query(`DROP TABLE signing_delegation`);
  }
}
