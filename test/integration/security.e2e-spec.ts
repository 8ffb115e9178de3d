/**
 * The API as a real process, seen from outside: security headers (helmet), CORS only for the configured origins, and
 * logs that never carry a secret (passwords, tokens, API keys, the server's own secrets), even at the most verbose
 * level.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { bootstrapAdmin } from '@cascade/persistence';
import { freePort } from './support/ports';
import { waitFor } from './support/wait-for';

jest.setTimeout(120_000);

const root = join(__dirname, '..', '..');
const ALLOWED = 'https://cascade.example.vn';
let child: ChildProcess;
let output = '';
let base: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/api/src/main.ts'],
    {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'trace', PORT: String(port), CORS_ORIGINS: ALLOWED },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  // another process may take the free port first: then this API exits, and whatever answers there is not it
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the API exited (${code}): ${output.slice(-2000)}`))),
  );
  await Promise.race([
    waitFor(
      'the API to answer',
      async () => {
        if (child.exitCode !== null) return false;
        try {
          return (await fetch(`${base}/health`)).status === 200;
        } catch {
          return false;
        }
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    ),
    exited,
  ]);
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
});

const json = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID(), ...headers },
    body: JSON.stringify(body),
  });

describe('the API process', () => {
  it('sends security headers and no X-Powered-By', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('answers CORS only for the configured origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${base}/units`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type',
        },
      });
    const allowed = await preflight(ALLOWED);
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/Authorization/i);
    const evil = await preflight('https://evil.example.com');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${base}/health`, { headers: { Origin: 'https://evil.example.com' } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('never writes a secret to its logs, even at trace level', async () => {
    const password = `Mật-khẩu-${randomUUID().slice(0, 8)}-Aa1!`;
    const wrong = `Sai-${randomUUID().slice(0, 8)}-Bb2!`;
    const email = `log-${randomUUID().slice(0, 8)}@test.cascade.vn`;
    await bootstrapAdmin(process.env.DATABASE_URL!, email, password, 'Người kiểm tra nhật ký');
    expect((await json('POST', '/auth/login', { email, password: wrong })).status).toBe(401);
    const login = await json('POST', '/auth/login', { email, password });
    expect(login.status).toBe(200);
    const tokens = (await login.json()) as { accessToken: string; refreshToken: string };
    const refreshed = await json('POST', '/auth/refresh', { refreshToken: tokens.refreshToken });
    expect(refreshed.status).toBe(200);
    const pair = (await refreshed.json()) as { accessToken: string; refreshToken: string };
    const bearer = { Authorization: `Bearer ${pair.accessToken}` };
    const unit = await json(
      'POST',
      '/units',
      { code: `LOG-${randomUUID().slice(0, 6)}`, name: 'Đơn vị nhật ký', kind: 'federation' },
      bearer,
    );
    expect(unit.status).toBe(201);
    const unitId = ((await unit.json()) as { id: string }).id;
    const created = await json(
      'POST',
      `/units/${unitId}/api-keys`,
      { name: 'e-office', role: 'clerk' },
      bearer,
    );
    expect(created.status).toBe(201);
    const apiKey = ((await created.json()) as { key: string }).key;
    expect((await fetch(`${base}/units/${unitId}`, { headers: { 'X-API-Key': apiKey } })).status).toBe(200);
    expect(
      (await fetch(`${base}/units/${unitId}`, { headers: { Cookie: `session=${pair.refreshToken}` } }))
        .status,
    ).toBe(401);

    // the requests were logged (so this test can fail) …
    await waitFor(
      'the request log lines',
      async () => output.includes(`/units/${unitId}`) && output.includes('/auth/refresh'),
    );
    expect(output).toContain('[redacted]');
    // … and no secret with them
    for (const secret of [
      password,
      wrong,
      tokens.accessToken,
      tokens.refreshToken,
      pair.accessToken,
      pair.refreshToken,
      apiKey,
      // the secret after `ck_<prefix>_`, whole: base64url may itself hold `_` (split('_')[2] was then a fragment)
      apiKey.slice(`ck_${apiKey.split('_')[1]}_`.length),
      process.env.JWT_SECRET!,
      process.env.SIGNING_KEY_SECRET!,
    ])
      expect(output).not.toContain(secret);
  });
});
