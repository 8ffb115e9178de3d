// `npm test` runs the suite as parallel Jest processes (`--shard=k/n`, infra/test.sh), each with a stack of its own
// (Temporal dev server, database: test/integration/global-setup.ts). Jest's own sharding splits the files evenly by
// count, by a hash of their paths; the integration files differ a hundredfold in time (a few seconds to two
// minutes), so this one deals them out by their recorded durations (test/durations.json, written from a run's
// results by infra/bin/jest-durations.mjs): the longest first, each to the shard with the least work so far. A file
// not recorded counts as the median.
const Sequencer = require('@jest/test-sequencer').default;
const { existsSync, readFileSync } = require('node:fs');
const { join, relative, sep } = require('node:path');

const root = join(__dirname, '..');
const durationsFile = join(__dirname, 'durations.json');

function recorded() {
  if (!existsSync(durationsFile)) return {};
  return JSON.parse(readFileSync(durationsFile, 'utf8')).seconds ?? {};
}

/** Files dealt to `shardCount` shards by weight, longest first (ties by path): the files of each shard, in order. */
function deal(files, weights, shardCount) {
  const known = Object.values(weights).sort((a, b) => a - b);
  const fallback = known.length ? known[Math.floor(known.length / 2)] : 1;
  const items = files
    .map((file) => ({ file, weight: weights[file] ?? fallback }))
    .sort((a, b) => b.weight - a.weight || (a.file < b.file ? -1 : 1));
  const loads = new Array(shardCount).fill(0);
  const shards = Array.from({ length: shardCount }, () => []);
  for (const { file, weight } of items) {
    const k = loads.indexOf(Math.min(...loads));
    loads[k] += weight;
    shards[k].push(file);
  }
  return shards;
}

class BalancedSequencer extends Sequencer {
  shard(tests, { shardIndex, shardCount }) {
    const rel = (test) => relative(root, test.path).split(sep).join('/');
    const mine = new Set(deal(tests.map(rel), recorded(), shardCount)[shardIndex - 1]);
    return tests.filter((test) => mine.has(rel(test)));
  }
}

module.exports = BalancedSequencer;
module.exports.deal = deal;
