import { generateSignerKey, signWithEncryptedKey, verifySignature } from './signing';

const SECRET = 'a-signing-secret-of-sufficient-length-42';

describe('signer keys', () => {
  const key = generateSignerKey(SECRET);

  it('signs with the encrypted private key and verifies with the public key', () => {
    const signature = signWithEncryptedKey(key.privateKeyEnc, SECRET, '{"so":"136/KH-LĐLĐ"}');
    expect(verifySignature(key.publicKeyPem, '{"so":"136/KH-LĐLĐ"}', signature)).toBe(true);
    expect(verifySignature(key.publicKeyPem, '{"so":"137/KH-LĐLĐ"}', signature)).toBe(false);
    expect(verifySignature(generateSignerKey(SECRET).publicKeyPem, '{"so":"136/KH-LĐLĐ"}', signature)).toBe(
      false,
    );
  });

  it('keeps the private key unreadable without the secret', () => {
    expect(key.privateKeyEnc).not.toContain('PRIVATE KEY');
    expect(() =>
      signWithEncryptedKey(key.privateKeyEnc, 'another-secret-of-sufficient-length-0', 'x'),
    ).toThrow();
  });

  it('answers false, not an exception, for a malformed signature', () => {
    expect(verifySignature(key.publicKeyPem, 'x', 'not base64 at all!')).toBe(false);
  });
});
