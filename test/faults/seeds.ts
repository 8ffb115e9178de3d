/**
 * `npm run test:faults -- --seeds=N`: the fault suite N times in sequence, each run a process of its own on a fresh
 * stack with a random seed of its own (the seed draws the moments of the reports and acknowledgements and the
 * offsets and lengths of the network faults), then one line per run and the seeds of the runs that failed, each
 * replayable with `--seed=S`. The other arguments (`--quick`, `--temporal=cluster`) go to every run.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** Seeds of the full suite when none is named: the "randomised fault schedules over at least 5 seeds". */
export const FULL_SUITE_SEEDS = 5;

/**
 * The number of runs: `--seeds=N`; else FULL_SUITE_SEEDS for the full suite (no `--quick`, `--seed=S` or `--only=`),
 * a single run otherwise (undefined). Each run gets `--seed=S`, so it never fans out again.
 */
export function seedRuns(argv = process.argv): number | undefined {
  const arg = argv.find((a) => a.startsWith('--seeds='));
  if (!arg) {
    const single = argv.some((a) => a === '--quick' || a.startsWith('--seed=') || a.startsWith('--only='));
    return single ? undefined : FULL_SUITE_SEEDS;
  }
  const n = Number(arg.slice('--seeds='.length));
  if (!Number.isInteger(n) || n < 1) throw new Error(`--seeds must be a positive integer, not ${arg}`);
  return n;
}

/** Runs the suite's script `runs` times; answers the exit code (1 when any run failed). */
export function runSeeds(script: string, runs: number): number {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--seeds=') && !a.startsWith('--seed='));
  const results: { seed: number; code: number; minutes: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const seed = randomBytes(4).readUInt32LE();
    console.error(`[faults] run ${i + 1}/${runs} with --seed=${seed}`);
    const started = Date.now();
    const run = spawnSync(process.execPath, [...process.execArgv, script, ...args, `--seed=${seed}`], {
      stdio: 'inherit',
    });
    results.push({ seed, code: run.status ?? 1, minutes: (Date.now() - started) / 60_000 });
  }
  console.log('\n| run | seed | result | minutes |\n| --- | --- | --- | --- |');
  results.forEach((r, i) =>
    console.log(`| ${i + 1} | ${r.seed} | ${r.code === 0 ? 'passed' : 'FAILED'} | ${r.minutes.toFixed(1)} |`),
  );
  const failed = results.filter((r) => r.code !== 0);
  console.log(
    failed.length
      ? `\n${failed.length} of ${runs} runs FAILED; replay one with: npm run test:faults -- ${args.join(' ')}${args.length ? ' ' : ''}--seed=${failed[0].seed} (failing seeds: ${failed.map((r) => r.seed).join(', ')})`
      : `\nall ${runs} runs passed`,
  );
  return failed.length ? 1 : 0;
}
