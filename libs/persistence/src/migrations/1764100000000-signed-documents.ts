import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The official document of each signed directive (issue 21): the PDF rendered once, when it was signed, kept byte for
 * byte and served from then on; never rendered again, so a new renderer or font cannot change what was signed.
 * libs/persistence/src/signed-documents.ts writes each row once and has no update.
 */
export class SignedDocuments1764100000000 implements MigrationInterface {
  name = 'SignedDocuments1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE signed_document (
      directive_id uuid PRIMARY KEY REFERENCES directive(id),
      media_type text NOT NULL CHECK (media_type = 'application/pdf'),
      content bytea NOT NULL,
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE signed_document`);
  }
}
