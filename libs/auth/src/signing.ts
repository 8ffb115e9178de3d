import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';

/**
 * Ed25519 signer keys. The private key is stored encrypted (AES-256-GCM) with a key derived from the configured
 * secret, so that a copy of the database alone cannot sign; the public key is stored in clear for verification.
 */
function encryptionKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'cascade', 'signer private keys v1', 32));
}

export function generateSignerKey(secret: string): { publicKeyPem: string; privateKeyEnc: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', encryptionKey(secret), iv);
  const body = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
  return {
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }) as string,
    privateKeyEnc: [
      'v1',
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      body.toString('base64'),
    ].join('.'),
  };
}

function decryptPrivateKey(privateKeyEnc: string, secret: string): string {
  const [version, iv, tag, body] = privateKeyEnc.split('.');
  if (version !== 'v1') throw new Error('unknown signer key format');
  const decipher = createDecipheriv('aes-256-gcm', encryptionKey(secret), Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
}

/** Signs `data` (the canonical bytes of a document); returns the signature in base64. */
export function signWithEncryptedKey(privateKeyEnc: string, secret: string, data: string): string {
  return sign(null, Buffer.from(data, 'utf8'), decryptPrivateKey(privateKeyEnc, secret)).toString('base64');
}

export function verifySignature(publicKeyPem: string, data: string, signature: string): boolean {
  try {
    return verify(
      null,
      Buffer.from(data, 'utf8'),
      createPublicKey(publicKeyPem),
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}
