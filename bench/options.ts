/** The bench's arguments and sizes: `--quick`, `--only=…`, BENCH_INGEST_UNITS (see the README). */
import { join } from 'node:path';

export const ROOT = join(__dirname, '..');
export const QUICK = process.argv.includes('--quick');
// `--only=S2,S5` runs those scenarios (S1 always runs: the others use its directive; S4 brings S3, whose directive it
// uses), for tuning one figure.
const ONLY = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
export const want = (id: string) => !ONLY || ONLY.includes(id) || (id === 'S3' && ONLY.includes('S4'));
export const UNITS = QUICK ? 1_000 : 10_000;
export const IMPORT_UNITS = QUICK ? 10_000 : 100_000;
// Grassroots units per round of each concurrency level of S2, for each arm (BENCH_INGEST_UNITS for longer runs while profiling).
export const INGEST_UNITS = Number(process.env.BENCH_INGEST_UNITS) || (QUICK ? 50 : 300);
export const BATCH = 1_000;
