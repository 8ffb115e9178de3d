import { DataSource, EntityManager } from 'typeorm';

/**
 * People's X.509 signing certificates (`person_signing_certificate`, migration SigningCertificates1764200000000):
 * this file is the table's one writer. Secrets arrive sealed (libs/signing at-rest.ts); nothing here decrypts.
 */
type Db = DataSource | EntityManager;

export interface SigningCertificateSummary {
  userId: string;
  source: 'pkcs12' | 'pkcs11';
  subject: string;
  issuer: string;
  serial: string;
  fingerprint: string;
  notBefore: string;
  notAfter: string;
  pkcs11?: { module: string; tokenLabel: string; keyId: string };
  updatedAt: string;
}

export interface StoredSigningCertificate extends SigningCertificateSummary {
  certificatePem: string;
  chainPem: string;
  privateKeySealed: string | null;
  pkcs11PinSealed: string | null;
}

export interface SigningCertificateWrite {
  userId: string;
  source: 'pkcs12' | 'pkcs11';
  certificatePem: string;
  chainPem: string;
  fingerprint: string;
  subject: string;
  issuer: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  privateKeySealed?: string;
  pkcs11?: { module: string; tokenLabel: string; keyId: string; pinSealed: string };
}

const COLUMNS = `user_id AS "userId", source, subject, issuer, serial, fingerprint,
  to_char(not_before AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "notBefore",
  to_char(not_after AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "notAfter",
  pkcs11_module AS "pkcs11Module", pkcs11_token_label AS "pkcs11TokenLabel", pkcs11_key_id AS "pkcs11KeyId",
  to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt",
  certificate_pem AS "certificatePem", chain_pem AS "chainPem", private_key_sealed AS "privateKeySealed",
  pkcs11_pin_sealed AS "pkcs11PinSealed"`;

interface Row extends Omit<StoredSigningCertificate, 'pkcs11'> {
  pkcs11Module: string | null;
  pkcs11TokenLabel: string | null;
  pkcs11KeyId: string | null;
}

function fromRow(r: Row): StoredSigningCertificate {
  const { pkcs11Module, pkcs11TokenLabel, pkcs11KeyId, ...rest } = r;
  return {
    ...rest,
    ...(pkcs11KeyId
      ? { pkcs11: { module: pkcs11Module!, tokenLabel: pkcs11TokenLabel!, keyId: pkcs11KeyId } }
      : {}),
  };
}

/** What the API shows: no key material, sealed or not. */
export function signingCertificateSummary(c: StoredSigningCertificate): SigningCertificateSummary {
  const { certificatePem: _c, chainPem: _ch, privateKeySealed: _k, pkcs11PinSealed: _p, ...summary } = c;
  return summary;
}

export async function findSigningCertificate(
  db: Db,
  userId: string,
): Promise<StoredSigningCertificate | null> {
  const rows: Row[] = await db.query(`SELECT ${COLUMNS} FROM person_signing_certificate WHERE user_id = $1`, [
    userId,
  ]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/**
 * Stores the person's certificate, replacing the one before. The same certificate and key reference again change
 * nothing but the sealed secrets (re-sealed with a fresh IV), so a retry answers the same summary.
 */
export async function upsertSigningCertificate(
  db: Db,
  c: SigningCertificateWrite,
): Promise<StoredSigningCertificate> {
  const rows: Row[] = await db.query(
    `INSERT INTO person_signing_certificate (user_id, source, certificate_pem, chain_pem, fingerprint, subject, issuer,
       serial, not_before, not_after, private_key_sealed, pkcs11_module, pkcs11_token_label, pkcs11_key_id,
       pkcs11_pin_sealed)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)
     ON CONFLICT (user_id) DO UPDATE SET source = EXCLUDED.source, certificate_pem = EXCLUDED.certificate_pem,
       chain_pem = EXCLUDED.chain_pem, fingerprint = EXCLUDED.fingerprint, subject = EXCLUDED.subject,
       issuer = EXCLUDED.issuer, serial = EXCLUDED.serial, not_before = EXCLUDED.not_before,
       not_after = EXCLUDED.not_after, private_key_sealed = EXCLUDED.private_key_sealed,
       pkcs11_module = EXCLUDED.pkcs11_module, pkcs11_token_label = EXCLUDED.pkcs11_token_label,
       pkcs11_key_id = EXCLUDED.pkcs11_key_id, pkcs11_pin_sealed = EXCLUDED.pkcs11_pin_sealed,
       updated_at = CASE WHEN person_signing_certificate.fingerprint = EXCLUDED.fingerprint
         AND person_signing_certificate.source = EXCLUDED.source THEN person_signing_certificate.updated_at ELSE now() END
     RETURNING ${COLUMNS}`,
    [
      c.userId,
      c.source,
      c.certificatePem,
      c.chainPem,
      c.fingerprint,
      c.subject,
      c.issuer,
      c.serial,
      c.notBefore,
      c.notAfter,
      c.privateKeySealed ?? null,
      c.pkcs11?.module ?? null,
      c.pkcs11?.tokenLabel ?? null,
      c.pkcs11?.keyId ?? null,
      c.pkcs11?.pinSealed ?? null,
    ],
  );
  return fromRow(rows[0]);
}
