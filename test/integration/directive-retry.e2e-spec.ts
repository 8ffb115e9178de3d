/**
 * A retried `POST /directives` finds its own directive and workflow (issue 20): the directive's id is a UUID v5 of
 * the caller and the Idempotency-Key, so a start that timed out at the client (its workflow started, or its answer
 * lost with the process) is not left as an orphan next to a second directive.
 */
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { Client, Connection } from '@temporalio/client';
import { directiveWorkflowId } from '@cascade/contracts';
import { directiveIdFor, startDirectiveWorkflow } from '@cascade/temporal';
import { startApi } from './support/apps';
import { newKey } from './support/ids';
import { auth, buildOrg, type Org } from './support/org';

jest.setTimeout(120_000);

let api: INestApplication;
let org: Org;
let pg: PgClient;
let connection: Connection;
let temporal: Client;

beforeAll(async () => {
  api = await startApi();
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
  temporal = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
});

afterAll(async () => {
  await pg?.end();
  await connection?.close();
  await api?.close();
});

const body = (subject = 'Thông báo lịch họp') => ({
  issuerId: org.ids.A,
  type: 'TB',
  subject,
  tasks: ['Dự họp.'],
  addressees: { mode: 'children' },
});
const draft = (key: string, subject?: string) =>
  request(api.getHttpServer())
    .post('/directives')
    .set(auth(org.tokens.clerk))
    .set('Idempotency-Key', key)
    .send(body(subject));
const runOf = async (id: string) =>
  (await temporal.workflow.getHandle(directiveWorkflowId(id)).describe()).runId;
const directives = async (id: string) =>
  (await pg.query(`SELECT count(*)::int AS n FROM directive WHERE id = $1`, [id])).rows[0].n as number;

it('a retry after the first answer was lost answers the same directive, with its one workflow', async () => {
  const key = newKey();
  const first = await draft(key).expect(201);
  expect(first.body.id).toBe(directiveIdFor(`user:${org.userIds.clerk}`, key));
  expect(first.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-/);
  const run = await runOf(first.body.id);
  // The client timed out; the API process died before it stored the answer; the claim's lease ran out.
  await pg.query(
    `UPDATE idempotency_record SET status = NULL, response = NULL, created_at = now() - interval '1 hour' WHERE key = $1`,
    [key],
  );
  const retried = await draft(key).expect(201);
  expect(retried.headers['idempotent-replayed']).toBeUndefined(); // it ran again, and found its directive
  expect(retried.body.id).toBe(first.body.id);
  expect(await directives(first.body.id)).toBe(1);
  expect(await runOf(first.body.id)).toBe(run);
  const drafted = await pg.query(
    `SELECT count(*)::int AS n FROM directive_event WHERE directive_id = $1 AND action = 'drafted'`,
    [first.body.id],
  );
  expect(drafted.rows[0].n).toBe(1);

  // The key's record purged (a day later), the same key with another body is refused, not a second directive.
  await pg.query(`DELETE FROM idempotency_record WHERE key = $1`, [key]);
  const reused = await draft(key, 'Một thông báo khác');
  expect({ status: reused.status, code: reused.body.error?.code }).toEqual({
    status: 409,
    code: 'IDEMPOTENCY_KEY_REUSED',
  });
  expect(await directives(first.body.id)).toBe(1);
});

it('a retry of a start that reached Temporal but timed out at the API finds the workflow it started', async () => {
  const key = newKey();
  const id = directiveIdFor(`user:${org.userIds.clerk}`, key);
  // The first attempt: its start reached Temporal, the answer did not; the API undid the draft and failed.
  await startDirectiveWorkflow(temporal, process.env.TEMPORAL_TASK_QUEUE!, directiveWorkflowId(id), {
    directiveId: id,
    issuerId: org.ids.A,
    reviewReminderSeconds: 86_400,
    maxReminders: 10,
    dispatchBatchSize: 1000,
    ackReminderSeconds: 86_400,
  });
  const orphan = await runOf(id);
  expect(await directives(id)).toBe(0);
  const retried = await draft(key).expect(201);
  expect(retried.body.id).toBe(id);
  expect(await directives(id)).toBe(1);
  expect(await runOf(id)).toBe(orphan); // no second workflow: the orphan is the directive's own
});
