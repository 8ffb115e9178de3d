/** The scenarios' rows, and the helpers that measure and log them. */

export interface Scenario {
  id: string;
  metric: string;
  unit: string;
  value: number;
  raw: number | null;
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
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
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
