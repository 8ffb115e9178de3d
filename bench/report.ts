/** The results: written to bench/results/<timestamp>.json and printed as a table. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { join } from 'node:path';
import { round, scenarios } from './measure';
import { QUICK, ROOT } from './options';

export function writeResults() {
  const result = {
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      memoryGB: round(totalmem() / 2 ** 30, 1),
      node: process.version,
      platform: `${platform()} ${release()}`,
    },
    mode: QUICK ? 'quick' : 'full',
    startedAt: new Date().toISOString(),
    scenarios,
  };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const file = join(ROOT, 'bench', 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(
    '\n| scenario | metric | Cascade | raw | ratio | target | pass |\n| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const s of scenarios) {
    console.log(
      `| ${s.id} | ${s.metric} | ${s.value} ${s.unit} | ${s.raw ?? '—'} | ${s.ratio ?? '—'} | ${s.target} | ${s.pass === null ? '—' : s.pass ? 'yes' : 'no'} |`,
    );
  }
  console.log(`\nwritten to ${file}`);
}
