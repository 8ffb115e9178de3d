/** Error codes of the signing-certificate routes (besides VALIDATION_FAILED and the auth codes). */
export enum SigningCertificateErrorCode {
  USER_NOT_FOUND = 'USER_NOT_FOUND',
  /** pkcs12: not base64 of a PKCS#12 file, no RSA key in it, or no certificate matching its key (400). */
  PKCS12_UNREADABLE = 'PKCS12_UNREADABLE',
  /** password: does not open the PKCS#12 (400). */
  PKCS12_PASSWORD_INCORRECT = 'PKCS12_PASSWORD_INCORRECT',
  /** certificate/chain: not PEM certificates (400). */
  CERTIFICATE_INVALID = 'CERTIFICATE_INVALID',
  /** The certificate is expired or not yet valid (400). */
  CERTIFICATE_EXPIRED = 'CERTIFICATE_EXPIRED',
  /** module: not one of PKCS11_MODULES (400). */
  PKCS11_MODULE_NOT_ALLOWED = 'PKCS11_MODULE_NOT_ALLOWED',
  /** The token, key or PIN did not answer (400 naming tokenLabel, keyId or pin). */
  PKCS11_KEY_UNAVAILABLE = 'PKCS11_KEY_UNAVAILABLE',
  /** certificate: not the certificate of the token's key (400). */
  PKCS11_KEY_MISMATCH = 'PKCS11_KEY_MISMATCH',
  /** No signing certificate for the person (404). */
  SIGNING_CERTIFICATE_MISSING = 'SIGNING_CERTIFICATE_MISSING',
  /** This API has no SIGNING_KEY_SECRET, which sealing the secrets needs (503). */
  SIGNING_NOT_CONFIGURED = 'SIGNING_NOT_CONFIGURED',
}
