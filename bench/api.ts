/** Cascade's HTTP API as the bench calls it: requests with their idempotency keys, and the bench's administrator. */
import { bootstrapAdmin } from '@cascade/persistence';

export type Api = Awaited<ReturnType<typeof connectApi>>;

export async function connectApi(base: string, runId: string, databaseUrl: string) {
  let keyN = 0;
  const call = async (method: string, path: string, token: string | null, body?: unknown, key?: string) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(method === 'GET' ? {} : { 'idempotency-key': key ?? `bench-${runId}-${keyN++}` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : null) as Record<string, unknown> & { id: string },
    };
  };
  const must = async (what: string, p: ReturnType<typeof call>, ok = [200, 201]) => {
    const r = await p;
    if (!ok.includes(r.status)) throw new Error(`${what} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const password = 'Bench-mật-khẩu-2026';
  const adminEmail = `bench-${runId}@bench.cascade.vn`;
  await bootstrapAdmin(databaseUrl, adminEmail, password, 'Bench');
  const login = async (email: string) =>
    (await must('login', call('POST', '/auth/login', null, { email, password }))).accessToken as string;
  const admin = await login(adminEmail);
  return { call, must, password, login, admin, adminEmail };
}
