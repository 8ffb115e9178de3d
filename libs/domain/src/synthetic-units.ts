import type { UnitKind } from './organisation';

export interface SyntheticUnit {
  code: string;
  name: string;
  kind: UnitKind;
  parentCode: string | null;
}

/**
 * A synthetic hierarchy for tests and benchmarks: `count` units, breadth first, each parent with up to `fanout`
 * children, no deeper than `depth` levels (the root is level 1). Deterministic for the same arguments.
 */
export function generateUnits({
  count,
  depth,
  fanout,
  prefix = 'SYN',
}: {
  count: number;
  depth: number;
  fanout: number;
  prefix?: string;
}): SyntheticUnit[] {
  if (count < 1 || depth < 1 || fanout < 1) throw new Error('count, depth and fanout must be at least 1');
  const kindAt = (level: number): UnitKind =>
    level === 1 ? 'federation' : level === depth ? 'grassroots_union' : 'federation';
  const units: SyntheticUnit[] = [
    { code: `${prefix}-1`, name: `${prefix} đơn vị 1`, kind: kindAt(1), parentCode: null },
  ];
  const queue: { code: string; level: number }[] = [{ code: `${prefix}-1`, level: 1 }];
  for (let head = 0; head < queue.length && units.length < count; head++) {
    const parent = queue[head];
    if (parent.level >= depth) continue;
    for (let i = 1; i <= fanout && units.length < count; i++) {
      const code = `${parent.code}.${i}`;
      units.push({
        code,
        name: `${prefix} đơn vị ${code.slice(prefix.length + 1)}`,
        kind: kindAt(parent.level + 1),
        parentCode: parent.code,
      });
      queue.push({ code, level: parent.level + 1 });
    }
  }
  // A tree of this depth and fan-out that cannot hold `count` units would be a smaller run than asked for.
  if (units.length < count)
    throw new Error(
      `depth ${depth} and fan-out ${fanout} hold ${units.length} units, fewer than the ${count} asked for`,
    );
  return units;
}
