/**
 * "Nhắc ngay" on the real stack: the issuer's clerk or leader reminds one unit of one cycle through the escalation
 * ladder (the rung reaches the unit's inbox), once; others may not; a unit that reported is not reminded (409).
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { startApi, startWorker } from './support/apps';
import { newKey } from './support/ids';
import { desk } from './support/desk';
import { addMember, auth, buildOrg, importUnitsUnderA, type Org } from './support/org';
import { waitFor } from './support/wait-for';

jest.setTimeout(240_000);

let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
const http = () => request(api.getHttpServer());
const post = (path: string, token: string, body: object) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);
const get = (path: string, token: string) => http().get(path).set(auth(token));
const member = (unitId: string, role: string, extra: object = {}) => addMember(api, org, unitId, role, extra);

let id: Record<string, string>;
let clerk: string;
let leader: string;

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi(), startWorker()]);
  org = await buildOrg(api);
  id = await importUnitsUnderA(api, org, [
    ['P', 'federation', null],
    ['G1', 'grassroots_union', 'P'],
    ['G2', 'grassroots_union', 'P'],
  ]);
  const secretariat = await desk(api, org, id.P);
  clerk = secretariat.clerk.token;
  leader = secretariat.leader.token;
});

afterAll(async () => {
  await worker?.close();
  await api?.close();
});

describe('remind now', () => {
  it('reminds one unit of one cycle through the ladder, once, by the issuer only', async () => {
    const created = await post('/directives', clerk, {
      issuerId: id.P,
      type: 'KH',
      subject: 'Báo cáo sơ kết',
      tasks: ['Báo cáo.'],
      addressees: { mode: 'children' },
      reporting: {
        schedule: { kind: 'interval', everySeconds: 86_400, count: 1 },
        form: {
          fields: [{ key: 'n', label: 'Số buổi', type: 'integer', required: true, min: 0, aggregate: 'sum' }],
        },
        escalation: { parentAfter: 'P30D' },
      },
    }).expect(201);
    const directive = created.body.id as string;
    await post(`/directives/${directive}/submit`, clerk, { version: 1 }).expect(200);
    await post(`/directives/${directive}/review`, leader, { version: 1, decision: 'approve' }).expect(200);
    await post(`/directives/${directive}/sign`, leader, { version: 1 }).expect(200);
    const g1 = (await member(id.G1, 'clerk')).token;
    const g2 = (await member(id.G2, 'clerk')).token;
    await waitFor('the cycle planned', async () => {
      const due = (await get('/inbox?kind=due', g1)).body.items as { directiveId: string }[];
      return due.some((i) => i.directiveId === directive);
    });

    // the issuer's clerk reminds G1: the rung is written and reaches G1's inbox; again: nothing new
    const remind = (token: string, body: object) => post(`/directives/${directive}/remind`, token, body);
    expect((await remind(clerk, { unitId: id.G1, cycle: 0 }).expect(200)).body).toEqual({ reminded: true });
    expect((await remind(leader, { unitId: id.G1, cycle: 0 }).expect(200)).body).toEqual({ reminded: false });
    const told = (await get('/inbox?kind=escalated', g1)).body.items as {
      directiveId: string;
      level: string;
    }[];
    expect(told.filter((i) => i.directiveId === directive).map((i) => i.level)).toEqual(['reminded']);
    // G2 was not reminded
    expect((await get('/inbox?kind=escalated', g2)).body.items).toEqual([]);

    // others may not: an auditor of the issuer (403), a receiving unit and an unrelated one (404, as if none)
    const auditor = (await member(id.P, 'auditor')).token;
    expect((await remind(auditor, { unitId: id.G2, cycle: 0 })).status).toBe(403);
    expect((await remind(g2, { unitId: id.G2, cycle: 0 })).status).toBe(404);
    const outsider = (await member(org.ids.X, 'clerk')).token;
    expect((await remind(outsider, { unitId: id.G2, cycle: 0 })).status).toBe(404);
    // no such unit or cycle on the directive; bad input names the field
    expect((await remind(clerk, { unitId: id.P, cycle: 0 })).body.error.code).toBe('ROUTING_NODE_NOT_FOUND');
    expect((await remind(clerk, { unitId: id.G2, cycle: 7 })).status).toBe(404);
    const bad = await remind(clerk, { unitId: 'x', cycle: -1 }).expect(400);
    expect(bad.body.error.message).toMatch(/unitId|cycle/);

    // a unit that reported is not reminded
    await post(`/directives/${directive}/reports`, g2, { unitId: id.G2, cycle: 0, values: { n: 1 } }).expect(
      201,
    );
    const late = await remind(clerk, { unitId: id.G2, cycle: 0 }).expect(409);
    expect(late.body.error.code).toBe('ALREADY_REPORTED');
  });
});
