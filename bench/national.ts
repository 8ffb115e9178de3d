/** The national shape for S0, and a bounded pool of concurrent calls. */
import type { Client as PgClient, Pool } from 'pg';
import type { SyntheticUnit } from '@cascade/domain';
import { rollupDrift } from '@cascade/persistence';

const PROVINCES = 63;
const DISTRICTS_PER_PROVINCE = 11;

/** The national shape: root → 63 provinces → 11 districts each → the grassroots units, spread evenly. */
export function nationalUnits(total: number, prefix: string): SyntheticUnit[] {
  const units: SyntheticUnit[] = [
    { code: `${prefix}-TLD`, name: `${prefix} Tổng Liên đoàn`, kind: 'federation', parentCode: null },
  ];
  const districts: string[] = [];
  for (let p = 1; p <= PROVINCES; p++) {
    const province = `${prefix}-P${p}`;
    units.push({
      code: province,
      name: `${prefix} LĐLĐ tỉnh ${p}`,
      kind: 'federation',
      parentCode: `${prefix}-TLD`,
    });
    for (let d = 1; d <= DISTRICTS_PER_PROVINCE; d++) {
      const district = `${province}-D${d}`;
      units.push({
        code: district,
        name: `${prefix} LĐLĐ huyện ${p}.${d}`,
        kind: 'federation',
        parentCode: province,
      });
      districts.push(district);
    }
  }
  for (let g = 0; units.length < total; g++) {
    const district = districts[g % districts.length];
    units.push({
      code: `${district}-G${g}`,
      name: `${prefix} CĐCS ${g}`,
      kind: 'grassroots_union',
      parentCode: district,
    });
  }
  if (units.length !== total) throw new Error(`S0: ${units.length} units generated, ${total} asked for`);
  return units;
}

export interface Line {
  phase: string;
  seconds: number;
  detail: string;
}

/** Runs `fn` over the items with at most `concurrency` in flight; answers each call's latency (ms). */
export async function pool<T>(
  items: T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        const t0 = performance.now();
        await fn(item);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return latencies;
}

/**
 * Requests as a province's e-office connector sends them, with its API key: a 503 with `Retry-After` (the API
 * shedding load: DATABASE_BUSY) is retried after that delay with the same key, as a connector does, and counted in
 * `shed` (a target of S0: none at the national load); any other 5xx is answered to the caller.
 */
export function connectorClient(base: string) {
  const counts = { shed: 0 };
  const withKey = async (key: string, method: string, path: string, body: unknown, idem?: string) => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          'x-api-key': key,
          ...(idem ? { 'idempotency-key': idem } : {}),
        },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      const retryAfter = Number(res.headers.get('retry-after'));
      if (res.status === 503 && retryAfter > 0 && attempt < 30) {
        counts.shed++;
        await new Promise((r) => setTimeout(r, Math.min(retryAfter, 5) * 1000));
        continue;
      }
      return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
    }
  };
  return { withKey, counts };
}

/** Where the routing tree's roll-up counters differ from the rows of directive `id` (the first three), for S0's invariants. */
export async function rollupProblems(pg: PgClient | Pool, id: string): Promise<string[]> {
  const db = {
    query: async (sql: string, params: unknown[]) => (await pg.query(sql, params)).rows as unknown[],
  };
  return (await rollupDrift(db as never, id)).slice(0, 3);
}

/**
 * The p95 of 50 reads of each dashboard, after a warm-up read; a 5xx is counted (`count5xx`), any answer but 200
 * fails the round. With BENCH_PG_STATEMENTS=1, each dashboard's statements per read are printed.
 */
export async function dashboardsP95<K extends string>(
  statements: { reset(): Promise<void>; print(what: string, requests: number): Promise<void> },
  count5xx: (status: number) => void,
  reads: Record<K, () => Promise<{ status: number }>>,
): Promise<Record<K, number>> {
  const out = {} as Record<K, number>;
  for (const [name, read] of Object.entries(reads) as [K, () => Promise<{ status: number }>][]) {
    await read(); // warm
    await statements.reset();
    const xs: number[] = [];
    for (let i = 0; i < 50; i++) {
      const a = performance.now();
      const r = await read();
      count5xx(r.status);
      if (r.status !== 200) throw new Error(`S0 dashboard ${name} → ${r.status}`);
      xs.push(performance.now() - a);
    }
    await statements.print(`S0 dashboard ${name}`, 50);
    const sorted = xs.sort((x, y) => x - y);
    out[name] = sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))];
  }
  return out;
}
