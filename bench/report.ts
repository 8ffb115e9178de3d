/** The results: written to bench/results/<timestamp>.json and printed as a table under the run's settings. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROUNDS, shown, scenarios } from './measure';
import { QUICK, ROOT } from './options';
import type { MachineInfo } from './postgres';

/** The run's machine, PostgreSQL settings and disk, in a few lines (printed first, and again above the table). */
export function header(m: MachineInfo) {
  const pg = m.postgres as Record<string, string | null>;
  return [
    `CPU: ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB; Node ${m.node}, ${m.platform}`,
    `PostgreSQL ${pg.server_version} (${pg.cluster}): synchronous_commit=${pg.synchronous_commit}, fsync=${pg.fsync}, full_page_writes=${pg.full_page_writes}, shared_buffers=${pg.shared_buffers}, work_mem=${pg.work_mem}, track_commit_timestamp=${pg.track_commit_timestamp}`,
    `disk of ${pg.dataDirectory ?? 'the data directory (unknown)'}: ${m.disk.df ?? 'unknown'}${m.disk.lsblk ? ` | ${m.disk.lsblk.replace(/\n/g, ' | ')}` : ''}`,
  ].join('\n');
}

export function writeResults(machine: MachineInfo) {
  const result = {
    machine,
    mode: QUICK ? 'quick' : 'full',
    rounds: { warmUp: 1, measured: ROUNDS },
    finishedAt: new Date().toISOString(),
    scenarios,
  };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const file = join(ROOT, 'bench', 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(
    `\n${header(machine)}\n(each figure: the median of ${ROUNDS} rounds after a warm-up, (min–max))`,
  );
  console.log(
    '\n| scenario | metric | Cascade | raw | ratio | target | pass |\n| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const s of scenarios) {
    console.log(
      `| ${s.id} | ${s.metric} | ${shown(s.spread)} ${s.unit} | ${s.rawSpread ? shown(s.rawSpread) : '—'} | ${s.ratio ?? '—'} | ${s.target} | ${s.pass === null ? '—' : s.pass ? 'yes' : 'no'} |`,
    );
  }
  console.log(`\nwritten to ${file}`);
}
