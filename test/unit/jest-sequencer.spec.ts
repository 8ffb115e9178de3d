/** How `npm test` deals the test files to its parallel shards (test/jest-sequencer.js). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deal } = require('../jest-sequencer.js') as {
  deal: (files: string[], weights: Record<string, number>, shardCount: number) => string[][];
};

describe('the shards of npm test', () => {
  it('deals the longest files first, each to the shard with the least work so far', () => {
    const weights = { a: 120, b: 60, c: 50, d: 10, e: 5 };
    const shards = deal(['e', 'd', 'c', 'b', 'a'], weights, 2);
    expect(shards).toEqual([
      ['a', 'e'],
      ['b', 'c', 'd'],
    ]);
    const load = (s: string[]) => s.reduce((n, f) => n + weights[f as keyof typeof weights], 0);
    expect(shards.map(load)).toEqual([125, 120]);
  });

  it('gives every file to exactly one shard, whatever the order or the count', () => {
    const files = Array.from({ length: 41 }, (_, i) => `f${i}`);
    for (const count of [1, 2, 3, 5]) {
      const shards = deal([...files].reverse(), { f3: 100, f7: 1 }, count);
      expect(shards).toHaveLength(count);
      expect(shards.flat().sort()).toEqual([...files].sort());
      expect(deal(files, { f3: 100, f7: 1 }, count)).toEqual(shards);
    }
  });

  it('counts a file it has no record of as the median of those it has', () => {
    // recorded 1, 2 and 30: the median is 2, so the new file weighs 2 and joins the lighter shard
    const shards = deal(['x', 'y', 'z', 'new'], { x: 30, y: 2, z: 1 }, 2);
    expect(shards).toEqual([['x'], ['new', 'y', 'z']]);
  });
});
