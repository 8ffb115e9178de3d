/**
 * The directive's whole life through the HTTP API, on the real Temporal dev server and PostgreSQL, from the Tây Ninh
 * seed: a province federation (P) → districts (D1, D2) → grassroots unions, with a reporting schedule seconds apart.
 * Drafted, approved, signed (number allocated, signature verifies), dispatched, acknowledged, one grassroots unit
 * returns it, the district issues its implementing directive, reports arrive, one district closes early, the other
 * aggregates at its deadline with coverage, the late unit is escalated up the ladder, its late report re-aggregates
 * upward as revisions, and the directive is closed. Then forwarding, superseding and recall (edXML 13/15/16).
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { Client, Connection } from '@temporalio/client';
import { directiveWorkflowId, dispatchHubWorkflowId, reportingWorkflowId } from '@cascade/contracts';
import { startApi, startWorker } from './support/apps';
import { newKey } from './support/ids';
import { addMember, auth, buildOrg, importUnitsUnderA, SIGNING_AUTHORITY, type Org } from './support/org';
import { expectNoRollupDrift } from './support/rollup';
import { waitFor } from './support/wait-for';
import { saveHistory } from '../replay/histories';

jest.setTimeout(240_000);

let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
let pg: PgClient;
let temporal: Connection;
const http = () => request(api.getHttpServer());
const post = (path: string, token: string, body: object) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);
const get = (path: string, token: string) => http().get(path).set(auth(token));

/** A signed-in user holding `role` in the unit (leaders with a signing authority). */
const member = (unitId: string, role: string) =>
  addMember(api, org, unitId, role, role === 'leader' ? SIGNING_AUTHORITY : {});

const units = (rows: [string, string, string | null][]) => importUnitsUnderA(api, org, rows);

interface Desk {
  clerk: string;
  leader: { id: string; token: string; email: string };
}

/** A unit's secretariat: a clerk, and a leader with signing authority who is its whole review chain. */
async function desk(unitId: string): Promise<Desk> {
  const clerk = (await member(unitId, 'clerk')).token;
  const leader = await member(unitId, 'leader');
  await http()
    .put(`/units/${unitId}/review-chain`)
    .set(auth(org.admin))
    .send({ reviewerIds: [leader.id] })
    .expect(200);
  return { clerk, leader };
}

/** Drafted by the clerk, approved and signed by the leader; answers the signed directive. */
async function issue(d: Desk, body: object) {
  const created = await post('/directives', d.clerk, body);
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  await post(`/directives/${id}/submit`, d.clerk, { version: 1 }).expect(200);
  const approved = await post(`/directives/${id}/review`, d.leader.token, {
    version: 1,
    decision: 'approve',
  });
  expect(approved.body.status).toBe('approved');
  const signed = await post(`/directives/${id}/sign`, d.leader.token, { version: 1 });
  expect(signed.status).toBe(200);
  return signed.body as { id: string; number: number; symbol: string; status: string };
}

/**
 * With CAPTURE_HISTORIES=1, writes the histories of this scenario's workflows for the replay tests (the first run of
 * the reporting workflow, which continued as new, is found in its parent's history).
 */
async function capture(directiveId: string, name: string, withReporting = false) {
  if (!process.env.CAPTURE_HISTORIES) return;
  const client = new Client({ connection: temporal });
  await saveHistory(client, directiveWorkflowId(directiveId), name);
  if (!withReporting) return;
  const parent = await client.workflow.getHandle(directiveWorkflowId(directiveId)).fetchHistory();
  const started = parent.events?.find(
    (e) => e.childWorkflowExecutionStartedEventAttributes?.workflowType?.name === 'reportingWorkflow',
  );
  const runId = started?.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.runId ?? undefined;
  await saveHistory(client, reportingWorkflowId(directiveId), `${name}-cycle`, runId);
}

const statusOf = async (id: string, token: string) => (await get(`/directives/${id}`, token)).body.status;

const seedText = {
  type: 'CV',
  place: 'Tây Ninh',
  subject: 'V/v triển khai thực hiện và hưởng ứng Giải Búa liềm vàng lần thứ V - năm 2020',
  tasks: [
    'Quán triệt, triển khai thực hiện Kế hoạch số 255-KH/BTCTW, ngày 18/3/2020 của Ban Tổ chức Trung ương.',
    'Tổ chức phát động, tuyên truyền Giải Búa liềm vàng lần thứ V - năm 2020.',
    'Tích cực tuyên truyền về công tác xây dựng Đảng.',
  ],
  copyRecipients: [
    { name: 'Ban TG-NC LĐLĐ tỉnh', role: 'report' },
    { name: 'VP', role: 'filed' },
  ],
};

const form = {
  fields: [
    {
      key: 'sessions',
      label: 'Số buổi tuyên truyền',
      type: 'integer',
      required: true,
      min: 0,
      aggregate: 'sum',
    },
    { key: 'articles', label: 'Số bài dự thi', type: 'integer', required: true, min: 0, aggregate: 'sum' },
    { key: 'done', label: 'Đã quán triệt', type: 'boolean', required: true, aggregate: 'countTrue' },
  ],
};

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi({ DISPATCH_BATCH_SIZE: '2' }), startWorker()]);
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  temporal = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
});

afterAll(async () => {
  await temporal?.close();
  await pg?.end();
  await worker?.close();
  await api?.close();
});

describe('three levels, province → district → grassroots, cycles seconds apart', () => {
  it('runs the Tây Ninh directive from draft to close, with aggregation, escalation and a late revision', async () => {
    const id = await units([
      ['P', 'federation', null],
      ['D1', 'federation', 'P'],
      ['G1', 'grassroots_union', 'D1'],
      ['G2', 'grassroots_union', 'D1'],
      ['G3', 'grassroots_union', 'D1'],
      ['D2', 'federation', 'P'],
      ['G4', 'grassroots_union', 'D2'],
    ]);
    const province = await desk(id.P);
    const district = await desk(id.D1);
    const d2Clerk = (await member(id.D2, 'clerk')).token;
    const g = {
      G1: (await member(id.G1, 'clerk')).token,
      G2: (await member(id.G2, 'clerk')).token,
      G3: (await member(id.G3, 'clerk')).token,
      G4: (await member(id.G4, 'clerk')).token,
    };

    // One cycle of 20 s from dispatch; districts close 6 s after the grassroots deadline, the province 12 s after.
    // The ladder: a reminder 10 s before, the district's leaders 2 s after, the province's leaders 4 s after.
    const signed = await issue(province, {
      ...seedText,
      issuerId: id.P,
      addressees: { mode: 'subtree', depth: 2 },
      reporting: {
        schedule: { kind: 'interval', everySeconds: 20, count: 1 },
        stagger: [0, 6, 12],
        form,
        escalation: { remindBefore: 'PT10S', parentAfter: 'PT2S', issuerAfter: 'PT4S' },
      },
    });
    expect(signed).toMatchObject({ status: 'signed', number: expect.any(Number) });
    expect(signed.symbol.startsWith(`${signed.number}/`)).toBe(true);
    const directiveId = signed.id;
    const verified = await get(`/directives/${directiveId}/verify`, province.leader.token).expect(200);
    expect(verified.body).toMatchObject({ signed: true, valid: true, problems: [] });

    await waitFor('the dispatch', async () => (await statusOf(directiveId, province.clerk)) === 'dispatched');
    const routing = await get(`/directives/${directiveId}/routing`, province.clerk).expect(200);
    expect(routing.body.items).toHaveLength(6);
    expect(routing.body.items.every((n: { status: string }) => n.status === 'delivered')).toBe(true);

    // Acknowledgements; G3 was wrongly addressed and returns it.
    for (const [unit, token] of [
      [id.D1, district.clerk],
      [id.D2, d2Clerk],
      [id.G1, g.G1],
      [id.G2, g.G2],
      [id.G4, g.G4],
    ]) {
      await post(`/directives/${directiveId}/acknowledge`, token, {
        unitId: unit,
        decision: 'accept',
      }).expect(200);
    }
    const returned = await post(`/directives/${directiveId}/acknowledge`, g.G3, {
      unitId: id.G3,
      decision: 'return',
      reason: 'Gửi nhầm đơn vị',
    });
    expect(returned.body).toMatchObject({ status: 'returned', statusCode: '02' });

    // The reporting workflow's live state: the cycle, its deadlines per tier and its planned steps.
    const live = await waitFor('the reporting plan', async () => {
      const res = await get(`/directives/${directiveId}?live=true`, province.clerk);
      return Boolean(res.body.reporting?.cycle) && res.body.reporting;
    });
    expect(live.cycle).toMatchObject({ index: 0, label: '#1' });
    expect(live.steps.map((s: { kind: string; tier: number }) => `${s.kind}${s.tier}`)).toEqual([
      'remind0',
      'overdue0',
      'escalate-parent0',
      'escalate-issuer0',
      'close1',
      'close2',
    ]);

    // Reports: G1 and G4 on time; G4 was D2's only unit, so D2 closes early and reports upward. G2 stays silent.
    const report = (token: string, unitId: string, values: object) =>
      post(`/directives/${directiveId}/reports`, token, { unitId, cycle: 0, values });
    const invalid = await report(g.G1, id.G1, { sessions: -1, done: 'yes' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('REPORT_INVALID');
    const g1 = await report(g.G1, id.G1, { sessions: 3, articles: 2, done: true });
    expect(g1.body).toMatchObject({ revision: 1, late: false, afterClose: false, aggregates: [] });
    // A retry with the same Idempotency-Key is the same answer (no new revision); another body with it is a 409.
    const retryKey = newKey();
    const first = await http()
      .post(`/directives/${directiveId}/reports`)
      .set(auth(g.G1))
      .set('Idempotency-Key', retryKey)
      .send({ unitId: id.G1, cycle: 0, values: { sessions: 3, articles: 2, done: true } });
    const retried = await http()
      .post(`/directives/${directiveId}/reports`)
      .set(auth(g.G1))
      .set('Idempotency-Key', retryKey)
      .send({ unitId: id.G1, cycle: 0, values: { sessions: 3, articles: 2, done: true } });
    expect(retried.body).toEqual(first.body);
    expect(first.body.revision).toBe(2);
    const reused = await http()
      .post(`/directives/${directiveId}/reports`)
      .set(auth(g.G1))
      .set('Idempotency-Key', retryKey)
      .send({ unitId: id.G1, cycle: 0, values: { sessions: 9, articles: 9, done: true } });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const g4 = await report(g.G4, id.G4, { sessions: 1, articles: 1, done: true });
    expect(g4.body.aggregates).toEqual([{ unitId: id.D2, revision: 1, reason: 'complete' }]);
    expect((await report(g.G3, id.G3, { sessions: 1, articles: 0, done: false })).body.error.code).toBe(
      'ROUTING_NODE_INVALID_STATE',
    );
    expect((await report(g.G1, id.G2, { sessions: 1, articles: 0, done: false })).status).toBe(404); // not its unit
    expect(
      (await report(district.clerk, id.D1, { sessions: 1, articles: 0, done: true })).body.error.code,
    ).toBe('REPORT_NOT_EXPECTED');

    // The district implements the province's directive with its own (the seed text), linked to its routing node.
    const implementing = await issue(district, {
      ...seedText,
      issuerId: id.D1,
      place: 'Châu Thành',
      addressees: { mode: 'children' },
      implements: [{ directiveId, code: signed.symbol, issuerName: 'Ban Thường vụ LĐLĐ tỉnh' }],
    });
    const chainUp = await get(`/directives/${implementing.id}/links`, district.clerk).expect(200);
    expect(chainUp.body.implements).toEqual([
      expect.objectContaining({ id: directiveId, symbol: signed.symbol, viaUnitId: id.D1 }),
    ]);
    const chainDown = await get(`/directives/${directiveId}/links`, province.clerk).expect(200);
    expect(chainDown.body.implementedBy.nextCursor).toBeNull();
    expect(chainDown.body.implementedBy.items).toEqual([
      expect.objectContaining({ id: implementing.id, issuerId: id.D1 }),
    ]);
    const notRouted = await post('/directives', d2Clerk, {
      ...seedText,
      issuerId: id.D2,
      addressees: { mode: 'children' },
      implements: [{ directiveId: implementing.id }],
    });
    expect(notRouted.status).toBe(422);
    expect(notRouted.body.error).toMatchObject({
      code: 'DIRECTIVE_LINK_INVALID',
      message: 'implements.0.directiveId: not a directive routed to the issuer',
    });

    // The ladder runs on durable timers: reminder, overdue, the district's leaders, the province's leaders; the
    // district closes at its deadline with G2 missing, then the province.
    const levels = async () =>
      (await get(`/directives/${directiveId}/escalations?cycle=0`, province.clerk)).body.items as {
        unitId: string;
        level: string;
      }[];
    await waitFor(
      'escalation to the issuer',
      async () => (await levels()).some((e) => e.level === 'issuer'),
      {
        timeoutMs: 60_000,
      },
    );
    const ladder = await levels();
    expect(ladder.every((e) => e.unitId === id.G2)).toBe(true);
    expect(ladder.map((e) => e.level).sort()).toEqual(['issuer', 'overdue', 'parent', 'reminded']);
    const mails = await pg.query(
      `SELECT kind, recipient_email FROM notification_outbox WHERE directive_id = $1 AND kind LIKE 'report.%'`,
      [directiveId],
    );
    expect(mails.rows).toEqual(
      expect.arrayContaining([
        { kind: 'report.parent', recipient_email: district.leader.email },
        { kind: 'report.issuer', recipient_email: province.leader.email },
      ]),
    );

    const aggregateAt = async (unitId: string) =>
      (await get(`/directives/${directiveId}/aggregate?unitId=${unitId}&cycle=0`, province.clerk)).body;
    const atProvince = await waitFor(
      'the province to aggregate',
      async () => {
        const a = await aggregateAt(id.P);
        return a.closed && a;
      },
      { timeoutMs: 60_000 },
    );
    const atDistrict = await aggregateAt(id.D1);
    expect(atDistrict).toMatchObject({
      closed: true,
      revision: 1,
      reason: 'deadline',
      values: { sessions: 3, articles: 2, done: 1 },
      coverage: { expected: 2, onTime: 1, late: 0, missing: 1, missingUnits: [id.G2] },
    });
    expect(atProvince).toMatchObject({
      revision: 1,
      reason: 'deadline',
      values: { sessions: 4, articles: 3, done: 2 },
      coverage: { expected: 3, onTime: 2, late: 0, missing: 1, missingUnits: [id.G2] },
    });

    // G2's late report re-aggregates: the worker's pass (late reports coalesce) writes a revision at the district,
    // sent up as a revision at the province, each folding in the one late report.
    const late = await report(g.G2, id.G2, { sessions: 2, articles: 0, done: false });
    expect(late.body).toMatchObject({ revision: 1, late: true, afterClose: true, aggregates: [] });
    await waitFor('the late revision at the province', async () => (await aggregateAt(id.P)).revision === 2);
    expect(await aggregateAt(id.P)).toMatchObject({
      revision: 2,
      values: { sessions: 6, articles: 3, done: 2 },
      coverage: { expected: 3, onTime: 2, late: 1, missing: 0, missingUnits: [] },
    });
    const revisions = await get(
      `/directives/${directiveId}/aggregate/revisions?unitId=${id.D1}&cycle=0`,
      province.clerk,
    ).expect(200);
    expect(
      revisions.body.items.map((r: { reason: string; folds: number | null }) => [r.reason, r.folds]),
    ).toEqual([
      ['deadline', null],
      ['late-report', 1],
    ]);

    // Closing: timers stop, open nodes get their final status, and nothing more is accepted.
    const closed = await post(`/directives/${directiveId}/close`, province.leader.token, {
      reason: 'Hoàn thành',
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', closeReason: 'Hoàn thành' });
    const finals = await pg.query(
      `SELECT unit_id, final_status, status_code FROM routing_node WHERE directive_id = $1`,
      [directiveId],
    );
    const finalOf = Object.fromEntries(finals.rows.map((r) => [r.unit_id, [r.final_status, r.status_code]]));
    expect(finalOf[id.G1]).toEqual(['completed', '06']);
    expect(finalOf[id.G2]).toEqual(['completed', '06']);
    expect(finalOf[id.G3]).toEqual(['returned', '02']);
    expect((await report(g.G1, id.G1, { sessions: 1, articles: 1, done: true })).body.error.code).toBe(
      'CYCLE_CLOSED',
    );
    expect(
      (await post(`/directives/${directiveId}/acknowledge`, g.G1, { unitId: id.G1, decision: 'accept' })).body
        .error.code,
    ).toBe('DIRECTIVE_INVALID_STATE');
    const again = await post(`/directives/${directiveId}/close`, province.leader.token, {});
    expect(again.status).toBe(409);

    const client = new Client({ connection: temporal });
    await waitFor('the workflows to end', async () => {
      const [d, r] = await Promise.all([
        client.workflow.getHandle(directiveWorkflowId(directiveId)).describe(),
        client.workflow.getHandle(reportingWorkflowId(directiveId)).describe(),
      ]);
      return d.status.name === 'COMPLETED' && r.status.name === 'COMPLETED';
    });
    const actions = (await get(`/directives/${directiveId}/events`, province.clerk)).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'signed',
        'dispatched',
        'returned',
        'report.reminded',
        'report.overdue',
        'escalated.parent',
        'escalated.issuer',
        'aggregate.reported',
        'report.late-revision',
        'aggregate.revised',
        'closed',
      ]),
    );
    await capture(directiveId, 'reported-escalated-closed', true);
    await expectNoRollupDrift(directiveId);
  });
});

describe('forward, supersede, recall', () => {
  it('forwards down a level, supersedes an old directive with a new one, and recalls with 13/15/16', async () => {
    const id = await units([
      ['P', 'federation', null],
      ['D1', 'federation', 'P'],
      ['G1', 'grassroots_union', 'D1'],
      ['G2', 'grassroots_union', 'D1'],
      ['D2', 'federation', 'P'],
    ]);
    const province = await desk(id.P);
    const d1 = (await member(id.D1, 'clerk')).token;
    const d2 = (await member(id.D2, 'clerk')).token;
    // Hourly reports: its reporting workflow is waiting on a timer when the directive is superseded.
    const old = await issue(province, {
      ...seedText,
      issuerId: id.P,
      addressees: { mode: 'children' },
      reporting: { schedule: { kind: 'interval', everySeconds: 3600, count: 2 }, form },
    });
    await waitFor('the dispatch', async () => (await statusOf(old.id, province.clerk)) === 'dispatched');

    // D1 forwards the directive as it is to its grassroots unions, once it has accepted it.
    const early = await post(`/directives/${old.id}/forward`, d1, {
      unitId: id.D1,
      addressees: { mode: 'children' },
    });
    expect(early.body.error.code).toBe('ROUTING_NODE_INVALID_STATE');
    await post(`/directives/${old.id}/acknowledge`, d1, { unitId: id.D1, decision: 'accept' }).expect(200);
    const forwarded = await post(`/directives/${old.id}/forward`, d1, {
      unitId: id.D1,
      addressees: { mode: 'children' },
    });
    expect(forwarded.status).toBe(200);
    expect(forwarded.body).toMatchObject({ unitId: id.D1, forwarded: 2 });
    expect(
      (await post(`/directives/${old.id}/forward`, d1, { unitId: id.D1, addressees: { mode: 'children' } }))
        .body,
    ).toEqual(forwarded.body);
    await waitFor('delivery below D1', async () => {
      const r = await get(`/directives/${old.id}/routing?parentUnitId=${id.D1}`, province.clerk);
      return (
        r.body.items.length === 2 && r.body.items.every((n: { status: string }) => n.status === 'delivered')
      );
    });
    const tiers = await pg.query(`SELECT unit_id, tier, is_hub FROM routing_node WHERE directive_id = $1`, [
      old.id,
    ]);
    expect(tiers.rows.find((r) => r.unit_id === id.D1)).toMatchObject({ tier: 1, is_hub: true });
    const hubs = new Client({ connection: temporal }).workflow;
    await waitFor('D1 hub workflow to complete', async () => {
      const hub = await hubs.getHandle(dispatchHubWorkflowId(old.id, id.D1)).describe();
      return hub.status.name === 'COMPLETED';
    });

    // A new directive supersedes the old one once it is dispatched; the chain is navigable both ways.
    const badSupersede = await post('/directives', province.clerk, {
      ...seedText,
      issuerId: id.P,
      addressees: { mode: 'children' },
      supersedes: randomUUID(),
    });
    expect(badSupersede.body.error.code).toBe('DIRECTIVE_LINK_INVALID');
    const replacement = await issue(province, {
      ...seedText,
      subject: `${seedText.subject} (thay thế)`,
      issuerId: id.P,
      addressees: { mode: 'children' },
      supersedes: old.id,
    });
    await waitFor(
      'the old directive to be superseded',
      async () => (await statusOf(old.id, province.clerk)) === 'superseded',
    );
    const links = await get(`/directives/${old.id}/links`, province.clerk).expect(200);
    expect(links.body.supersededBy).toEqual([expect.objectContaining({ id: replacement.id })]);
    const supersededEvent = (await get(`/directives/${old.id}/events`, province.clerk)).body.items.find(
      (e: { action: string }) => e.action === 'superseded',
    );
    expect(supersededEvent.data).toEqual({ supersededBy: replacement.id });

    // Recall of the new one: every unit is asked to give it back (13) and answers 15 or 16.
    await waitFor(
      'the dispatch',
      async () => (await statusOf(replacement.id, province.clerk)) === 'dispatched',
    );
    const noReason = await post(`/directives/${replacement.id}/recall`, province.leader.token, {});
    expect(noReason.status).toBe(400);
    const recalled = await post(`/directives/${replacement.id}/recall`, province.leader.token, {
      reason: 'Sai sót nội dung',
    });
    expect(recalled.body).toMatchObject({ status: 'recalled' });
    const answer = (token: string, body: object) =>
      post(`/directives/${replacement.id}/recall-response`, token, body);
    expect((await answer(d1, { unitId: id.D1, decision: 'accept' })).body).toMatchObject({
      recallStatus: 'accepted',
      statusCode: '15',
    });
    expect((await answer(d2, { unitId: id.D2, decision: 'refuse' })).body.error.message).toBe(
      'reason: required to refuse a recall',
    );
    expect(
      (await answer(d2, { unitId: id.D2, decision: 'refuse', reason: 'Đã triển khai' })).body,
    ).toMatchObject({ recallStatus: 'refused', statusCode: '16', recallReason: 'Đã triển khai' });
    expect((await answer(d2, { unitId: id.D2, decision: 'accept' })).body.error.code).toBe(
      'ROUTING_NODE_INVALID_STATE',
    );
    const mails = await pg.query(
      `SELECT count(*)::int AS n FROM notification_outbox WHERE directive_id = $1 AND kind = 'directive.recalled'`,
      [replacement.id],
    );
    const clerks = await pg.query(
      `SELECT count(*)::int AS n FROM routing_node r JOIN membership m ON m.unit_id = r.unit_id AND m.role = 'clerk'
        WHERE r.directive_id = $1`,
      [replacement.id],
    );
    expect(clerks.rows[0].n).toBeGreaterThanOrEqual(2); // one e-mail per clerk of every unit that holds it
    expect(mails.rows[0].n).toBe(clerks.rows[0].n);
    await waitFor('the workflows to end', async () => {
      const client = new Client({ connection: temporal });
      const ends = await Promise.all(
        [old.id, replacement.id].map((d) => client.workflow.getHandle(directiveWorkflowId(d)).describe()),
      );
      return ends.every((e) => e.status.name === 'COMPLETED');
    });
    const stopped = await new Client({ connection: temporal }).workflow
      .getHandle(reportingWorkflowId(old.id))
      .describe();
    expect(stopped.status.name).toBe('COMPLETED'); // stopped between steps, not failed or terminated
    await capture(old.id, 'forwarded-superseded');
    if (process.env.CAPTURE_HISTORIES) {
      await saveHistory(
        new Client({ connection: temporal }),
        reportingWorkflowId(old.id),
        'stopped-by-supersede',
      );
    }
    await capture(replacement.id, 'superseding-recalled');
    // Forwarded (D1 a hub with its own units), superseded and recalled: the tree's counters still match the rows.
    await expectNoRollupDrift(old.id, replacement.id);
  });
});
