/**
 * Sums the self time of a CPU profile (`BENCH_PROFILE_DIR`, Chrome DevTools format) by function and by file, to see
 * where the API's or the worker's CPU went: `node -r ts-node/register/transpile-only bench/profile-summary.ts
 * file.cpuprofile [top] [filter]` prints the top functions, files and packages by self time (the filter, a part of
 * a file's path, keeps only the functions whose own stack goes through it: their inclusive time is shown instead).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package or the project folder a script belongs to. */
function area(url: string): string {
  if (!url) return '(native)';
  const inModules = url.lastIndexOf('node_modules/');
  if (inModules >= 0) {
    const rest = url.slice(inModules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0)
    return url
      .slice(dist + 6)
      .split('/')
      .slice(0, 3)
      .join('/');
  return url.startsWith('node:') ? 'node:' + url.slice(5).split('/')[0] : url;
}

function main() {
  const [file, topText, filter] = process.argv.slice(2);
  const top = Number(topText ?? 30);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  // (idle) is the process waiting: left out, so that the shares are of the CPU it used
  profile.samples.forEach((id, i) => {
    if (byId.get(id)!.callFrame.functionName !== '(idle)')
      self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const files = new Map<string, number>();
  const areas = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  // with a filter, each sample counts for the first frame of its stack whose file matches (inclusive time there)
  for (const [id, us] of self) {
    let node = byId.get(id)!;
    if (filter) {
      let at: ProfileNode | undefined = node;
      while (at && !at.callFrame.url.includes(filter)) at = byId.get(parent.get(at.id) ?? -1);
      if (!at) continue;
      node = at;
    }
    const { functionName, url, lineNumber } = node.callFrame;
    const short = url.replace(/^.*\/(node_modules|dist)\//, '');
    add(fn, `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`, us);
    add(files, short || '(native)', us);
    add(areas, area(url), us);
  }
  const print = (title: string, m: Map<string, number>) => {
    console.log(`\n${title}`);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(
        `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`,
      );
  };
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s of CPU sampled`);
  print('by area', areas);
  print('by file', files);
  print('by function', fn);
}

main();
