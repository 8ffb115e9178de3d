import { delegationLines, delegationRefusal, type DelegationTerms } from './delegation';

const at = new Date('2026-03-10T03:00:00Z');
const terms = (change: Partial<DelegationTerms> = {}): DelegationTerms => ({
  kind: 'TUQ.',
  grantorUserId: 'head',
  granteeUserId: 'office',
  head: 'CHỦ TỊCH',
  position: 'CHÁNH VĂN PHÒNG',
  docTypes: ['CV', 'TB'],
  validFrom: '2026-03-01T00:00:00Z',
  validUntil: '2026-04-01T00:00:00Z',
  revokedAt: null,
  ...change,
});

describe('delegationLines', () => {
  it('prints the authority line and the position line of the signing block', () => {
    expect(delegationLines({ kind: 'KT.', head: 'CHỦ TỊCH', position: 'PHÓ CHỦ TỊCH' })).toEqual({
      authority: 'KT. CHỦ TỊCH',
      position: 'PHÓ CHỦ TỊCH',
    });
    expect(delegationLines(terms()).authority).toBe('TUQ. CHỦ TỊCH');
  });
});

describe('delegationRefusal', () => {
  const code = (t: DelegationTerms, signer = 'office', type = 'CV', when = at, byTuq = false) =>
    delegationRefusal(t, signer, type, when, byTuq)?.code ?? null;

  it('lets the grantee sign a covered type within the period', () => {
    expect(code(terms())).toBeNull();
    expect(code(terms({ kind: 'KT.', docTypes: null, validUntil: null }), 'office', 'QD')).toBeNull();
  });

  it('refuses another signer, a revoked, early, expired or out-of-scope relation, and a re-delegated TUQ.', () => {
    expect(code(terms(), 'someone')).toBe('DELEGATION_NOT_HELD');
    expect(code(terms({ revokedAt: '2026-03-05T00:00:00Z' }))).toBe('DELEGATION_REVOKED');
    expect(code(terms({ revokedAt: '2026-03-20T00:00:00Z' }))).toBeNull(); // revoked after the signing
    expect(code(terms({ validFrom: '2026-03-11T00:00:00Z' }))).toBe('DELEGATION_NOT_YET_VALID');
    expect(code(terms({ validUntil: '2026-03-10T03:00:00Z' }))).toBe('DELEGATION_EXPIRED'); // the end is exclusive
    expect(code(terms(), 'office', 'KH')).toBe('DELEGATION_OUT_OF_SCOPE');
    expect(code(terms(), 'office', 'CV', at, true)).toBe('DELEGATION_REDELEGATED');
    // only a TUQ. is not delegated further
    expect(code(terms({ kind: 'TL.' }), 'office', 'CV', at, true)).toBeNull();
  });

  it('names the field in its message', () => {
    expect(delegationRefusal(terms(), 'office', 'KH', at, false)?.message).toMatch(
      /^delegationId: covers CV, TB/,
    );
  });
});
