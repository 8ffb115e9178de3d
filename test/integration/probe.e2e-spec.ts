/**
 * The vertical slice end to end: HTTP → workflow start → activity → row in PostgreSQL → query → update, against the
 * real Temporal dev server, PostgreSQL, worker and API.
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Worker } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { probeWorkflowId } from '@cascade/contracts';
import { workflowBundleOptions } from '@cascade/temporal';
import { startApi, startWorker } from './support/apps';
import { auth, buildOrg, systemAdmin } from './support/org';
import { newKey } from './support/ids';
import { waitFor } from './support/wait-for';

jest.setTimeout(120_000);

describe('probe: the vertical slice', () => {
  let api: INestApplication;
  let worker: INestApplicationContext;
  let pg: PgClient;
  let token: string;

  beforeAll(async () => {
    [api, worker] = await Promise.all([startApi(), startWorker()]);
    pg = new PgClient({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
    token = (await systemAdmin(api)).token;
  });

  afterAll(async () => {
    await pg?.end();
    await api?.close();
    await worker?.close();
  });

  const http = () => request(api.getHttpServer());

  async function startProbe(key: string, message: string) {
    return http().post('/probes').set(auth(token)).set('Idempotency-Key', key).send({ message });
  }

  async function waitRecorded(id: string) {
    return waitFor(`probe ${id} to be recorded`, async () => {
      const res = await http().get(`/probes/${id}`).set(auth(token));
      return res.status === 200 && res.body.status === 'recorded' ? res.body : undefined;
    });
  }

  it('starts a workflow whose activity writes a row, and reads its state back through a query', async () => {
    const key = newKey();
    const started = await startProbe(key, '  Kiểm\u00a0tra   kết nối ');
    expect(started.status).toBe(201);
    expect(started.body.id).toMatch(/^prb_[0-9a-f]{24}$/);
    expect(started.body.message).toBe('Kiểm tra kết nối'); // normalized: NBSP and runs of spaces
    expect(started.body.workflowId).toBe(probeWorkflowId(started.body.id));

    const recorded = await waitRecorded(started.body.id);
    expect(recorded.persisted).toBe(true);
    expect(Date.parse(recorded.recordedAt)).not.toBeNaN();

    const rows = await pg.query('SELECT message, status, workflow_id FROM probe WHERE id = $1', [
      started.body.id,
    ]);
    expect(rows.rows).toEqual([
      { message: 'Kiểm tra kết nối', status: 'recorded', workflow_id: probeWorkflowId(started.body.id) },
    ]);

    const finishKey = newKey('finish');
    const finished = await http()
      .post(`/probes/${started.body.id}/finish`)
      .set(auth(token))
      .set('Idempotency-Key', finishKey)
      .send({ note: 'Đã nhận' });
    expect(finished.status).toBe(200);
    expect(finished.body).toMatchObject({ status: 'finished', note: 'Đã nhận', persisted: true });

    const row = await pg.query('SELECT status, note, finished_at FROM probe WHERE id = $1', [
      started.body.id,
    ]);
    expect(row.rows[0]).toMatchObject({ status: 'finished', note: 'Đã nhận' });
    expect(row.rows[0].finished_at).toBeInstanceOf(Date);

    // A retry of the same finish gets the same answer; a different finish is a conflict.
    const retried = await http()
      .post(`/probes/${started.body.id}/finish`)
      .set(auth(token))
      .set('Idempotency-Key', finishKey)
      .send({ note: 'Đã nhận' });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual(finished.body);
    const other = await http()
      .post(`/probes/${started.body.id}/finish`)
      .set(auth(token))
      .set('Idempotency-Key', newKey('finish'))
      .send({ note: 'khác' });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('PROBE_ALREADY_FINISHED');
  });

  it('is idempotent under retry: the same key starts one workflow and writes one row', async () => {
    const key = newKey();
    const responses = await Promise.all([1, 2, 3].map(() => startProbe(key, 'một lần')));
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201]);
    const ids = new Set(responses.map((r) => r.body.id as string));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    await waitRecorded(id);
    const count = await pg.query('SELECT count(*)::int AS n FROM probe WHERE id = $1', [id]);
    expect(count.rows[0].n).toBe(1);

    const conflict = await startProbe(key, 'một nội dung khác');
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(conflict.body.error.message).toContain('Idempotency-Key');
  });

  it('refuses requests without credentials', async () => {
    const res = await http().post('/probes').set('Idempotency-Key', newKey()).send({ message: 'x' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('answers bad input with a 4xx naming the field, and writes nothing', async () => {
    const before = await pg.query('SELECT count(*)::int AS n FROM probe');

    const missingKey = await http().post('/probes').set(auth(token)).send({ message: 'x' });
    expect(missingKey.status).toBe(400);
    expect(missingKey.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');

    const badKey = await http()
      .post('/probes')
      .set(auth(token))
      .set('Idempotency-Key', 'short')
      .send({ message: 'x' });
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.code).toBe('IDEMPOTENCY_KEY_INVALID');

    const wrongType = await startProbe(newKey(), 42 as unknown as string);
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.code).toBe('VALIDATION_FAILED');
    expect(wrongType.body.error.details).toEqual([expect.objectContaining({ field: 'message' })]);

    const blank = await startProbe(newKey(), ' \u00a0\t ');
    expect(blank.status).toBe(400);
    expect(blank.body.error.message).toMatch(/^message:/);

    const unknownField = await http()
      .post('/probes')
      .set(auth(token))
      .set('Idempotency-Key', newKey())
      .send({ message: 'x', admin: true });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.details).toEqual([expect.objectContaining({ field: 'admin' })]);

    const tooLong = await startProbe(newKey(), 'a'.repeat(501));
    expect(tooLong.status).toBe(400);

    const malformed = await http()
      .post('/probes')
      .set(auth(token))
      .set('Idempotency-Key', newKey())
      .set('Content-Type', 'application/json')
      .send('{"message": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ error: { code: 'MALFORMED_JSON', message: 'body: not valid JSON' } });

    const textBody = await http()
      .post('/probes')
      .set(auth(token))
      .set('Idempotency-Key', newKey())
      .set('Content-Type', 'text/plain')
      .send('message=x');
    expect(textBody.status).toBe(415);
    expect(textBody.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');

    const huge = await http()
      .post('/probes')
      .set(auth(token))
      .set('Idempotency-Key', newKey())
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ message: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');

    const notFound = await http().get('/probes/prb_000000000000000000000000').set(auth(token));
    expect(notFound.status).toBe(404);
    expect(notFound.body.error.code).toBe('PROBE_NOT_FOUND');
    const garbage = await http().get('/probes/..%2F..%2Fetc').set(auth(token));
    expect(garbage.status).toBe(404);

    const badNote = await http()
      .post('/probes/prb_000000000000000000000000/finish')
      .set(auth(token))
      .set('Idempotency-Key', newKey())
      .send({ note: '' });
    expect(badNote.status).toBe(400);
    expect(badNote.body.error.details).toEqual([expect.objectContaining({ field: 'note' })]);

    const noRoute = await http().get('/nowhere');
    expect(noRoute.status).toBe(404);
    expect(noRoute.body.error.code).toBe('NOT_FOUND');

    for (const res of [missingKey, wrongType, malformed, textBody, huge, notFound, noRoute]) {
      expect(JSON.stringify(res.body)).not.toMatch(/\bat .+\.(ts|js):\d+/); // never a stack trace
    }
    const after = await pg.query('SELECT count(*)::int AS n FROM probe');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const given = await http().get('/health').set('X-Request-Id', 'req-abc.123');
    expect(given.headers['x-request-id']).toBe('req-abc.123');
    const made = await http().get('/health').set('X-Request-Id', 'bad id with spaces');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('publishes the OpenAPI document and a docs page', async () => {
    const doc = await http().get('/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/health', '/probes', '/probes/{id}', '/probes/{id}/finish']),
    );
    const page = await http().get('/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger');
  });

  it("replays the finished probe's history against the current workflow code", async () => {
    const key = newKey();
    const started = await startProbe(key, 'replay me');
    await waitRecorded(started.body.id);
    await http()
      .post(`/probes/${started.body.id}/finish`)
      .set(auth(token))
      .set('Idempotency-Key', newKey())
      .send({ note: 'xong' })
      .expect(200);

    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
    try {
      const handle = new Client({ connection }).workflow.getHandle(probeWorkflowId(started.body.id));
      await handle.result();
      const history = await handle.fetchHistory();
      const { workflowsPath, webpackConfigHook } = workflowBundleOptions();
      await expect(
        Worker.runReplayHistory(
          { workflowsPath, bundlerOptions: { webpackConfigHook } },
          history,
          handle.workflowId,
        ),
      ).resolves.toBeUndefined();
    } finally {
      await connection.close();
    }
  });

  it('is for system administrators only: anyone else is refused alike, whichever probe the route names', async () => {
    const org = await buildOrg(api);
    const mine = await startProbe(newKey(), 'an operator’s probe');
    expect(mine.status).toBe(201);
    for (const who of [org.tokens.clerk, org.tokens.admin, org.tokens.leader]) {
      const started = await http()
        .post('/probes')
        .set(auth(who))
        .set('Idempotency-Key', newKey())
        .send({ message: 'x' });
      const read = await http().get(`/probes/${mine.body.id}`).set(auth(who));
      const unknown = await http().get('/probes/prb_000000000000000000000000').set(auth(who));
      const finished = await http()
        .post(`/probes/${mine.body.id}/finish`)
        .set(auth(who))
        .set('Idempotency-Key', newKey())
        .send({});
      for (const res of [started, read, unknown, finished])
        expect([res.status, res.body.error?.code]).toEqual([403, 'SYSTEM_ADMIN_ONLY']);
      expect(read.body).toEqual(unknown.body);
    }
    expect((await pg.query(`SELECT count(*)::int AS n FROM probe WHERE message = 'x'`)).rows[0].n).toBe(0);
  });
});
