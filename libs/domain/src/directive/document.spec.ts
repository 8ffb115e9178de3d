import { canMove, canonicalJson, formatSymbol } from './document';

describe('formatSymbol', () => {
  it.each([
    [136, 'KH', 'LĐLĐ', 'federation', '136/KH-LĐLĐ'],
    [72, 'CV', 'LĐLĐ', 'federation', '72/LĐLĐ'],
    [1023, 'CV', 'ĐUK', 'party_committee', '1023-CV/ĐUK'],
    [168, 'KH', 'TU', 'party_committee', '168-KH/TU'],
    [5, 'HD', 'BTG', 'department', '5/HD-BTG'],
  ] as const)('%i %s of %s (%s) → %s', (n, type, symbol, kind, expected) => {
    expect(formatSymbol(n, type, symbol, kind)).toBe(expected);
  });

  it('lets a Party department use Party style', () => {
    expect(formatSymbol(72, 'HD', 'BTGTU', 'department', true)).toBe('72-HD/BTGTU');
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined and normalizes strings to NFC', () => {
    const a = canonicalJson({ b: 1, a: { d: [1, 'Sơn La'.normalize('NFD')], c: undefined }, e: null });
    const b = canonicalJson({ e: null, a: { d: [1, 'Sơn La'] }, b: 1 });
    expect(a).toBe(b);
    expect(a).toBe('{"a":{"d":[1,"Sơn La"]},"b":1,"e":null}');
  });

  it('refuses what JSON cannot carry faithfully', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow('finite');
  });
});

describe('directive status transitions', () => {
  it('follows draft → in_review → approved → signed, with return, reject and cancel', () => {
    expect(canMove('draft', 'in_review')).toBe(true);
    expect(canMove('in_review', 'draft')).toBe(true);
    expect(canMove('in_review', 'approved')).toBe(true);
    expect(canMove('approved', 'signed')).toBe(true);
    expect(canMove('draft', 'signed')).toBe(false);
    expect(canMove('signed', 'draft')).toBe(false);
    expect(canMove('rejected', 'in_review')).toBe(false);
  });
});
