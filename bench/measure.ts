/** The scenarios' rows, and the helpers that measure, repeat and log them. */

/** A figure over the measured rounds: their median and spread. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export interface Scenario {
  id: string;
  metric: string;
  unit: string;
  /** The median of the measured rounds (the warm-up left out). */
  value: number;
  spread: Spread;
  raw: number | null;
  rawSpread: Spread | null;
  ratio: number | null;
  target: string;
  pass: boolean | null;
}
export const scenarios: Scenario[] = [];
export const say = (m: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}`);
export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
export const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export async function until<T>(
  what: string,
  probe: () => Promise<T | false | undefined>,
  timeoutMs = 600_000,
  every = 50,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== false && v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}

/** Measured rounds of every scenario, after one warm-up round that is not counted. */
// (BENCH_ROUNDS=1 for a diagnostic run that needs one round, not the protocol's figures.)
export const ROUNDS = Number(process.env.BENCH_ROUNDS) || 3;

/** The median and spread of the rounds' figures. */
export function spread(xs: number[], d = 2): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return {
    median: round(mid, d),
    min: round(s[0], d),
    max: round(s[s.length - 1], d),
    samples: xs.map((x) => round(x, d)),
  };
}
export const shown = (s: Spread) => `${s.median} (${s.min}–${s.max})`;

/** Runs `round` once to warm up, then ROUNDS times; answers the measured rounds' results. */
export async function rounds<T>(what: string, round: (n: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let n = 0; n <= ROUNDS; n++) {
    say(`${what}: ${n === 0 ? 'warm-up' : `round ${n}/${ROUNDS}`}`);
    const r = await round(n);
    if (n > 0) out.push(r);
  }
  return out;
}

/** A scenario's row from its rounds: the median and spread of Cascade's figure and of the raw arm's. */
export function record(
  row: Omit<Scenario, 'value' | 'spread' | 'raw' | 'rawSpread' | 'ratio' | 'pass'> & {
    ours: number[];
    bare?: number[];
    /** The ratio of the medians, as the target reads it (ours / raw unless said otherwise). */
    ratio?: (ours: number, raw: number) => number;
    pass: (ours: Spread, raw: Spread | null) => boolean;
    digits?: number;
  },
) {
  const { ours, bare, ratio, pass, digits, ...rest } = row;
  const s = spread(ours, digits);
  const r = bare ? spread(bare, digits) : null;
  const scenario: Scenario = {
    ...rest,
    value: s.median,
    spread: s,
    raw: r?.median ?? null,
    rawSpread: r,
    ratio: r ? round((ratio ?? ((a, b) => a / b))(s.median, r.median), 3) : null,
    pass: pass(s, r),
  };
  scenarios.push(scenario);
  say(
    `${row.id}: ${shown(s)} ${row.unit}${r ? `, raw ${shown(r)}` : ''} — target ${row.target}: ${scenario.pass ? 'pass' : 'FAIL'}`,
  );
  return scenario;
}
