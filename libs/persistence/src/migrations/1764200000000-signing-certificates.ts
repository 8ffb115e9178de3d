import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A person's X.509 signing certificate (issue 21): imported from a PKCS#12 (the private key kept sealed under
 * SIGNING_KEY_SECRET) or a reference to a key in a PKCS#11 token (module, token, key id; the PIN sealed). One per
 * person; a new import replaces it. Written by libs/persistence/src/signing-certificates.ts only.
 */
export class SigningCertificates1764200000000 implements MigrationInterface {
  name = 'SigningCertificates1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE person_signing_certificate (
      user_id uuid PRIMARY KEY REFERENCES app_user(id) ON DELETE CASCADE,
      source text NOT NULL CHECK (source IN ('pkcs12', 'pkcs11')),
      certificate_pem text NOT NULL,
      chain_pem text NOT NULL,
      fingerprint text NOT NULL,
      subject text NOT NULL,
      serial text NOT NULL,
      issuer text NOT NULL,
      not_before timestamptz NOT NULL,
      not_after timestamptz NOT NULL,
      private_key_sealed text,
      pkcs11_module text,
      pkcs11_token_label text,
      pkcs11_key_id text,
      pkcs11_pin_sealed text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((source = 'pkcs12') = (private_key_sealed IS NOT NULL)),
      CHECK ((source = 'pkcs11') = (pkcs11_key_id IS NOT NULL AND pkcs11_pin_sealed IS NOT NULL))
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE person_signing_certificate`);
  }
}
