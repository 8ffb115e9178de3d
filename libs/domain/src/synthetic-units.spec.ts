import { generateUnits } from './synthetic-units';

describe('generateUnits', () => {
  it('makes exactly count units within depth and fanout, parents first', () => {
    const units = generateUnits({ count: 1111, depth: 4, fanout: 10 });
    expect(units).toHaveLength(1111);
    const seen = new Set<string>();
    const levels = new Map<string, number>();
    const children = new Map<string, number>();
    for (const u of units) {
      if (u.parentCode) {
        expect(seen.has(u.parentCode)).toBe(true);
        children.set(u.parentCode, (children.get(u.parentCode) ?? 0) + 1);
      }
      levels.set(u.code, u.parentCode ? levels.get(u.parentCode)! + 1 : 1);
      seen.add(u.code);
    }
    expect(Math.max(...levels.values())).toBe(4);
    expect(Math.max(...children.values())).toBe(10);
    expect(new Set(units.map((u) => u.code)).size).toBe(1111);
  });

  it('refuses a depth and fan-out that cannot hold the count, rather than make fewer units', () => {
    expect(() => generateUnits({ count: 100, depth: 2, fanout: 3 })).toThrow(
      'depth 2 and fan-out 3 hold 4 units, fewer than the 100 asked for',
    );
    // the benchmark's import: 22,621 units at fan-out 12, 100,000 at fan-out 18
    expect(() => generateUnits({ count: 100_000, depth: 5, fanout: 12 })).toThrow('hold 22621 units');
    expect(generateUnits({ count: 100_000, depth: 5, fanout: 18 })).toHaveLength(100_000);
  });

  it('is deterministic', () => {
    expect(generateUnits({ count: 50, depth: 3, fanout: 8 })).toEqual(
      generateUnits({ count: 50, depth: 3, fanout: 8 }),
    );
  });
});
