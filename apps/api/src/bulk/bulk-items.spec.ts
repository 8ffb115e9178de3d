import {
  answer,
  canonical,
  parseAcknowledgementItem,
  parseReportItem,
  repeatedKeys,
  tooLarge,
} from './bulk-items';

const unitId = '0b7c2a3e-1f4d-4c1a-9f2e-3a4b5c6d7e8f';

describe('batch items', () => {
  it('takes a report item and names the field of a bad one', () => {
    expect(parseReportItem(0, { key: 'key-00001', unitId, cycle: 1, values: { a: 1 } })).toEqual({
      ok: { index: 0, key: 'key-00001', unitId, cycle: 1, values: { a: 1 } },
    });
    const bad = (raw: unknown) => {
      const p = parseReportItem(7, raw);
      return 'error' in p ? [p.error.status, p.error.code, p.error.message] : null;
    };
    expect(bad({ key: 'short', unitId, cycle: 1, values: {} })).toEqual([
      400,
      'VALIDATION_FAILED',
      'items.7.key: must be 8-128 characters of [A-Za-z0-9._:-]',
    ]);
    expect(bad({ key: 'key-00001', unitId: 'x', cycle: 1, values: {} })?.[2]).toBe(
      'items.7.unitId: must be a UUID',
    );
    expect(bad({ key: 'key-00001', unitId, cycle: -1, values: {} })?.[2]).toMatch(/^items\.7\.cycle/);
    expect(bad({ key: 'key-00001', unitId, cycle: 1, values: [] })?.[2]).toMatch(/^items\.7\.values/);
    expect(bad({ key: 'key-00001', unitId, cycle: 1, values: {}, extra: 1 })?.[2]).toMatch(
      /^items\.7\.extra/,
    );
    expect(bad('no')?.[2]).toMatch(/^items\.7\.item/);
  });

  it('takes an acknowledgement item; a return needs its reason, in NFC', () => {
    const decomposed = 'Sai địa chỉ'.normalize('NFD');
    expect(
      parseAcknowledgementItem(0, { key: 'key-00001', unitId, decision: 'return', reason: decomposed }),
    ).toEqual({
      ok: { index: 0, key: 'key-00001', unitId, decision: 'return', reason: 'Sai địa chỉ'.normalize('NFC') },
    });
    const p = parseAcknowledgementItem(3, { key: 'key-00001', unitId, decision: 'return' });
    expect('error' in p && p.error.message).toBe('items.3.reason: required to return a directive');
  });

  it('answers a repeated key as the same item or a reused key', () => {
    const items = [
      { index: 0, key: 'k1', v: { a: 1, b: 2 } },
      { index: 1, key: 'k1', v: { b: 2, a: 1 } },
      { index: 2, key: 'k1', v: { a: 2 } },
      { index: 3, key: 'k2', v: {} },
    ];
    const { first, sameAs, reused } = repeatedKeys(items, (i) => canonical(i.v));
    expect(first.map((i) => i.index)).toEqual([0, 3]);
    expect([...sameAs]).toEqual([[1, 0]]);
    expect(reused.map((i) => i.index)).toEqual([2]);
  });

  it('bounds a batch at 1,000 items and counts the outcomes in order', () => {
    expect(tooLarge(new Array(1000))).toBe(false);
    expect(tooLarge(new Array(1001))).toBe(true);
    const a = answer([
      { index: 1, key: null, unitId: null, outcome: 'rejected', status: 400 },
      { index: 0, key: null, unitId: null, outcome: 'accepted', status: 201 },
    ]);
    expect(a).toMatchObject({ accepted: 1, duplicates: 0, rejected: 1 });
    expect(a.items.map((i) => i.index)).toEqual([0, 1]);
  });
});
