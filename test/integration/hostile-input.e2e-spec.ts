/**
 * Hostile input against every endpoint of the OpenAPI document: property-based (fast-check) requests with invalid and
 * random path parameters, queries and bodies — SQL-looking strings, path traversal, NFD, zero-width and bidi
 * characters, huge numbers, wrong types — as an administrator who passes every guard, as a stranger and unsigned.
 * Never a 5xx; every error in the error shape; a request answered 4xx writes nothing (a fingerprint of every table
 * of the domain is the same before and after). Then the classics: oversized bodies, deep JSON, wrong content types.
 *
 * It runs on a database and a task queue of its own: the fingerprint counts whole tables twice per request, and on the
 * shared test database (10,000 users, national-scale directives from the other specs) that alone outgrew the run.
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { dropDatabase, ensureDatabase, runMigrations } from '@cascade/persistence';
import { startApi, startWorker } from './support/apps';
import { newKey } from './support/ids';
import { auth, buildOrg, type Org } from './support/org';

jest.setTimeout(600_000);

/** Requests sent by the property: at least 10,000 over the run (the bar), spread over every operation. */
const RUNS = Number(process.env.HOSTILE_RUNS ?? 10_000);

let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
let pg: PgClient;
let draftId: string;
const http = () => request(api.getHttpServer());

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  params: string[];
  query: string[];
  bodyKeys: string[] | null;
}
let operations: Operation[] = [];

/** What a 4xx answer must leave unchanged: row counts and the newest rows of every table of the domain. */
const FINGERPRINT = `SELECT concat_ws(',',
  (SELECT count(*) FROM unit), (SELECT max(version) FROM unit), (SELECT count(*) FROM app_user),
  (SELECT count(*) FROM membership), (SELECT count(*) FROM api_key), (SELECT count(*) FROM directive),
  (SELECT coalesce(sum(version), 0) FROM directive), (SELECT count(*) FROM directive_event),
  (SELECT count(*) FROM routing_node), (SELECT count(*) FROM report), (SELECT count(*) FROM unit_move),
  (SELECT count(*) FROM calendar_day), (SELECT coalesce(sum(revision), 0) FROM calendar_year),
  (SELECT count(*) FROM reporting_cycle)) AS f`;
const fingerprint = async () => (await pg.query<{ f: string }>(FINGERPRINT)).rows[0].f;

const HOSTILE = [
  "' OR 1=1 --",
  "'; DROP TABLE unit; --",
  '"; SELECT pg_sleep(10); --',
  '../../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '\u202Egnp.exe\u202C',
  'Lie\u0302n \u0111oa\u0300n lao \u0111o\u0323\u0302ng',
  'a\u200Bb\u200Cc\u200Dd\u2060e\uFEFF',
  '\u0000\u0001\u001F',
  '𝕮𝖆𝖘𝖈𝖆𝖉𝖊 🏛️👩🏽‍💼',
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/x}',
  '%00',
  '%',
  'NaN',
  '-1',
  '1e309',
  '9'.repeat(400),
  '00000000-0000-0000-0000-000000000000',
  '{"$gt":""}',
  '__proto__',
  'constructor',
];
const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 2000, maxLength: 6000 }) },
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(-1, 0, 2 ** 31, Number.MAX_SAFE_INTEGER, -0),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(text, fc.constantFrom('__proto__', 'constructor')), tie('v'), { maxKeys: 4 }),
  ),
})).v;

let databaseUrl: string;

beforeAll(async () => {
  databaseUrl = `${process.env.DATABASE_URL}_hostile`;
  await dropDatabase(databaseUrl);
  await ensureDatabase(databaseUrl);
  await runMigrations(databaseUrl);
  // Jest gives each spec file its own copy of process.env: the API, the worker and buildOrg read these
  process.env.DATABASE_URL = databaseUrl;
  process.env.TEMPORAL_TASK_QUEUE = `${process.env.TEMPORAL_TASK_QUEUE}-hostile`;
  // the whole stack, worker included: a generated request that happens to be valid (a probe, a draft) completes
  [api, worker] = await Promise.all([startApi(), startWorker()]);
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  draftId = (
    await http()
      .post('/directives')
      .set(auth(org.admin))
      .set('Idempotency-Key', newKey())
      .send({
        issuerId: org.ids.A,
        type: 'KH',
        subject: 'Kế hoạch thử',
        tasks: ['Triển khai.'],
        addressees: { mode: 'children' },
      })
      .expect(201)
  ).body.id;
  const doc = (await http().get('/openapi.json').expect(200)).body as {
    paths: Record<
      string,
      Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown }>
    >;
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
  };
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods)) {
      // signing out would end the session the property runs as
      if (path === '/auth/logout') continue;
      const ref = JSON.stringify(op.requestBody ?? '').match(/#\/components\/schemas\/(\w+)/)?.[1];
      operations.push({
        method: method as Operation['method'],
        path,
        params: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        bodyKeys: ref
          ? Object.keys(doc.components.schemas[ref]?.properties ?? {})
          : op.requestBody
            ? []
            : null,
      });
    }
  operations = operations.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
});

afterAll(async () => {
  await pg?.end();
  await worker?.close();
  await api?.close();
  if (databaseUrl) await dropDatabase(databaseUrl);
});

describe('hostile input', () => {
  it('covers the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThan(60);
    expect(operations.map((o) => `${o.method.toUpperCase()} ${o.path}`)).toEqual(
      expect.arrayContaining([
        'POST /directives',
        'POST /directives/import',
        'POST /units/import',
        'POST /auth/login',
      ]),
    );
  });

  it(`never answers 5xx, always in the error shape, and writes nothing on 4xx (${RUNS} requests)`, async () => {
    const seen = new Map<string, Record<number, number>>();
    const param = fc.oneof(
      fc.constantFrom(org.ids.A, org.ids.A1, org.ids.X, draftId),
      fc.uuid(),
      text.filter((s) => s.length > 0 && s.length < 300),
    );
    const requestArb = fc.record({
      op: fc.nat({ max: operations.length - 1 }),
      params: fc.array(param, { minLength: 4, maxLength: 4 }),
      // long values mostly stay under Node's 16 KB of request line and headers (over it: 431 before the app)
      query: fc.dictionary(
        fc.oneof(fc.constantFrom('unitId', 'cycle', 'limit', 'cursor', 'q', 'at', 'format'), text),
        fc.oneof({ weight: 19, arbitrary: text.map((s) => s.slice(0, 200)) }, { weight: 1, arbitrary: text }),
        { maxKeys: 4 },
      ),
      keys: fc.func(fc.boolean()),
      values: fc.array(value, { minLength: 12, maxLength: 12 }),
      anything: value,
      shaped: fc.boolean(),
      who: fc.constantFrom('admin', 'admin', 'admin', 'stranger', 'nobody', 'garbage'),
      // a header carries visible ASCII only (the client refuses anything else before sending)
      idem: fc.oneof(
        fc.uuid(),
        text.map((s) => s.replace(/[^\x21-\x7e]/g, '')),
      ),
    });
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const op = operations[r.op];
        let path = op.path;
        op.params.forEach(
          (name, i) => (path = path.replace(`{${name}}`, encodeURIComponent(String(r.params[i % 4])))),
        );
        const query = Object.fromEntries(
          Object.entries(r.query).map(([k, v], i) => [op.query[i % Math.max(1, op.query.length)] ?? k, v]),
        );
        let body: unknown;
        if (op.bodyKeys !== null)
          body =
            r.shaped && op.bodyKeys.length
              ? Object.fromEntries(op.bodyKeys.filter((k) => r.keys(k)).map((k, i) => [k, r.values[i % 12]]))
              : r.anything;
        const token =
          r.who === 'admin'
            ? org.admin
            : r.who === 'stranger'
              ? org.tokens.specialist
              : r.who === 'garbage'
                ? 'eyJhbGciOiJub25lIn0.e30.'
                : null;
        const before = await fingerprint();
        let req = http()[op.method](path).query(query).set('Idempotency-Key', String(r.idem).slice(0, 300));
        if (token) req = req.set(auth(token));
        const res = await (body === undefined
          ? req
          : req.set('Content-Type', 'application/json').send(JSON.stringify(body) ?? 'null'));
        const counts = seen.get(`${op.method.toUpperCase()} ${op.path}`) ?? {};
        counts[res.status] = (counts[res.status] ?? 0) + 1;
        seen.set(`${op.method.toUpperCase()} ${op.path}`, counts);
        if (res.status >= 500)
          throw new Error(
            `${op.method} ${path} → ${res.status} ${JSON.stringify(res.body)} after ${JSON.stringify(body)?.slice(0, 2000)}`,
          );
        if (res.status >= 400) {
          const said = `${op.method} ${op.path} (${path}) → ${res.status} ${res.headers['content-type']} ${res.text.slice(0, 300)}`;
          if (!/^application\/json/.test(res.headers['content-type'] ?? ''))
            throw new Error(`not JSON: ${said}`);
          if (typeof res.body.error?.code !== 'string' || typeof res.body.error?.message !== 'string')
            throw new Error(`not the error shape: ${said}`);
          if (/\n\s+at |QueryFailedError|node_modules/.test(res.text))
            throw new Error(`a stack trace: ${said}`);
          if (op.method !== 'get' && !op.path.startsWith('/auth/') && (await fingerprint()) !== before)
            throw new Error(`a 4xx that wrote: ${said}`);
        }
      }),
      {
        numRuns: RUNS,
        endOnFailure: true,
        // a failure's seed and path replay it: HOSTILE_SEED=-1838000643 HOSTILE_PATH=7918
        ...(process.env.HOSTILE_SEED
          ? { seed: Number(process.env.HOSTILE_SEED), path: process.env.HOSTILE_PATH }
          : {}),
      },
    );
    // every operation was exercised; the answers by status go to .data/ for the README's figures
    expect(seen.size).toBe(operations.length);
    const byStatus: Record<number, number> = {};
    for (const counts of seen.values())
      for (const [status, n] of Object.entries(counts)) byStatus[+status] = (byStatus[+status] ?? 0) + n;
    mkdirSync(join(__dirname, '..', '..', '.data'), { recursive: true });
    writeFileSync(
      join(__dirname, '..', '..', '.data', 'hostile-input.json'),
      JSON.stringify(
        { requests: RUNS, operations: operations.length, byStatus, byOperation: Object.fromEntries(seen) },
        null,
        2,
      ),
    );
    expect(Object.keys(byStatus).every((s) => +s < 500)).toBe(true);
  });

  it("refuses the names of an object's own members as fields on every operation with a body", async () => {
    // a body of {"constructor": null} once reached class-validator as the object's class (500 on a batch route)
    const answers: string[] = [];
    for (const op of operations.filter((o) => o.bodyKeys !== null))
      for (const body of [
        '{"constructor": null}',
        '{"__proto__": null}',
        '{"prototype": 1, "toString": 2}',
      ]) {
        let path = op.path;
        for (const name of op.params) path = path.replace(`{${name}}`, org.ids.A);
        const res = await http()
          [op.method](path)
          .set(auth(org.admin))
          .set('Idempotency-Key', newKey())
          .set('Content-Type', 'application/json')
          .send(body);
        if (res.status >= 500 || (res.status >= 400 && typeof res.body?.error?.code !== 'string'))
          answers.push(`${op.method} ${op.path} ${body} → ${res.status} ${res.text.slice(0, 200)}`);
      }
    expect(answers).toEqual([]);
  });

  it('answers oversized bodies, deep JSON, wrong content types and malformed JSON with 4xx', async () => {
    const draft = (type: string, body: string | object) =>
      http()
        .post('/directives')
        .set(auth(org.admin))
        .set('Idempotency-Key', newKey())
        .set('Content-Type', type)
        .send(body);
    const cases: [request.Test, number, string][] = [
      [draft('application/json', { subject: 'x'.repeat(2 * 1024 * 1024) }), 413, 'PAYLOAD_TOO_LARGE'],
      [draft('application/json', '['.repeat(100_000) + ']'.repeat(100_000)), 400, 'VALIDATION_FAILED'],
      [
        draft('application/json', '{"issuerId": '.repeat(20_000) + '1' + '}'.repeat(20_000)),
        400,
        'VALIDATION_FAILED',
      ],
      [draft('text/html', '<h1>x</h1>'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [draft('application/json', '{"subject": "x",'), 400, 'MALFORMED_JSON'],
      [
        http()
          .get(
            `/registers/outgoing?unitId=${org.ids.A}&q=${encodeURIComponent("' OR 1=1; DROP TABLE directive; --")}`,
          )
          .set(auth(org.admin)),
        200,
        '',
      ],
    ];
    for (const [req, status, code] of cases) {
      const res = await req;
      if (code) expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
      else expect(res.status).toBe(status);
    }
    expect(Number((await pg.query('SELECT count(*) FROM directive')).rows[0].count)).toBeGreaterThan(0);
  });
});
