/**
 * Notifications leave through the outbox: a reviewer who has not decided is reminded by a workflow timer, the
 * reminder is written with its e-mail in one transaction, and the worker delivers it over SMTP — here to a real SMTP
 * server that the test starts on a free port.
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { SMTPServer } from 'smtp-server';
import { Client, Connection } from '@temporalio/client';
import { directiveWorkflowId } from '@cascade/contracts';
import { startApi, startWorker } from './support/apps';
import { newKey } from './support/ids';
import { auth, buildOrg, login, PASSWORD, type Org } from './support/org';
import { waitFor } from './support/wait-for';

jest.setTimeout(120_000);

interface Mail {
  from: string;
  to: string[];
  data: string;
}

let smtp: SMTPServer;
const mails: Mail[] = [];
let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
let pg: PgClient;
const saved = { ...process.env };

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const { port } = smtp.server.address() as AddressInfo;
  // The worker reads its configuration from the environment, as in production.
  Object.assign(process.env, {
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    SMTP_FROM: 'Cascade <no-reply@test.cascade.vn>',
    OUTBOX_POLL_MS: '200',
  });
  [api, worker] = await Promise.all([
    startApi({ REVIEW_REMINDER_SECONDS: '1', ACK_REMINDER_SECONDS: '1' }),
    startWorker(),
  ]);
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
});

afterAll(async () => {
  await pg?.end();
  await api?.close();
  await worker?.close();
  await new Promise<void>((resolve) => smtp?.close(resolve));
  for (const key of ['SMTP_URL', 'SMTP_FROM', 'OUTBOX_POLL_MS']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

it('e-mails a reminder to the reviewer who has not decided, once per reminder', async () => {
  const http = () => request(api.getHttpServer());
  const email = `reviewer-${randomUUID().slice(0, 6)}@test.cascade.vn`;
  const reviewer = await http()
    .post('/users')
    .set(auth(org.admin))
    .set('Idempotency-Key', newKey())
    .send({
      email,
      name: 'Lê Văn Duyệt',
      password: PASSWORD,
      membership: { unitId: org.ids.A, role: 'leader', authority: 'KT. CHỦ TỊCH', position: 'PHÓ CHỦ TỊCH' },
    })
    .expect(201);
  await http()
    .put(`/units/${org.ids.A}/review-chain`)
    .set(auth(org.tokens.admin))
    .send({ reviewerIds: [reviewer.body.id] })
    .expect(200);
  const created = await http()
    .post('/directives')
    .set(auth(org.tokens.clerk))
    .set('Idempotency-Key', newKey())
    .send({
      issuerId: org.ids.A,
      type: 'TB',
      subject: 'Thông báo lịch họp Ban Thường vụ',
      tasks: ['Dự họp.'],
      addressees: { mode: 'children' },
    })
    .expect(201);
  await http()
    .post(`/directives/${created.body.id}/submit`)
    .set(auth(org.tokens.clerk))
    .set('Idempotency-Key', newKey())
    .send({ version: 1 })
    .expect(200);

  const mail = await waitFor('the reminder e-mail', () => mails.find((m) => m.to.includes(email)), {
    timeoutMs: 60_000,
    intervalMs: 100,
  });
  expect(mail.from).toBe('no-reply@test.cascade.vn');
  expect(mail.data).toMatch(/Subject: .+/);
  expect(mail.data).toContain('=?UTF-8?'); // the Vietnamese subject is encoded, not mangled
  // The mail can arrive before the worker's transaction records it as sent: wait for the record.
  const row = await waitFor('the outbox row to be marked sent', async () => {
    const rows = await pg.query(
      `SELECT kind, recipient_email, sent_at, attempts FROM notification_outbox WHERE directive_id = $1 ORDER BY id LIMIT 1`,
      [created.body.id],
    );
    return rows.rows[0]?.sent_at ? rows.rows[0] : undefined;
  });
  expect(row).toMatchObject({ kind: 'review.reminder', recipient_email: email, attempts: 1 });
  // Every reminder event has exactly one e-mail: stop the reminders, then count both in one snapshot.
  await http()
    .post(`/directives/${created.body.id}/cancel`)
    .set(auth(org.tokens.clerk))
    .set('Idempotency-Key', newKey())
    .send({ reason: 'Xong' })
    .expect(200);
  const counts = await pg.query(
    `SELECT (SELECT count(*)::int FROM directive_event WHERE directive_id = $1 AND action = 'review.reminded') AS events,
            (SELECT count(*)::int FROM notification_outbox WHERE directive_id = $1) AS mails`,
    [created.body.id],
  );
  expect(counts.rows[0].events).toBeGreaterThanOrEqual(1);
  expect(counts.rows[0].mails).toBe(counts.rows[0].events);
});

it('reminds the clerks of units that have not acknowledged receipt, until they do', async () => {
  const http = () => request(api.getHttpServer());
  const key = () => ({ 'Idempotency-Key': newKey() });
  const unit = await http()
    .post('/units')
    .set(auth(org.admin))
    .set(key())
    .send({
      code: `${org.prefix}-ACK`,
      name: 'Công đoàn cơ sở chậm xác nhận',
      kind: 'grassroots_union',
      parentId: org.ids.A,
    })
    .expect(201);
  const clerkEmail = `clerk-${randomUUID().slice(0, 6)}@test.cascade.vn`;
  await http()
    .post('/users')
    .set(auth(org.admin))
    .set(key())
    .send({
      email: clerkEmail,
      name: 'Văn thư cơ sở',
      password: PASSWORD,
      membership: { unitId: unit.body.id, role: 'clerk' },
    })
    .expect(201);
  const leaderEmail = `signer-${randomUUID().slice(0, 6)}@test.cascade.vn`;
  const leader = await http()
    .post('/users')
    .set(auth(org.admin))
    .set(key())
    .send({
      email: leaderEmail,
      name: 'Người ký',
      password: PASSWORD,
      membership: { unitId: org.ids.A, role: 'leader', authority: 'TM. BAN THƯỜNG VỤ', position: 'CHỦ TỊCH' },
    })
    .expect(201);
  const leaderToken = await login(api, leaderEmail);
  await http()
    .put(`/units/${org.ids.A}/review-chain`)
    .set(auth(org.tokens.admin))
    .send({ reviewerIds: [leader.body.id] })
    .expect(200);
  const created = await http()
    .post('/directives')
    .set(auth(org.tokens.clerk))
    .set(key())
    .send({
      issuerId: org.ids.A,
      type: 'CV',
      subject: 'V/v xác nhận đã nhận văn bản',
      tasks: ['Xác nhận.'],
      addressees: { mode: 'units', unitIds: [unit.body.id] },
    })
    .expect(201);
  const id = created.body.id as string;
  await http()
    .post(`/directives/${id}/submit`)
    .set(auth(org.tokens.clerk))
    .set(key())
    .send({ version: 1 })
    .expect(200);
  await http()
    .post(`/directives/${id}/review`)
    .set(auth(leaderToken))
    .set(key())
    .send({ version: 1, decision: 'approve' })
    .expect(200);
  await http()
    .post(`/directives/${id}/sign`)
    .set(auth(leaderToken))
    .set(key())
    .send({ version: 1 })
    .expect(200);

  const reminder = await waitFor(
    'the acknowledgement reminder',
    () => mails.find((m) => m.to.includes(clerkEmail)),
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  expect(reminder.data).toMatch(/Subject: .+/);
  const clerkToken = await login(api, clerkEmail);
  await http()
    .post(`/directives/${id}/acknowledge`)
    .set(auth(clerkToken))
    .set(key())
    .send({ unitId: unit.body.id, decision: 'accept' })
    .expect(200);

  // With nobody left to remind, the reminders stop; the directive stays open until its issuer closes it, and then
  // its workflow completes.
  await http()
    .post(`/directives/${id}/close`)
    .set(auth(leaderToken))
    .set(key())
    .send({ reason: 'Đã nhận đủ' })
    .expect(200);
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
  try {
    const handle = new Client({ connection }).workflow.getHandle(directiveWorkflowId(id));
    await waitFor(
      'the directive workflow to complete',
      async () => (await handle.describe()).status.name === 'COMPLETED',
      { timeoutMs: 30_000, intervalMs: 250 },
    );
  } finally {
    await connection.close();
  }
  const events = await pg.query(
    `SELECT data FROM directive_event WHERE directive_id = $1 AND action = 'acknowledgement.reminded' ORDER BY id`,
    [id],
  );
  expect(events.rows.length).toBeGreaterThanOrEqual(1);
  expect(events.rows[0].data).toMatchObject({ round: 1, pending: 1 });
});
