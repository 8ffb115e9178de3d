/**
 * Live updates by server-sent events on the real stack: a short-lived ticket from an authenticated POST opens the
 * stream (never the token in the URL); another user's change reaches an open stream within a deadline; a caller is
 * never told of a directive it may not see.
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { get as httpGet, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startApi, startWorker } from './support/apps';
import { newKey } from './support/ids';
import { desk, issue as issueBy, type Desk } from './support/desk';
import { addMember, auth, buildOrg, importUnitsUnderA, type Org } from './support/org';
import { waitFor } from './support/wait-for';

jest.setTimeout(240_000);

let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
let port: number;
const http = () => request(api.getHttpServer());
const post = (path: string, token: string, body: object) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);
const member = (unitId: string, role: string, extra: object = {}) => addMember(api, org, unitId, role, extra);

let id: Record<string, string>;
let clerk: string;
let secretariat: Desk;
const open: IncomingMessage[] = [];

async function issue(subject: string, unitIds: string[]): Promise<string> {
  return issueBy(api, secretariat, {
    issuerId: id.P,
    type: 'CV',
    subject,
    tasks: ['Triển khai.'],
    addressees: { mode: 'units', unitIds },
  });
}

/** Opens a stream with a fresh ticket; its `changed` notices collect in `notices`, in order. */
async function stream(token: string): Promise<{ directiveId: string; kind: string }[]> {
  const { ticket } = (await post('/events/ticket', token, {}).expect(200)).body as { ticket: string };
  const notices: { directiveId: string; kind: string }[] = [];
  const res = await new Promise<IncomingMessage>((resolve, reject) =>
    httpGet(`http://127.0.0.1:${port}/events/stream?ticket=${encodeURIComponent(ticket)}`, resolve).on(
      'error',
      reject,
    ),
  );
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
  open.push(res);
  let buffer = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffer += chunk;
    let at: number;
    while ((at = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (/^event: changed$/m.test(block) && data) notices.push(JSON.parse(data));
    }
  });
  return notices;
}

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi(), startWorker()]);
  await api.listen(0, '127.0.0.1');
  port = (api.getHttpServer().address() as AddressInfo).port;
  org = await buildOrg(api);
  id = await importUnitsUnderA(api, org, [
    ['P', 'federation', null],
    ['G1', 'grassroots_union', 'P'],
    ['G2', 'grassroots_union', 'P'],
  ]);
  secretariat = await desk(api, org, id.P);
  clerk = secretariat.clerk.token;
});

afterAll(async () => {
  for (const res of open) res.destroy();
  await worker?.close();
  await api?.close();
});

describe('live updates', () => {
  it('pushes changes to those who may see them, within a deadline, and to no one else', async () => {
    // the stream opens only with a ticket: not without, not with the access token itself
    const g1 = (await member(id.G1, 'clerk')).token;
    const g2 = (await member(id.G2, 'clerk')).token;
    await http().get('/events/stream').expect(400);
    await http().get(`/events/stream?ticket=${g1}`).expect(401);
    await http().get('/events/stream?ticket=garbage').expect(401);
    await http().post('/events/ticket').expect(401);

    const toG1 = await issue('Công văn gửi G1', [id.G1]);
    const toG2 = await issue('Công văn gửi G2', [id.G2]);
    const issuerSees = await stream(clerk);
    const g2Sees = await stream(g2);

    // another user's change (G1 acknowledges) reaches the issuer's open stream within the deadline
    const started = Date.now();
    await post(`/directives/${toG1}/acknowledge`, g1, { unitId: id.G1, decision: 'accept' }).expect(200);
    await waitFor(
      "the issuer's notice",
      async () => issuerSees.some((n) => n.directiveId === toG1 && n.kind === 'acknowledged'),
      { timeoutMs: 5_000 },
    );
    const took = Date.now() - started;
    expect(took).toBeLessThan(5_000);

    // G2 may not see G1's directive: a later change it may see arrives, G1's never did (a stream keeps their order)
    await post(`/directives/${toG2}/acknowledge`, g2, { unitId: id.G2, decision: 'accept' }).expect(200);
    await waitFor(
      'G2 notice',
      async () => g2Sees.some((n) => n.directiveId === toG2 && n.kind === 'acknowledged'),
      {
        timeoutMs: 5_000,
      },
    );
    expect(g2Sees.filter((n) => n.directiveId === toG1)).toEqual([]);
    // the issuer's own stream gets G2's change too (each stream on its own: waited for, not assumed to be there yet)
    await waitFor(
      "the issuer's notice of G2",
      async () => issuerSees.some((n) => n.directiveId === toG2 && n.kind === 'acknowledged'),
      { timeoutMs: 5_000 },
    );
  });
});
