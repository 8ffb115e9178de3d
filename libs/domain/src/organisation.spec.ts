import {
  addressedByKind,
  EXECUTING_UNIT_KINDS,
  idFromLabel,
  idsFromPath,
  pathFromIds,
  pathLabel,
  UNIT_CODE_PATTERN,
} from './organisation';

describe('unit paths', () => {
  const ids = ['0b6f1b7e-8a6b-4b8e-9c1a-2f9d1e3c4b5a', 'f47ac10b-58cc-4372-a567-0e02b2c3d479'];

  it('round-trips ids through ltree labels', () => {
    const path = pathFromIds(ids);
    expect(path).toMatch(/^[A-Za-z0-9_.]+$/);
    expect(idsFromPath(path)).toEqual(ids);
    expect(idFromLabel(pathLabel(ids[0]))).toBe(ids[0]);
  });
});

describe('unit codes', () => {
  it.each(['LĐLĐ', 'LDLD-SL', 'ĐUK', 'CDCS-TN-CT-01', 'BTG/TU', 'u.1.2'])('accepts %s', (code) => {
    expect(UNIT_CODE_PATTERN.test(code)).toBe(true);
  });
  it.each(['', ' LDLD', 'LD LD', '-LDLD', 'x'.repeat(65), "a';--"])('rejects %j', (code) => {
    expect(UNIT_CODE_PATTERN.test(code)).toBe(false);
  });
});

describe('addressees by kind', () => {
  it('takes executing units and leaves departments out unless they are named', () => {
    expect(EXECUTING_UNIT_KINDS).toEqual([
      'federation',
      'sector_union',
      'grassroots_union',
      'party_committee',
      'party_cell',
    ]);
    expect(addressedByKind('grassroots_union', false)).toBe(true);
    expect(addressedByKind('party_cell', false)).toBe(true);
    expect(addressedByKind('department', false)).toBe(false);
    expect(addressedByKind('department', true)).toBe(true);
    expect(addressedByKind('not-a-kind', false)).toBe(false);
  });
});
