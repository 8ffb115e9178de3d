import { generateUnits } from '../synthetic-units';
import { planRouting, type AddresseeUnit } from './routing';

// province P → districts D1, D2 → grassroots G11, G12 (D1), G21 (D2); department P-BTG; another province Q.
const P = ['p'];
const unit = (path: string[], active = true): AddresseeUnit => ({ id: path[path.length - 1], path, active });
const D1 = unit(['p', 'd1']);
const D2 = unit(['p', 'd2']);
const G11 = unit(['p', 'd1', 'g11']);
const G12 = unit(['p', 'd1', 'g12']);
const G21 = unit(['p', 'd2', 'g21']);

describe('planRouting', () => {
  it('hangs each addressee under its nearest addressee ancestor, and counts tiers from the grassroots up', () => {
    const plan = planRouting({ id: 'p', path: P }, [G11, D1, G12, D2, G21]);
    expect(plan.nodes).toEqual([
      { unitId: 'd1', parentUnitId: 'p', depth: 1, tier: 1 },
      { unitId: 'd2', parentUnitId: 'p', depth: 1, tier: 1 },
      { unitId: 'g11', parentUnitId: 'd1', depth: 2, tier: 0 },
      { unitId: 'g12', parentUnitId: 'd1', depth: 2, tier: 0 },
      { unitId: 'g21', parentUnitId: 'd2', depth: 2, tier: 0 },
    ]);
    expect(plan.issuerTier).toBe(2);
    expect(plan.hubs.map((h) => h.unitId)).toEqual(['p', 'd1', 'd2']);
  });

  it('routes a grassroots unit straight from the issuer when its district is not an addressee', () => {
    const plan = planRouting({ id: 'p', path: P }, [D2, G11]);
    expect(plan.nodes.find((n) => n.unitId === 'g11')).toEqual({
      unitId: 'g11',
      parentUnitId: 'p',
      depth: 1,
      tier: 0,
    });
  });

  it('skips inactive units, units outside the issuer subtree, the issuer itself and duplicates', () => {
    const plan = planRouting({ id: 'd1', path: ['p', 'd1'] }, [
      G11,
      G11,
      unit(['p', 'd1', 'g13'], false),
      G21,
      unit(['p', 'd1']),
    ]);
    expect(plan.nodes.map((n) => n.unitId)).toEqual(['g11']);
    expect(plan.skipped).toEqual([
      { unitId: 'g11', reason: 'duplicate' },
      { unitId: 'g13', reason: 'inactive' },
      { unitId: 'g21', reason: 'not below the issuer' },
      { unitId: 'd1', reason: 'the issuer' },
    ]);
  });

  it('keeps every hub batch within the bound at 10^5 units', () => {
    const units = generateUnits({ count: 100_000, depth: 4, fanout: 60, prefix: 'S' });
    const paths = new Map<string, string[]>();
    for (const u of units) paths.set(u.code, u.parentCode ? [...paths.get(u.parentCode)!, u.code] : [u.code]);
    const addressees = units.slice(1).map((u) => unit(paths.get(u.code)!));
    const plan = planRouting({ id: 'S-1', path: ['S-1'] }, addressees, { maxBatch: 1000 });
    expect(plan.nodes).toHaveLength(99_999);
    expect(plan.issuerTier).toBe(3);
    const biggest = Math.max(...plan.hubs.flatMap((h) => h.batches.map((b) => b.length)));
    expect(biggest).toBeLessThanOrEqual(1000);
    const routed = plan.hubs.reduce((n, h) => n + h.batches.reduce((m, b) => m + b.length, 0), 0);
    expect(routed).toBe(99_999);
  });
});
