/**
 * The outbox's delivery under faults (issue 20), against a real SMTP server started in-process: a server that hangs
 * on one recipient holds one delivery lane, not the others, and the SMTP timeouts end the hang; a recipient the server
 * refuses (550) is kept as dead, counted by `/health`, not dropped; a row claimed by a worker that crashed is sent once
 * its lease runs out, with the Message-ID derived from its dedupe key.
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { SMTPServer } from 'smtp-server';
import { startApi, startWorker } from './support/apps';
import { waitFor } from './support/wait-for';

jest.setTimeout(120_000);

interface Mail {
  to: string[];
  data: string;
  /** Whether a session was hanging on the hanging recipient when this mail arrived. */
  whileHanging: boolean;
}

const SMTP_TIMEOUT_MS = 6000;
let smtp: SMTPServer;
const mails: Mail[] = [];
const hanging = new Set<string>();
let api: INestApplication;
let worker: INestApplicationContext;
let pg: PgClient;
const run = randomUUID().slice(0, 8);
const saved = { ...process.env };
const ENV = {
  SMTP_FROM: 'Cascade <no-reply@test.cascade.vn>',
  OUTBOX_POLL_MS: '100',
  OUTBOX_CONCURRENCY: '3',
  SMTP_TIMEOUT_MS: String(SMTP_TIMEOUT_MS),
};

const messageIdOf = (dedupeKey: string) =>
  `<${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 40)}@test.cascade.vn>`;

async function enqueue(
  email: string,
  extra: { claimedBy?: string; leaseMs?: number; attempts?: number } = {},
): Promise<{ id: string; dedupeKey: string; claimedUntil: Date | null }> {
  const dedupeKey = `test/${run}/${email}`;
  const rows = await pg.query(
    `INSERT INTO notification_outbox (kind, recipient_email, subject, body, dedupe_key, claimed_by, claimed_until, attempts)
     VALUES ('test', $1, 'Kiểm tra', 'Nội dung', $2, $3, now() + make_interval(secs => $4::float8 / 1000), $5)
     RETURNING id::text, claimed_until`,
    [email, dedupeKey, extra.claimedBy ?? null, extra.leaseMs ?? 0, extra.attempts ?? 0],
  );
  return {
    id: rows.rows[0].id,
    dedupeKey,
    claimedUntil: extra.claimedBy ? rows.rows[0].claimed_until : null,
  };
}

const row = async (id: string) =>
  (
    await pg.query(
      `SELECT status, attempts, last_error, sent_at, claimed_by, next_attempt_at > now() AS deferred
         FROM notification_outbox WHERE id = $1`,
      [id],
    )
  ).rows[0];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, session, callback) {
      if (address.address.startsWith('hang-')) {
        hanging.add(session.id); // never answers: the client's socket timeout must end it
        return;
      }
      if (address.address.startsWith('refuse-')) {
        const error = Object.assign(new Error('mailbox unavailable'), { responseCode: 550 });
        return callback(error);
      }
      callback();
    },
    onClose(session) {
      hanging.delete(session.id);
    },
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
          whileHanging: hanging.size > 0,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const { port } = smtp.server.address() as AddressInfo;
  Object.assign(process.env, { ...ENV, SMTP_URL: `smtp://127.0.0.1:${port}` });
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  [api, worker] = await Promise.all([startApi(), startWorker()]);
});

afterAll(async () => {
  // Nothing of this run is left to retry (the hanging one would hang the worker's shutdown for a timeout).
  await pg?.query(
    `UPDATE notification_outbox SET status = 'dead' WHERE dedupe_key LIKE $1 AND status = 'pending'`,
    [`test/${run}/%`],
  );
  await pg?.end();
  await worker?.close();
  await api?.close();
  await new Promise<void>((resolve) => smtp?.close(resolve));
  for (const key of [...Object.keys(ENV), 'SMTP_URL']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

it('a server hanging on one message does not stall the others, and its timeout ends the hang', async () => {
  const stuck = await enqueue(`hang-${run}@test.cascade.vn`);
  await waitFor('the hanging recipient to hold a session', () => hanging.size > 0, { timeoutMs: 30_000 });
  const others: Awaited<ReturnType<typeof enqueue>>[] = [];
  for (const n of [1, 2, 3, 4, 5]) others.push(await enqueue(`ok${n}-${run}@test.cascade.vn`));
  const delivered = await waitFor(
    'the other five mails',
    () => {
      const found = others.map((o) => mails.find((m) => m.data.includes(messageIdOf(o.dedupeKey))));
      return found.every(Boolean) ? (found as Mail[]) : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 50 },
  );
  // Each arrived while the hanging session was still open: the fault was in effect, not over.
  expect(delivered.map((m) => m.whileHanging)).toEqual([true, true, true, true, true]);
  for (const o of others) {
    await waitFor(`row ${o.id} marked sent`, async () => (await row(o.id)).status === 'sent');
  }
  // The hang ends with the socket timeout: the attempt is recorded and the row waits for its retry.
  const failed = await waitFor(
    'the hanging attempt to time out',
    async () => {
      const r = await row(stuck.id);
      return r.last_error ? r : undefined;
    },
    { timeoutMs: 4 * SMTP_TIMEOUT_MS, intervalMs: 100 },
  );
  expect(failed).toMatchObject({
    status: 'pending',
    attempts: 1,
    claimed_by: null,
    sent_at: null,
    deferred: true,
  });
  expect(failed.last_error).toMatch(/time/i);
});

it('a message the server refuses is kept as dead with its error and counted by /health', async () => {
  const before = await request(api.getHttpServer()).get('/health').expect(200);
  const refused = await enqueue(`refuse-${run}@test.cascade.vn`);
  const dead = await waitFor('the refused row to be dead', async () => {
    const r = await row(refused.id);
    return r.status === 'dead' ? r : undefined;
  });
  expect(dead).toMatchObject({ attempts: 1, sent_at: null });
  expect(dead.last_error).toMatch(/550/);
  const health = await request(api.getHttpServer()).get('/health').expect(200);
  expect(health.body.details.outbox).toMatchObject({ status: 'up', pending: expect.any(Number) });
  expect(health.body.details.outbox.dead).toBe((before.body.details.outbox?.dead ?? 0) + 1);
  expect(health.body.warnings).toEqual(
    expect.arrayContaining([expect.stringMatching(/^outbox: \d+ notification/)]),
  );
});

it('a row claimed by a worker that crashed is sent once its lease runs out, as the same message', async () => {
  // A worker claimed it (attempt 1), perhaps sent it, and died before marking it: its lease still runs 2 s.
  const email = `crashed-${run}@test.cascade.vn`;
  const claimed = await enqueue(email, { claimedBy: 'crashed-worker', leaseMs: 2000, attempts: 1 });
  const sent = await waitFor(
    'the row to be sent by the live worker',
    async () => {
      const r = await row(claimed.id);
      return r.status === 'sent' ? r : undefined;
    },
    { timeoutMs: 30_000 },
  );
  // Not before the lease ran out: the live worker (polling every 100 ms) waited for it.
  expect(new Date(sent.sent_at).getTime()).toBeGreaterThanOrEqual(claimed.claimedUntil!.getTime());
  expect(sent).toMatchObject({ attempts: 2, claimed_by: null });
  const received = mails.filter((m) => m.to.includes(email));
  expect(received).toHaveLength(1);
  expect(received[0].data).toContain(`Message-ID: ${messageIdOf(claimed.dedupeKey)}`);
});
