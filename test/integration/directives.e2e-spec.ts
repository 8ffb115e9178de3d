/**
 * The first slice of the directive lifecycle through the API, on the real Temporal dev server and PostgreSQL:
 * draft, edit (versions kept), review chain (return, approve in order, reminders by timer), signing by a leader with
 * authority (gapless numbering, Ed25519 signature that verifies, tampering detected), and the bad input of each step.
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { Client, Connection } from '@temporalio/client';
import { dispatchHubWorkflowId } from '@cascade/contracts';
import { createDataSource, lockHub, recordAggregateEvent, writeAggregate } from '@cascade/persistence';
import type { ReportForm } from '@cascade/domain';
import { startApi, startWorker } from './support/apps';
import { newKey } from './support/ids';
import { addMember, auth, buildOrg, importUnitsUnderA, login, PASSWORD, type Org } from './support/org';
import { waitFor } from './support/wait-for';
import { saveHistory } from '../replay/histories';

jest.setTimeout(180_000);

let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
let pg: PgClient;
const http = () => request(api.getHttpServer());
const leaders: { id: string; token: string }[] = [];

const draft = (issuerId: string) => ({
  issuerId,
  type: 'CV',
  place: 'Châu Thành',
  subject: 'V/v triển khai thực hiện Kế hoạch số 255-KH/BTCTW',
  tasks: [
    'Quán triệt, triển khai thực hiện Kế hoạch.',
    'Định kỳ ngày 08 hàng tháng, báo cáo kết quả về LĐLĐ huyện.',
  ],
  addressees: { mode: 'children' },
  copyRecipients: [
    { name: 'Ban TG-NC LĐLĐ tỉnh', role: 'report' },
    { name: 'VP', role: 'filed' },
  ],
  implements: [{ code: '812/LĐLĐ', date: '2020-04-23', issuerName: 'Ban Thường vụ LĐLĐ tỉnh Tây Ninh' }],
  reporting: {
    schedule: { kind: 'monthly', rule: 'on', day: 8, from: '2020-05' },
    stagger: [0, 2],
    policy: 'next-working-day',
  },
});

beforeAll(async () => {
  [api, worker] = await Promise.all([
    startApi({ REVIEW_REMINDER_SECONDS: '2', DISPATCH_BATCH_SIZE: '1' }),
    startWorker(),
  ]);
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  // Two more leaders at A with signing authority, and the review chain [leader 1, leader 2].
  for (const i of [1, 2]) {
    const email = `leader${i}-${org.prefix.toLowerCase()}@test.cascade.vn`;
    const created = await http()
      .post('/users')
      .set(auth(org.admin))
      .set('Idempotency-Key', newKey())
      .send({
        email,
        name: `Lãnh đạo ${i}`,
        password: PASSWORD,
        membership: {
          unitId: org.ids.A,
          role: 'leader',
          authority: 'TM. BAN THƯỜNG VỤ',
          position: 'PHÓ CHỦ TỊCH',
        },
      })
      .expect(201);
    leaders.push({ id: created.body.id, token: await login(api, email) });
  }
  await http()
    .put(`/units/${org.ids.A}/review-chain`)
    .set(auth(org.tokens.admin))
    .send({ reviewerIds: leaders.map((l) => l.id) })
    .expect(200);
});

afterAll(async () => {
  await pg?.end();
  await api?.close();
  await worker?.close();
});

const post = (path: string, token: string, body: object) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);

async function approvedDirective(): Promise<{ id: string; version: number }> {
  const created = await post('/directives', org.tokens.clerk, draft(org.ids.A)).expect(201);
  const id = created.body.id as string;
  await post(`/directives/${id}/submit`, org.tokens.clerk, { version: 1 }).expect(200);
  await post(`/directives/${id}/review`, leaders[0].token, { version: 1, decision: 'approve' }).expect(200);
  const approved = await post(`/directives/${id}/review`, leaders[1].token, {
    version: 1,
    decision: 'approve',
  }).expect(200);
  expect(approved.body.status).toBe('approved');
  return { id, version: 1 };
}

describe('draft, review and sign', () => {
  it('goes from draft through a returned review and two approvals to a verified signature', async () => {
    const created = await post('/directives', org.tokens.clerk, draft(org.ids.A));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      version: 1,
      number: null,
      signature: null,
      type: 'CV',
    });
    const id = created.body.id as string;

    const edited = await http()
      .patch(`/directives/${id}`)
      .set(auth(org.tokens.specialist))
      .send({
        ...draft(org.ids.A),
        issuerId: undefined,
        type: undefined,
        version: 1,
        tasks: ['Nhiệm vụ sửa lại.'],
      });
    expect(edited.status).toBe(200);
    expect(edited.body.version).toBe(2);
    const stale = await http()
      .patch(`/directives/${id}`)
      .set(auth(org.tokens.clerk))
      .send({ ...draft(org.ids.A), issuerId: undefined, type: undefined, version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('DIRECTIVE_VERSION_STALE');

    await post(`/directives/${id}/submit`, org.tokens.clerk, { version: 2 }).expect(200);
    const notYourTurn = await post(`/directives/${id}/review`, leaders[1].token, {
      version: 2,
      decision: 'approve',
    });
    expect(notYourTurn.status).toBe(403);
    expect(notYourTurn.body.error.code).toBe('DIRECTIVE_NOT_YOUR_TURN');
    const noComment = await post(`/directives/${id}/review`, leaders[0].token, {
      version: 2,
      decision: 'return',
    });
    expect(noComment.status).toBe(400);
    expect(noComment.body.error.message).toMatch(/^comment:/);

    const returned = await post(`/directives/${id}/review`, leaders[0].token, {
      version: 2,
      decision: 'return',
      comment: 'Bổ sung thời hạn báo cáo',
    });
    expect(returned.body.status).toBe('draft');
    const v3 = await http()
      .patch(`/directives/${id}`)
      .set(auth(org.tokens.clerk))
      .send({ ...draft(org.ids.A), issuerId: undefined, type: undefined, version: 2 })
      .expect(200);
    expect(v3.body.version).toBe(3);

    await post(`/directives/${id}/submit`, org.tokens.clerk, { version: 3 }).expect(200);
    const first = await post(`/directives/${id}/review`, leaders[0].token, {
      version: 3,
      decision: 'approve',
    });
    expect(first.body).toMatchObject({ status: 'in_review', review: { reviewStep: 1 } });
    const liveState = await http().get(`/directives/${id}?live=true`).set(auth(org.tokens.clerk)).expect(200);
    expect(liveState.body.review).toMatchObject({ reviewers: leaders.map((l) => l.id), reviewStep: 1 });
    const record = await http().get(`/directives/${id}`).set(auth(org.tokens.clerk)).expect(200);
    expect(record.body).toMatchObject({ status: 'in_review', version: 3, review: null });
    const editWhileReviewed = await http()
      .patch(`/directives/${id}`)
      .set(auth(org.tokens.clerk))
      .send({ ...draft(org.ids.A), issuerId: undefined, type: undefined, version: 3 });
    expect(editWhileReviewed.body.error.code).toBe('DIRECTIVE_INVALID_STATE');
    await post(`/directives/${id}/review`, leaders[1].token, { version: 3, decision: 'approve' }).expect(200);

    const byClerk = await post(`/directives/${id}/sign`, org.tokens.clerk, { version: 3 });
    expect(byClerk.status).toBe(403);
    const key = newKey();
    const signed = await http()
      .post(`/directives/${id}/sign`)
      .set(auth(leaders[0].token))
      .set('Idempotency-Key', key)
      .send({ version: 3 });
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({
      status: 'signed',
      year: expect.any(Number),
      number: 1,
      symbol: `1/${org.codes.A}`, // a công văn of a federation whose symbol is its code: "1/<symbol>"
      signer: {
        userId: leaders[0].id,
        authority: 'TM. BAN THƯỜNG VỤ',
        position: 'PHÓ CHỦ TỊCH',
        name: 'Lãnh đạo 1',
      },
    });
    const again = await http()
      .post(`/directives/${id}/sign`)
      .set(auth(leaders[0].token))
      .set('Idempotency-Key', key)
      .send({ version: 3 });
    expect(again.body.number).toBe(1);

    const verified = await http().get(`/directives/${id}/verify`).set(auth(org.tokens.auditor)).expect(200);
    expect(verified.body).toMatchObject({ signed: true, valid: true, problems: [] });

    // Once signed, the directive dispatches to its addressees (here: the units directly under A).
    await waitFor('the directive to be dispatched', async () => {
      const res = await http().get(`/directives/${id}`).set(auth(org.tokens.clerk));
      return res.body.status === 'dispatched';
    });
    const events = await http().get(`/directives/${id}/events`).set(auth(org.tokens.auditor)).expect(200);
    expect(events.body.items.map((e: { action: string }) => e.action)).toEqual([
      'drafted',
      'edited',
      'review.submitted',
      'review.returned',
      'edited',
      'review.submitted',
      'review.approved',
      'review.approved',
      'signed',
      'dispatch.planned',
      'dispatched',
    ]);
    const versions = await http().get(`/directives/${id}/versions`).set(auth(org.tokens.clerk)).expect(200);
    expect(versions.body.map((v: { version: number }) => v.version)).toEqual([1, 2, 3]);

    // Signed content is immutable; a change made behind the API's back is caught by verification.
    expect(
      (
        await http()
          .patch(`/directives/${id}`)
          .set(auth(org.tokens.clerk))
          .send({ ...draft(org.ids.A), issuerId: undefined, type: undefined, version: 3 })
      ).status,
    ).toBe(409);
    await pg.query(
      `UPDATE directive SET content = jsonb_set(content, '{subject}', '"V/v đã bị sửa"') WHERE id = $1`,
      [id],
    );
    const tampered = await http().get(`/directives/${id}/verify`).set(auth(org.tokens.auditor)).expect(200);
    expect(tampered.body).toMatchObject({
      valid: false,
      problems: ['content: differs from what was signed'],
    });
  });

  it('allocates numbers per issuer and year with no gaps and no duplicates under concurrent signings', async () => {
    const directives = await Promise.all([1, 2, 3, 4, 5].map(() => approvedDirective()));
    const signed = await Promise.all(
      directives.map((d) => post(`/directives/${d.id}/sign`, leaders[1].token, { version: d.version })),
    );
    expect(signed.map((s) => s.status)).toEqual([200, 200, 200, 200, 200]);
    const numbers = signed.map((s) => s.body.number as number).sort((a, b) => a - b);
    const rows = await pg.query(
      `SELECT number FROM directive WHERE issuer_id = $1 AND number IS NOT NULL ORDER BY number`,
      [org.ids.A],
    );
    const all = rows.rows.map((r) => r.number as number);
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    expect(new Set(numbers).size).toBe(5);
  });

  it('reminds a reviewer who has not decided, by timer', async () => {
    const created = await post('/directives', org.tokens.clerk, draft(org.ids.A)).expect(201);
    await post(`/directives/${created.body.id}/submit`, org.tokens.clerk, { version: 1 }).expect(200);
    const reminded = await waitFor(
      'a reminder to the first reviewer',
      async () => {
        const rows = await pg.query(
          `SELECT data FROM directive_event WHERE directive_id = $1 AND action = 'review.reminded'`,
          [created.body.id],
        );
        return rows.rows.length ? rows.rows[0].data : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(reminded).toMatchObject({ reviewerId: leaders[0].id, step: 0, count: 1 });
    await post(`/directives/${created.body.id}/cancel`, org.tokens.clerk, { reason: 'Thử xong' }).expect(200);
  });
});

describe('bad input and permissions', () => {
  it('refuses an invalid draft naming the field, and drafts outside the caller unit', async () => {
    const before = (await pg.query('SELECT count(*)::int AS n FROM directive')).rows[0].n;
    const bad = await post('/directives', org.tokens.clerk, {
      ...draft(org.ids.A),
      type: 'XX',
      subject: '',
      addressees: { mode: 'units' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['subject', 'type']);
    const noUnits = await post('/directives', org.tokens.clerk, {
      ...draft(org.ids.A),
      addressees: { mode: 'units' },
    });
    expect(noUnits.body.error.message).toBe('addressees.unitIds: required when mode is units');
    // Listed addressees must be active units below the issuer: refused at drafting, not dropped at dispatch.
    for (const unitIds of [[org.ids.A1, randomUUID()], [org.ids.B], [org.ids.A]]) {
      const wrong = await post('/directives', org.tokens.clerk, {
        ...draft(org.ids.A),
        addressees: { mode: 'units', unitIds },
      });
      expect(wrong.status).toBe(422);
      expect(wrong.body.error.message).toBe(
        `addressees.unitIds.${unitIds.length - 1}: not an active unit below the issuer`,
      );
    }
    const badSchedule = await post('/directives', org.tokens.clerk, {
      ...draft(org.ids.A),
      reporting: { schedule: { kind: 'monthly', rule: 'on', day: 40, from: '2020-5' } },
    });
    expect(badSchedule.body.error).toMatchObject({
      code: 'DIRECTIVE_SCHEDULE_INVALID',
      message: expect.stringContaining('reporting.schedule.day'),
    });
    const shapeless = await post('/directives', org.tokens.clerk, {
      ...draft(org.ids.A),
      reporting: { schedule: { kind: 'phases', phases: 'Đợt 1' } },
    });
    expect(shapeless.status).toBe(400); // a malformed shape is a clear error, never a 500
    expect(shapeless.body.error.message).toBe('reporting.schedule.phases: must be a list of phases');
    expect((await post('/directives', org.tokens.leader, draft(org.ids.A))).status).toBe(403); // leaders review and sign
    expect((await post('/directives', org.tokens.clerk, draft(org.ids.A1))).status).toBe(403); // drafting is for the unit's own
    expect((await post('/directives', org.tokens.clerk, draft(org.ids.B))).status).toBe(404);
    expect((await pg.query('SELECT count(*)::int AS n FROM directive')).rows[0].n).toBe(before);
  });

  it('refuses steps out of order, stale versions and an empty review chain', async () => {
    const created = await post('/directives', org.tokens.clerk, draft(org.ids.A)).expect(201);
    const id = created.body.id as string;
    const signDraft = await post(`/directives/${id}/sign`, leaders[0].token, { version: 1 });
    expect(signDraft.body.error.code).toBe('DIRECTIVE_INVALID_STATE');
    const staleSubmit = await post(`/directives/${id}/submit`, org.tokens.clerk, { version: 7 });
    expect(staleSubmit.body.error.code).toBe('DIRECTIVE_VERSION_STALE');
    expect((await http().get(`/directives/${id}`).set(auth(org.tokens.clerk))).body.status).toBe('draft');

    const other = await post('/directives', org.admin, draft(org.ids.A1)).expect(201);
    const empty = await post(`/directives/${other.body.id}/submit`, org.admin, { version: 1 });
    expect(empty.status).toBe(409);
    expect(empty.body.error.code).toBe('DIRECTIVE_REVIEW_CHAIN_EMPTY');

    const reviewer = await http()
      .put(`/units/${org.ids.A}/review-chain`)
      .set(auth(org.tokens.admin))
      .send({ reviewerIds: [org.userIds.clerk] });
    expect(reviewer.status).toBe(422);
    expect(reviewer.body.error.code).toBe('REVIEWER_NOT_LEADER');
    const hidden = await http().get(`/directives/${randomUUID()}`).set(auth(org.tokens.clerk));
    expect(hidden.status).toBe(404);
    const sibling = await http().get(`/directives/${id}`).set(auth(org.tokens.specialist));
    expect(sibling.status).toBe(200); // the specialist's own unit issued it
  });
});

/** Units under A from `[label, kind, parentLabel]` rows (no parent label: under A); returns label → id. */
const unitsUnderA = (rows: [string, string, string | null][]) => importUnitsUnderA(api, org, rows);

/** A new user holding `role` in the unit, signed in: its token. */
const member = async (unitId: string, role: string) => (await addMember(api, org, unitId, role)).token;

/** Drafts with the given extras, takes it through review and signing, and waits for the dispatch to finish. */
async function dispatchedDirective(extra: object): Promise<string> {
  const created = await post('/directives', org.tokens.clerk, { ...draft(org.ids.A), ...extra }).expect(201);
  const id = created.body.id as string;
  await post(`/directives/${id}/submit`, org.tokens.clerk, { version: 1 }).expect(200);
  await post(`/directives/${id}/review`, leaders[0].token, { version: 1, decision: 'approve' }).expect(200);
  await post(`/directives/${id}/review`, leaders[1].token, { version: 1, decision: 'approve' }).expect(200);
  await post(`/directives/${id}/sign`, leaders[0].token, { version: 1 }).expect(200);
  await waitFor(
    'the dispatch to finish',
    async () =>
      (await http().get(`/directives/${id}`).set(auth(org.tokens.clerk))).body.status === 'dispatched',
  );
  return id;
}

describe('dispatch and acknowledgement', () => {
  it('routes down the hierarchy level by level, delivers every addressee, and takes acknowledgements', async () => {
    // Under A: districts D1, D2; grassroots G11, G12 under D1 and G21 under D2 (A1 is already there).
    const id = await unitsUnderA([
      ['D1', 'federation', null],
      ['D2', 'federation', null],
      ['G11', 'grassroots_union', 'D1'],
      ['G12', 'grassroots_union', 'D1'],
      ['G21', 'grassroots_union', 'D2'],
    ]);
    const g11 = await member(id.G11, 'specialist');
    const g12 = await member(id.G12, 'clerk');
    const directiveId = await dispatchedDirective({ addressees: { mode: 'subtree', depth: 2 } });
    const routing = await http()
      .get(`/directives/${directiveId}/routing?limit=1000`)
      .set(auth(org.tokens.auditor))
      .expect(200);
    const nodes = new Map(routing.body.items.map((n: { unitId: string }) => [n.unitId, n]));
    expect(nodes.size).toBe(6); // A1, D1, D2, G11, G12, G21
    for (const n of nodes.values())
      expect(n).toMatchObject({ status: 'delivered', statusCode: '01', deliveredAt: expect.any(String) });
    expect(nodes.get(id.D1)).toMatchObject({ parentUnitId: org.ids.A, tier: 1, isHub: true });
    expect(nodes.get(id.G11)).toMatchObject({ parentUnitId: id.D1, tier: 0, isHub: false });
    expect(nodes.get(id.G21)).toMatchObject({ parentUnitId: id.D2, depth: 2 });
    expect(nodes.get(org.ids.A1)).toMatchObject({ parentUnitId: org.ids.A, tier: 0 });

    // Every unit delivered exactly once: one delivery each (a node's version counts its updates), and the count the
    // dispatch recorded is the tree's.
    const once = await pg.query<{ nodes: number; once: number }>(
      `SELECT count(*)::int AS nodes, count(*) FILTER (WHERE status = 'delivered' AND version = 2)::int AS once
         FROM routing_node WHERE directive_id = $1`,
      [directiveId],
    );
    expect(once.rows[0]).toEqual({ nodes: 6, once: 6 });
    const trail = await pg.query<{ action: string; data: { delivered?: number } }>(
      `SELECT action, data FROM directive_event WHERE directive_id = $1 AND action LIKE 'dispatch%' ORDER BY seq`,
      [directiveId],
    );
    expect(trail.rows.map((e) => e.action)).toEqual(['dispatch.planned', 'dispatched']);
    expect(trail.rows[1].data.delivered).toBe(6);

    // Each level fans out to its own subordinates, except a sub-hub whose whole subtree fits in a batch (of 1 here):
    // D2 and its one grassroots union go with A's batch, in one statement. A hub workflow for A and D1 (two units
    // below it), none for D2 or the leaves.
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
    try {
      const client = new Client({ connection });
      for (const hub of [org.ids.A, id.D1]) {
        const description = await client.workflow
          .getHandle(dispatchHubWorkflowId(directiveId, hub))
          .describe();
        expect(description.status.name).toBe('COMPLETED');
      }
      for (const inlined of [id.D2, id.G11])
        await expect(
          client.workflow.getHandle(dispatchHubWorkflowId(directiveId, inlined)).describe(),
        ).rejects.toThrow();
      // With CAPTURE_HISTORIES=1, the issuer's hub (sub-hubs inlined and not) for the replay tests.
      if (process.env.CAPTURE_HISTORIES)
        await saveHistory(client, dispatchHubWorkflowId(directiveId, org.ids.A), 'inline-subtrees-hub');
    } finally {
      await connection.close();
    }

    // Acknowledgements: accept (03), return with a reason (02), idempotent repeats, conflicts, scope.
    const ack = (token: string, body: object) => post(`/directives/${directiveId}/acknowledge`, token, body);
    const accepted = await ack(g11, { unitId: id.G11, decision: 'accept' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', statusCode: '03' });
    // The same answer again (another key): harmless, and answered exactly as the first.
    const again = await ack(g11, { unitId: id.G11, decision: 'accept' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(accepted.body);
    expect(accepted.body.acknowledgedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect((await ack(g11, { unitId: id.G11, decision: 'return', reason: 'x' })).body.error.code).toBe(
      'ROUTING_NODE_INVALID_STATE',
    );
    expect((await ack(g12, { unitId: id.G12, decision: 'return' })).body.error.message).toBe(
      'reason: required to return a directive',
    );
    const returned = await ack(g12, { unitId: id.G12, decision: 'return', reason: 'Gửi nhầm đơn vị' });
    expect(returned.body).toMatchObject({
      status: 'returned',
      statusCode: '02',
      returnedReason: 'Gửi nhầm đơn vị',
    });
    expect((await ack(g11, { unitId: id.G12, decision: 'accept' })).status).toBe(404); // not its unit
    const notRouted = await ack(org.tokens.specialist, { unitId: org.ids.A, decision: 'accept' });
    expect(notRouted.status).toBe(404);
    expect(notRouted.body.error.code).toBe('DIRECTIVE_NOT_FOUND'); // as if there were no such directive
    const byLeader = await ack(leaders[0].token, { unitId: org.ids.A1, decision: 'accept' });
    expect(byLeader.status).toBe(403); // leaders of A see A1 but do not acknowledge for it

    const events = await http()
      .get(`/directives/${directiveId}/events`)
      .set(auth(org.tokens.auditor))
      .expect(200);
    const actions = events.body.items.map((e: { action: string }) => e.action);
    expect(actions.slice(-4)).toEqual(['dispatch.planned', 'dispatched', 'acknowledged', 'returned']);
    const planned = events.body.items.find((e: { action: string }) => e.action === 'dispatch.planned');
    expect(planned.data).toMatchObject({ nodes: 6, tiers: 2 });
  });
});

describe('reports per cycle', () => {
  it('takes reports by cycle, marks late ones, keeps revisions, and aggregates with coverage up the tree', async () => {
    const id = await unitsUnderA([
      ['D1', 'federation', null],
      ['G11', 'grassroots_union', 'D1'],
      ['G12', 'grassroots_union', 'D1'],
      ['G13', 'grassroots_union', 'D1'],
    ]);
    const [g11, g12, d1Clerk] = [
      await member(id.G11, 'specialist'),
      await member(id.G12, 'specialist'),
      await member(id.D1, 'clerk'),
    ];

    // Hourly cycles that began 90 minutes ago: cycle 0 is past its deadline, cycle 1 is open, cycle 2 is not yet.
    const start = new Date(Date.now() - 90 * 60_000).toISOString();
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
        {
          key: 'participants',
          label: 'Số lượt người tham gia',
          type: 'integer',
          required: true,
          min: 0,
          aggregate: 'average',
        },
        { key: 'done', label: 'Đã quán triệt', type: 'boolean', required: true, aggregate: 'countTrue' },
      ],
    };
    const badForm = await post('/directives', org.tokens.clerk, {
      ...draft(org.ids.A),
      reporting: {
        schedule: { kind: 'adhoc' },
        form: { fields: [{ key: 'x', label: 'X', type: 'text', required: true, aggregate: 'sum' }] },
      },
    });
    expect(badForm.body.error).toMatchObject({
      code: 'REPORT_FORM_INVALID',
      message: 'reporting.form.fields.0.aggregate: a text field aggregates by collect',
    });

    const reporting = { schedule: { kind: 'interval', start, everySeconds: 3600, count: 3 }, form };
    const unsigned = await post('/directives', org.tokens.clerk, { ...draft(org.ids.A), reporting }).expect(
      201,
    );
    const early = await post(`/directives/${unsigned.body.id}/reports`, g11, {
      unitId: id.G11,
      cycle: 1,
      values: { sessions: 1, participants: 1, done: true },
    });
    // not dispatched yet: not routed to G11, which is answered as if there were no such directive
    expect(early.body.error.code).toBe('DIRECTIVE_NOT_FOUND');
    const directiveId = await dispatchedDirective({
      addressees: { mode: 'units', unitIds: [id.D1, id.G11, id.G12, id.G13] },
      reporting,
    });

    const report = (token: string, unitId: string, cycle: number, values: object) =>
      post(`/directives/${directiveId}/reports`, token, { unitId, cycle, values });
    const onTime = await report(g11, id.G11, 1, { sessions: 2, participants: 100, done: true });
    expect(onTime.status).toBe(201);
    expect(onTime.body).toMatchObject({ revision: 1, late: false, label: '#2' });
    const revised = await report(g11, id.G11, 1, { sessions: 3, participants: 120, done: true });
    expect(revised.body).toMatchObject({ revision: 2, late: false });
    const late = await report(g12, id.G12, 0, { sessions: 1, participants: 40, done: false });
    expect(late.body).toMatchObject({ revision: 1, late: true });
    await report(g12, id.G12, 1, { sessions: 4, participants: 60, done: false }).expect(201);

    const invalid = await report(g12, id.G12, 1, { sessions: -1, done: 'có', extra: 1 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('REPORT_INVALID');
    expect(invalid.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'values.extra',
      'values.sessions',
      'values.participants',
      'values.done',
    ]);
    expect((await report(g12, id.G12, 2, { sessions: 1, participants: 1, done: true })).body.error.code).toBe(
      'CYCLE_NOT_OPEN',
    );
    expect((await report(g12, id.G12, 7, { sessions: 1, participants: 1, done: true })).body.error.code).toBe(
      'CYCLE_NOT_FOUND',
    );
    expect((await report(g11, id.G12, 1, { sessions: 1, participants: 1, done: true })).status).toBe(404); // not its unit
    const hub = await report(d1Clerk, id.D1, 1, { sessions: 1, participants: 1, done: true });
    expect(hub.body.error.code).toBe('REPORT_NOT_EXPECTED'); // the district aggregates, it does not file its own

    const atDistrict = await http()
      .get(`/directives/${directiveId}/aggregate?unitId=${id.D1}&cycle=1`)
      .set(auth(d1Clerk))
      .expect(200);
    expect(atDistrict.body).toMatchObject({
      label: '#2',
      values: { sessions: 7, participants: 90, done: 1 },
      coverage: { expected: 3, onTime: 2, late: 0, missing: 1, missingUnits: [id.G13] },
    });
    const atIssuer = await http()
      .get(`/directives/${directiveId}/aggregate?unitId=${org.ids.A}&cycle=1`)
      .set(auth(org.tokens.leader))
      .expect(200);
    expect(atIssuer.body.values).toEqual(atDistrict.body.values);
    expect(atIssuer.body.coverage).toEqual(atDistrict.body.coverage);
    const lateCycle = await http()
      .get(`/directives/${directiveId}/aggregate?unitId=${id.D1}&cycle=0`)
      .set(auth(d1Clerk))
      .expect(200);
    expect(lateCycle.body.coverage).toMatchObject({ onTime: 0, late: 1, missing: 2 });

    const current = await http()
      .get(`/directives/${directiveId}/reports?unitId=${id.D1}&cycle=1`)
      .set(auth(d1Clerk))
      .expect(200);
    expect(
      current.body.items.map((r: { unitId: string; revision: number }) => [r.unitId, r.revision]).sort(),
    ).toEqual(
      [
        [id.G11, 2],
        [id.G12, 1],
      ].sort(),
    );
    expect(
      (await http().get(`/directives/${directiveId}/aggregate?unitId=${id.D1}&cycle=1`).set(auth(g11)))
        .status,
    ).toBe(404); // above its own unit
    // A request whose API process died: after its transaction committed (the key's record still pending), its retry
    // answers the report it filed; before anything was stored (a pending record past its lease), the retry runs.
    const g13 = await member(id.G13, 'specialist');
    const key = newKey();
    const crashed = () =>
      http()
        .post(`/directives/${directiveId}/reports`)
        .set(auth(g13))
        .set('Idempotency-Key', key)
        .send({ unitId: id.G13, cycle: 1, values: { sessions: 5, participants: 50, done: true } });
    const first = await crashed().expect(201);
    await pg.query(`UPDATE idempotency_record SET status = NULL, response = NULL WHERE key = $1`, [key]);
    const waiting = await crashed();
    expect({ status: waiting.status, code: waiting.body.error?.code }).toEqual({
      status: 409,
      code: 'IDEMPOTENCY_REQUEST_IN_PROGRESS',
    });
    await pg.query(
      `UPDATE idempotency_record SET created_at = now() - interval '31 seconds' WHERE key = $1`,
      [key],
    );
    const retried = await crashed().expect(201);
    expect(retried.body).toMatchObject({ revision: first.body.revision, late: first.body.late });
    const g13Reports = await pg.query(
      `SELECT count(*)::int AS n FROM report WHERE directive_id = $1 AND unit_id = $2`,
      [directiveId, id.G13],
    );
    expect(g13Reports.rows[0].n).toBe(1);
    const orphanKey = newKey();
    await pg.query(
      `INSERT INTO idempotency_record (principal, key, method, path, request_hash, created_at)
       SELECT principal, $2, method, path, request_hash, now() - interval '31 seconds' FROM idempotency_record WHERE key = $1`,
      [key, orphanKey],
    );
    const revisedAfterLease = await http()
      .post(`/directives/${directiveId}/reports`)
      .set(auth(g13))
      .set('Idempotency-Key', orphanKey)
      .send({ unitId: id.G13, cycle: 1, values: { sessions: 5, participants: 50, done: true } });
    expect(revisedAfterLease.status).toBe(201);
    expect(revisedAfterLease.body.revision).toBe(first.body.revision + 1);

    // An e-office connector reports through its unit's API key: recorded as the unit's, by no user.
    const connector = await http()
      .post(`/units/${id.G13}/api-keys`)
      .set(auth(org.admin))
      .set('Idempotency-Key', newKey())
      .send({ name: 'e-office', role: 'clerk' })
      .expect(201);
    const byKey = await http()
      .post(`/directives/${directiveId}/reports`)
      .set('X-API-Key', connector.body.key)
      .set('Idempotency-Key', newKey())
      .send({ unitId: id.G13, cycle: 1, values: { sessions: 6, participants: 60, done: true } });
    expect(byKey.status).toBe(201);
    const stored = await pg.query(
      `SELECT submitted_by FROM report WHERE directive_id = $1 AND unit_id = $2 AND revision = $3`,
      [directiveId, id.G13, byKey.body.revision],
    );
    expect(stored.rows).toEqual([{ submitted_by: null }]);
  });
});

describe('reports side by side', () => {
  it('closes a hub once when its last reports arrive together, and files a report that waited on a closing as a late revision', async () => {
    const grassroots = ['G21', 'G22', 'G23', 'G24', 'G25', 'G26'];
    const id = await unitsUnderA([
      ['D2', 'federation', null],
      ...grassroots.map((g) => [g, 'grassroots_union', 'D2'] as [string, string, string]),
      ['D3', 'federation', null],
      ['G31', 'grassroots_union', 'D3'],
      ['G32', 'grassroots_union', 'D3'],
    ]);
    const tokens = await Promise.all([...grassroots, 'G31'].map((g) => member(id[g], 'specialist')));
    const form: ReportForm = {
      fields: [
        { key: 'sessions', label: 'Số buổi', type: 'integer', required: true, min: 0, aggregate: 'sum' },
      ],
    };
    // Hourly cycles that began 90 minutes ago: cycle 1 is open for another 30 minutes.
    const start = new Date(Date.now() - 90 * 60_000).toISOString();
    const directiveId = await dispatchedDirective({
      addressees: { mode: 'units', unitIds: Object.values(id) },
      reporting: { schedule: { kind: 'interval', start, everySeconds: 3600, count: 3 }, form },
    });
    const aggregates = async () =>
      (
        await pg.query<{ unit_id: string; revision: number; reason: string; values: object }>(
          `SELECT unit_id, revision, reason, values FROM aggregate_report WHERE directive_id = $1 AND cycle = 1
            ORDER BY unit_id, revision`,
          [directiveId],
        )
      ).rows;

    // Every grassroots unit of D2 at once: none sees the others' reports before they commit, and the last to commit
    // closes D2 — exactly once.
    const answers = await Promise.all(
      grassroots.map((g, i) =>
        post(`/directives/${directiveId}/reports`, tokens[i], {
          unitId: id[g],
          cycle: 1,
          values: { sessions: i + 1 },
        }),
      ),
    );
    expect(answers.map((a) => [a.status, a.body.revision, a.body.afterClose])).toEqual(
      grassroots.map(() => [201, 1, false]),
    );
    expect(await aggregates()).toEqual([
      { unit_id: id.D2, revision: 1, reason: 'complete', values: { sessions: 21 } },
    ]);
    expect(answers.flatMap((a) => a.body.aggregates)).toEqual([
      { unitId: id.D2, revision: 1, reason: 'complete' },
    ]);

    // D3 closes at its deadline while G31's report waits for D3's lock: the report is filed after the closing, as a
    // late revision that re-aggregates D3; with D2 and D3 answered, the issuer closes too.
    const closer = createDataSource({ url: process.env.DATABASE_URL! });
    await closer.initialize();
    try {
      let report: Promise<request.Response> | undefined;
      await closer.transaction(async (t) => {
        await lockHub(t, directiveId, id.D3, 1);
        report = post(`/directives/${directiveId}/reports`, tokens[grassroots.length], {
          unitId: id.G31,
          cycle: 1,
          values: { sessions: 10 },
        }).then((r) => r);
        await waitFor('the report to wait for the lock of D3', async () => {
          const waiting = await pg.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          );
          return waiting.rows[0].n > 0;
        });
        await recordAggregateEvent(
          t,
          directiveId,
          await writeAggregate(t, directiveId, id.D3, 1, form, 'deadline'),
        );
      });
      const late = await report!;
      expect(late.status).toBe(201);
      expect(late.body).toMatchObject({ revision: 1, late: false, afterClose: true, aggregates: [] });
    } finally {
      await closer.destroy();
    }
    // The worker's pass revises D3 (late reports coalesce) and, with D2 and D3 answered, closes the issuer.
    const after = await waitFor('the late revision of D3 and the issuer closed', async () => {
      const rows = await aggregates();
      return rows.some((a) => a.unit_id === org.ids.A) && rows;
    });
    expect(after.filter((a) => a.unit_id === id.D3).map((a) => [a.revision, a.reason, a.values])).toEqual([
      [1, 'deadline', { sessions: 0 }],
      [2, 'late-report', { sessions: 10 }],
    ]);
    expect(after.filter((a) => a.unit_id === org.ids.A).map((a) => [a.revision, a.reason, a.values])).toEqual(
      [[1, 'complete', { sessions: 31 }]],
    );
    const events = await pg.query<{ action: string; n: number }>(
      `SELECT action, count(*)::int AS n FROM directive_event WHERE directive_id = $1 AND action LIKE 'report.%'
        GROUP BY action ORDER BY action`,
      [directiveId],
    );
    expect(events.rows).toEqual([
      { action: 'report.late-revision', n: 1 },
      { action: 'report.submitted', n: grassroots.length },
    ]);
  });
});
