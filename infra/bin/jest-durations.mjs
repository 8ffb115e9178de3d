#!/usr/bin/env node
// Writes test/durations.json, what test/jest-sequencer.js deals the shards by, from the results of a run
// (`npx jest --json --outputFile=…`; `npm test` keeps them in .data/jest-results-*.json):
//   node infra/bin/jest-durations.mjs .data/jest-results-*.json
// Each file's time is its run time in that run, in seconds; files of the old record that the run did not include
// keep theirs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'test', 'durations.json');
const inputs = process.argv.slice(2);
if (!inputs.length) {
  process.stderr.write('usage: node infra/bin/jest-durations.mjs RESULTS.json...\n');
  process.exit(64);
}
const seconds = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')).seconds ?? {}) : {};
for (const input of inputs)
  for (const result of JSON.parse(readFileSync(input, 'utf8')).testResults ?? []) {
    const file = relative(root, result.name).split(sep).join('/');
    const ms = (result.endTime ?? 0) - (result.startTime ?? 0);
    if (ms > 0) seconds[file] = Math.round(ms / 100) / 10;
  }
const sorted = Object.fromEntries(Object.entries(seconds).sort(([a], [b]) => (a < b ? -1 : 1)));
writeFileSync(
  out,
  JSON.stringify(
    { about: 'seconds per test file in a run of npm test (infra/bin/jest-durations.mjs)', seconds: sorted },
    null,
    2,
  ) + '\n',
);
process.stdout.write(`${Object.keys(sorted).length} files → ${relative(root, out)}\n`);
