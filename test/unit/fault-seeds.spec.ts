/** How many seeds the fault suite runs: five for the full suite, one for the quick suite or a named seed. */
import { FULL_SUITE_SEEDS, seedRuns } from '../faults/seeds';

const argv = (...args: string[]) => ['node', 'test/faults/run.ts', ...args];

describe('the fault suite seeds', () => {
  it('runs the full suite over five seeds, on either Temporal', () => {
    expect(FULL_SUITE_SEEDS).toBe(5);
    expect(seedRuns(argv())).toBe(5);
    expect(seedRuns(argv('--temporal=cluster'))).toBe(5);
  });

  it('runs once for the quick suite, a named seed or a single fault; as many as asked with --seeds', () => {
    expect(seedRuns(argv('--quick'))).toBeUndefined();
    expect(seedRuns(argv('--seed=42'))).toBeUndefined();
    expect(seedRuns(argv('--only=1'))).toBeUndefined();
    expect(seedRuns(argv('--seeds=2', '--quick'))).toBe(2);
    expect(() => seedRuns(argv('--seeds=0'))).toThrow(/--seeds must be a positive integer/);
  });
});
