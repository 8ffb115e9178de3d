/**
 * The notification inbox on the real stack: what arrived for my units, what is due in the coming days and not yet
 * reported, what the escalation ladder told me; unread counts; marking read (idempotent); nothing of another unit's.
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
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
const http = () => request(api.getHttpServer());
const post = (path: string, token: string, body: object) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);
const get = (path: string, token: string) => http().get(path).set(auth(token));
const member = (unitId: string, role: string, extra: object = {}) => addMember(api, org, unitId, role, extra);

interface Item {
  item: string;
  kind: string;
  directiveId: string;
  unitId: string;
  level: string | null;
  cycle: number | null;
  read: boolean;
}

let id: Record<string, string>;
let secretariat: Desk;
const form = {
  fields: [{ key: 'sessions', label: 'Số buổi', type: 'integer', required: true, min: 0, aggregate: 'sum' }],
};

async function issue(subject: string, reporting: object): Promise<string> {
  return issueBy(api, secretariat, {
    issuerId: id.P,
    type: 'KH',
    subject,
    tasks: ['Triển khai.'],
    addressees: { mode: 'subtree', depth: 2 },
    reporting,
  });
}

const inbox = async (token: string, kind: string, extra = ''): Promise<Item[]> => {
  const res = await get(`/inbox?kind=${kind}${extra}`, token).expect(200);
  return res.body.items as Item[];
};

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi(), startWorker()]);
  org = await buildOrg(api);
  id = await importUnitsUnderA(api, org, [
    ['P', 'federation', null],
    ['D1', 'federation', 'P'],
    ['G1', 'grassroots_union', 'D1'],
    ['G2', 'grassroots_union', 'D1'],
  ]);
  secretariat = await desk(api, org, id.P);
});

afterAll(async () => {
  await worker?.close();
  await api?.close();
});

describe('notification inbox', () => {
  it('shows what arrived, what is due and what was escalated, to the units concerned only', async () => {
    const later = await issue('Báo cáo quý', {
      schedule: { kind: 'interval', everySeconds: 86_400, count: 1 },
      form,
    });
    const soon = await issue('Báo cáo nhanh', {
      schedule: { kind: 'interval', everySeconds: 3, count: 1 },
      form,
      escalation: { parentAfter: 'PT1S' },
    });
    const g1 = (await member(id.G1, 'clerk')).token;
    const g2 = (await member(id.G2, 'clerk')).token;
    const d1Leader = (await member(id.D1, 'leader')).token;
    const d1Clerk = (await member(id.D1, 'clerk')).token;
    const outsider = (await member(org.ids.X, 'clerk')).token;

    // Arrived: both directives, newest delivery first, at G1 only as G1's.
    const arrived = await inbox(g1, 'arrived');
    expect(arrived.map((i) => i.directiveId)).toEqual([soon, later]);
    expect(arrived.every((i) => i.unitId === id.G1 && !i.read)).toBe(true);

    // Due: the day-long cycle, not yet reported; gone once G1 reports it.
    const due = await waitFor('the cycle planned', async () => {
      const items = await inbox(g1, 'due');
      return items.some((i) => i.directiveId === later) && items;
    });
    expect(due.find((i) => i.directiveId === later)).toMatchObject({ unitId: id.G1, cycle: 0 });
    await post(`/directives/${later}/reports`, g1, {
      unitId: id.G1,
      cycle: 0,
      values: { sessions: 2 },
    }).expect(201);
    expect((await inbox(g1, 'due')).some((i) => i.directiveId === later)).toBe(false);

    // Escalated: G2 never reports the quick cycle; its routing parent's leader is told, not its clerk.
    const toLeader = await waitFor('the parent rung', async () => {
      const items = await inbox(d1Leader, 'escalated');
      return items.some((i) => i.directiveId === soon && i.unitId === id.G2 && i.level === 'parent') && items;
    });
    expect(toLeader.every((i) => i.directiveId === soon)).toBe(true);
    expect((await inbox(d1Clerk, 'escalated')).filter((i) => i.level === 'parent')).toEqual([]);
    const toG2 = await waitFor('the overdue mark', async () => {
      const items = await inbox(g2, 'escalated');
      return items.length > 0 && items;
    });
    expect(toG2.every((i) => i.unitId === id.G2 && ['reminded', 'overdue'].includes(i.level!))).toBe(true);

    // Nothing of another unit's: an unrelated clerk and another grassroots unit see none of it.
    for (const kind of ['arrived', 'due', 'escalated']) expect(await inbox(outsider, kind)).toEqual([]);
    expect((await inbox(g1, 'escalated')).some((i) => i.unitId === id.G2)).toBe(false);
    expect((await get('/inbox/unread', outsider).expect(200)).body).toEqual({
      arrived: 0,
      due: 0,
      escalated: 0,
    });

    // Unread counts and marking read: once, again (no change), and the counts fall.
    const before = (await get('/inbox/unread', g1).expect(200)).body;
    expect(before.arrived).toBe(2);
    const key = arrived[0].item;
    await post('/inbox/read', g1, { items: [key] }).expect(200);
    await post('/inbox/read', g1, { items: [key] }).expect(200);
    expect((await get('/inbox/unread', g1)).body.arrived).toBe(1);
    expect((await inbox(g1, 'arrived')).find((i) => i.item === key)?.read).toBe(true);
    // Another person at G1 has its own read state.
    const g1Other = (await member(id.G1, 'leader')).token;
    expect((await get('/inbox/unread', g1Other)).body.arrived).toBe(2);

    // Pages: bounded, with a cursor that walks on and is refused from elsewhere.
    const first = await get('/inbox?kind=arrived&limit=1', g1).expect(200);
    expect(first.body.items.map((i: Item) => i.directiveId)).toEqual([soon]);
    const second = await get(`/inbox?kind=arrived&limit=1&cursor=${first.body.nextCursor}`, g1).expect(200);
    expect(second.body.items.map((i: Item) => i.directiveId)).toEqual([later]);
    expect(second.body.nextCursor).toBeNull();
    await get(`/inbox?kind=due&cursor=${first.body.nextCursor}`, g1).expect(400);
    await get('/inbox?kind=arrived&limit=101', g1).expect(400);
    const badKind = await get('/inbox?kind=all', g1).expect(400);
    expect(badKind.body.error.code).toBe('VALIDATION_FAILED');
    const badItem = await post('/inbox/read', g1, { items: ['x'] }).expect(400);
    expect(JSON.stringify(badItem.body.error)).toMatch(/items/);
    await http().get('/inbox?kind=arrived').expect(401);
  });
});
