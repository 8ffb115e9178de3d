/**
 * Issue 18, the ladder's rungs and addressing by kind, on the real Temporal dev server and PostgreSQL:
 * - a directive whose ladder has `aboveAfter` escalates, last, to the leaders of the body above the issuer (the
 *   issuer's own parent in the organisation): rung `above`, event `escalated.above`, an e-mail per leader;
 * - a unit whose routing parent is the issuer: the parent rung goes to the issuer's leaders, the issuer rung writes
 *   its row and event but does not e-mail them again; nobody gets two e-mails for one unit's one rung;
 * - `children` and `subtree` route the executing units and leave the issuer's departments out, unless one is named in
 *   `unitIds`; the directive import resolves addressee names by the same rule.
 *
 * The tree, under the organisation's A: P (the issuer) → D1 → G1, P → G2, and the departments VP and BAN of P and TG
 * of D1.
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { startApi, startWorker } from './support/apps';
import { newKey } from './support/ids';
import { addMember, auth, buildOrg, SIGNING_AUTHORITY, type Org } from './support/org';
import { waitFor } from './support/wait-for';

jest.setTimeout(240_000);

let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
let pg: PgClient;
const http = () => request(api.getHttpServer());
const post = (path: string, token: string, body: object) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);
const get = (path: string, token: string) => http().get(path).set(auth(token));

const tag = randomUUID().slice(0, 6).toUpperCase();
type Label = 'P' | 'D1' | 'G1' | 'G2' | 'VP' | 'BAN' | 'TG';
let id: Record<Label, string>;
let clerkP: string;
let leaderP: { id: string; token: string; email: string };
let leaderD1: { email: string };
let leaderAbove: { email: string };

const form = {
  fields: [{ key: 'sessions', label: 'Số buổi', type: 'integer', required: true, min: 0, aggregate: 'sum' }],
};

/** Drafted by P's clerk, approved and signed by its leader, and dispatched; answers the directive's id. */
async function dispatch(body: object): Promise<string> {
  const created = await post('/directives', clerkP, {
    issuerId: id.P,
    type: 'CV',
    subject: `V/v thử thang đôn đốc ${tag}`,
    tasks: ['Triển khai.'],
    ...body,
  });
  expect(created.status).toBe(201);
  const directiveId = created.body.id as string;
  await post(`/directives/${directiveId}/submit`, clerkP, { version: 1 }).expect(200);
  await post(`/directives/${directiveId}/review`, leaderP.token, { version: 1, decision: 'approve' }).expect(
    200,
  );
  await post(`/directives/${directiveId}/sign`, leaderP.token, { version: 1 }).expect(200);
  await waitFor(
    'the dispatch',
    async () => (await get(`/directives/${directiveId}`, clerkP)).body.status === 'dispatched',
  );
  return directiveId;
}

/** The units a directive was routed to, as labels, sorted. */
async function routed(directiveId: string): Promise<string[]> {
  const res = await get(`/directives/${directiveId}/routing`, clerkP).expect(200);
  const label = Object.fromEntries(Object.entries(id).map(([k, v]) => [v, k]));
  return res.body.items.map((n: { unitId: string }) => label[n.unitId] ?? n.unitId).sort();
}

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi(), startWorker()]);
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  const p = `${org.prefix}-${randomUUID().slice(0, 4)}`;
  const rows: [Label, string, string, Label | null][] = [
    ['P', `Liên đoàn Lao động huyện Thử ${tag}`, 'federation', null],
    ['D1', `Liên đoàn Lao động xã Thử ${tag}`, 'federation', 'P'],
    ['G1', `Công đoàn cơ sở Trường THCS Thái Bình ${tag}`, 'grassroots_union', 'D1'],
    ['G2', `Công đoàn cơ sở xã Hảo Đước ${tag}`, 'grassroots_union', 'P'],
    ['VP', `Văn phòng Liên đoàn ${tag}`, 'department', 'P'],
    ['BAN', `Ban Công đoàn cơ sở ${tag}`, 'department', 'P'],
    ['TG', `Ban Tuyên giáo xã Thử ${tag}`, 'department', 'D1'],
  ];
  const imported = await post('/units/import', org.admin, {
    units: rows.map(([label, name, kind, parent]) => ({
      code: `${p}-${label}`,
      name,
      kind,
      parentCode: parent ? `${p}-${parent}` : org.codes.A,
    })),
  }).expect(200);
  id = Object.fromEntries(
    imported.body.created.map((c: { code: string; id: string }) => [c.code.slice(p.length + 1), c.id]),
  ) as typeof id;
  clerkP = (await addMember(api, org, id.P, 'clerk')).token;
  leaderP = await addMember(api, org, id.P, 'leader', SIGNING_AUTHORITY);
  await http()
    .put(`/units/${id.P}/review-chain`)
    .set(auth(org.admin))
    .send({ reviewerIds: [leaderP.id] })
    .expect(200);
  leaderD1 = await addMember(api, org, id.D1, 'leader');
  // P's parent in the organisation is A: its leaders hear the last rung.
  leaderAbove = await addMember(api, org, org.ids.A, 'leader');
});

afterAll(async () => {
  await pg?.end();
  await worker?.close();
  await api?.close();
});

describe('the rung above the issuer', () => {
  it('tells the leaders of the issuer’s parent last, and the issuer’s leaders once per late unit', async () => {
    // One cycle of 8 s from dispatch; parent 1 s after the grassroots deadline, issuer 2 s, above 3 s.
    const directiveId = await dispatch({
      addressees: { mode: 'subtree', depth: 2 },
      reporting: {
        schedule: { kind: 'interval', everySeconds: 8, count: 1 },
        stagger: [0, 1, 2],
        form,
        escalation: { parentAfter: 'PT1S', issuerAfter: 'PT2S', aboveAfter: 'PT3S' },
      },
    });
    // The subtree takes the executing units, not P's departments (VP, BAN) nor D1's (TG).
    expect(await routed(directiveId)).toEqual(['D1', 'G1', 'G2']);
    const live = await waitFor('the reporting plan', async () => {
      const res = await get(`/directives/${directiveId}?live=true`, clerkP);
      return Boolean(res.body.reporting?.cycle) && res.body.reporting;
    });
    expect(live.steps.map((s: { kind: string }) => s.kind)).toEqual(
      expect.arrayContaining(['escalate-parent', 'escalate-issuer', 'escalate-above']),
    );
    expect(live.steps.at(-1).kind).toBe('escalate-above');

    // Nobody reports: G1 (routed under D1) and G2 (right under the issuer) climb the whole ladder.
    const levels = async () =>
      (await get(`/directives/${directiveId}/escalations?cycle=0`, clerkP)).body.items as {
        unitId: string;
        level: string;
      }[];
    await waitFor(
      'the rung above the issuer for both units',
      async () => (await levels()).filter((e) => e.level === 'above').length === 2,
      { timeoutMs: 60_000 },
    );
    const ladder = await levels();
    for (const unit of [id.G1, id.G2])
      expect(
        ladder
          .filter((e) => e.unitId === unit)
          .map((e) => e.level)
          .sort(),
      ).toEqual(['above', 'issuer', 'overdue', 'parent']);

    const mails = await pg.query<{ kind: string; recipient_email: string; unit: string; subject: string }>(
      `SELECT kind, recipient_email, split_part(dedupe_key, '/', 4) AS unit, subject FROM notification_outbox
        WHERE directive_id = $1 AND kind IN ('report.parent', 'report.issuer', 'report.above')`,
      [directiveId],
    );
    const sent = (kind: string, unit: string) =>
      mails.rows
        .filter((m) => m.kind === kind && m.unit === unit)
        .map((m) => m.recipient_email)
        .sort();
    const aboveLeaders = (
      await pg.query<{ email: string }>(
        `SELECT u.email FROM membership ms JOIN app_user u ON u.id = ms.user_id
          WHERE ms.unit_id = $1 AND ms.role = 'leader' AND u.active`,
        [org.ids.A],
      )
    ).rows
      .map((r) => r.email)
      .sort();
    expect(aboveLeaders).toContain(leaderAbove.email);
    // G1: its routing parent D1, then the issuer P, then P's parent A.
    expect(sent('report.parent', id.G1)).toEqual([leaderD1.email]);
    expect(sent('report.issuer', id.G1)).toEqual([leaderP.email]);
    expect(sent('report.above', id.G1)).toEqual(aboveLeaders);
    // G2: its routing parent is the issuer, whose leaders are told once (the parent rung), then A's.
    expect(sent('report.parent', id.G2)).toEqual([leaderP.email]);
    expect(sent('report.issuer', id.G2)).toEqual([]);
    expect(sent('report.above', id.G2)).toEqual(aboveLeaders);
    expect(mails.rows.find((m) => m.kind === 'report.above')!.subject).toMatch(
      /^Báo cáo chậm: chuyển cấp trên của cơ quan ban hành kỳ 1: /,
    );
    // Nobody gets two e-mails for one unit's one rung, nor, for one unit, the issuer's leaders twice.
    const all = await pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM notification_outbox WHERE directive_id = $1 AND kind LIKE 'report.%'
        GROUP BY kind, split_part(dedupe_key, '/', 4), recipient_email HAVING count(*) > 1`,
      [directiveId],
    );
    expect(all.rows).toEqual([]);
    expect(mails.rows.filter((m) => m.unit === id.G2 && m.recipient_email === leaderP.email)).toHaveLength(1);

    const actions = (await get(`/directives/${directiveId}/events`, clerkP)).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(actions.filter((a: string) => a === 'escalated.issuer')).toHaveLength(2);
    expect(actions.filter((a: string) => a === 'escalated.above')).toHaveLength(2);
    await post(`/directives/${directiveId}/close`, leaderP.token, { reason: 'Thử xong' }).expect(200);
  });
});

describe('addressing by kind', () => {
  it('routes `children` to the executing units, and a department only when it is named', async () => {
    const plain = await dispatch({ addressees: { mode: 'children' } });
    expect(await routed(plain)).toEqual(['D1', 'G2']);
    const withVp = await dispatch({ addressees: { mode: 'children', unitIds: [id.VP] } });
    expect(await routed(withVp)).toEqual(['D1', 'G2', 'VP']);
    const listed = await dispatch({ addressees: { mode: 'units', unitIds: [id.VP, id.G1] } });
    expect(await routed(listed)).toEqual(['G1', 'VP']);
  });

  it('imports "các … trực thuộc" as the executing units, keeps a department named exactly, and never takes a loose name for one', async () => {
    const text = `Số: 5/LĐLĐ
V/v thử gửi theo loại đơn vị
Kính gửi:
- Các công đoàn cơ sở trực thuộc;
- Văn phòng Liên đoàn ${tag};
- Công đoàn cơ sở ${tag}.
1. Triển khai.`;
    const res = await http()
      .post(`/directives/import?issuerId=${id.P}`)
      .set(auth(clerkP))
      .set('Content-Type', 'text/plain; charset=utf-8')
      .send(text)
      .expect(200);
    const [all, vp, loose] = res.body.resolution.addressees as {
      text: string;
      status: string;
      unit: { unitId: string } | null;
      candidates: { unitId: string }[];
    }[];
    expect(all).toMatchObject({ text: 'Các công đoàn cơ sở trực thuộc', status: 'subordinates' });
    expect(vp).toMatchObject({ status: 'matched', unit: { unitId: id.VP } });
    // "Công đoàn cơ sở …" is closest to the department "Ban Công đoàn cơ sở …" by its letters, but is not one.
    expect(loose.text).toBe(`Công đoàn cơ sở ${tag}`);
    const offered = [loose.unit, ...loose.candidates].filter(Boolean).map((u) => u!.unitId);
    expect(offered).not.toContain(id.BAN);
    expect(offered).not.toContain(id.VP);
    expect(res.body.draft.addressees).toEqual({ mode: 'children', unitIds: [id.VP] });
  });
});
