/**
 * The audit trail: every event of a directive is chained by hash (written by a database trigger, whatever inserts
 * it), the table refuses UPDATE and DELETE, reads are recorded; auditors get the timeline, the verification of every
 * chain and signature (a row altered behind the application's back is found, with the first broken link), the tree
 * as of a time and the case file; the `cascade` bin verifies, replays and exports.
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client as PgClient } from 'pg';
import { startApi, startWorker } from './support/apps';
import { cascade } from './support/cli';
import { newKey } from './support/ids';
import { addMember, auth, buildOrg, SIGNING_AUTHORITY, type Org } from './support/org';
import { waitFor } from './support/wait-for';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '..', '..');
let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
let pg: PgClient;
const http = () => request(api.getHttpServer());
const post = (path: string, token: string, body: object) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);
const get = (path: string, token: string) => http().get(path).set(auth(token));

const member = (unitId: string, role: string, extra: object = {}) => addMember(api, org, unitId, role, extra);

let directiveId: string;
let beforeAck: string;
let liveAt: string;
let liveTree: Record<string, string>;

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi(), startWorker()]);
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  const leader = await member(org.ids.A, 'leader', SIGNING_AUTHORITY);
  await http()
    .put(`/units/${org.ids.A}/review-chain`)
    .set(auth(org.admin))
    .send({ reviewerIds: [leader.id] })
    .expect(200);
  const created = await post('/directives', org.tokens.clerk, {
    issuerId: org.ids.A,
    type: 'KH',
    subject: 'Kế hoạch tuyên truyền kỷ niệm ngày thành lập Công đoàn Việt Nam',
    tasks: ['Tổ chức tuyên truyền.', 'Báo cáo kết quả.'],
    addressees: { mode: 'children' },
  }).expect(201);
  directiveId = created.body.id;
  await post(`/directives/${directiveId}/submit`, org.tokens.clerk, { version: 1 }).expect(200);
  await post(`/directives/${directiveId}/review`, leader.token, { version: 1, decision: 'approve' }).expect(
    200,
  );
  await post(`/directives/${directiveId}/sign`, leader.token, { version: 1 }).expect(200);
  await waitFor(
    'the dispatch',
    async () => (await get(`/directives/${directiveId}`, org.tokens.clerk)).body.status === 'dispatched',
  );
  beforeAck = new Date().toISOString();
  const a1 = await member(org.ids.A1, 'clerk');
  await post(`/directives/${directiveId}/acknowledge`, a1.token, {
    unitId: org.ids.A1,
    decision: 'accept',
  }).expect(200);
  // The live tree, captured now, to compare with the tree rebuilt from the trail as of this instant.
  const live = await get(`/directives/${directiveId}/routing`, org.tokens.clerk).expect(200);
  liveTree = Object.fromEntries(
    live.body.items.map((n: { unitId: string; status: string }) => [n.unitId, n.status]),
  );
  liveAt = new Date().toISOString();
  await post(`/directives/${directiveId}/close`, leader.token, { reason: 'Hoàn thành' }).expect(200);
});

afterAll(async () => {
  await pg?.end();
  await worker?.close();
  await api?.close();
});

describe('the audit trail', () => {
  it('chains every event by hash and verifies the chain and the signature', async () => {
    const verified = await get(`/directives/${directiveId}/audit/verify`, org.tokens.auditor).expect(200);
    const events = await pg.query(
      `SELECT seq, prev_hash, hash FROM directive_event WHERE directive_id = $1 ORDER BY seq`,
      [directiveId],
    );
    expect(verified.body).toMatchObject({
      valid: true,
      chains: [{ directiveId, valid: true, events: events.rows.length, firstBroken: null }],
      signatures: [{ directiveId, signed: true, valid: true, problems: [] }],
    });
    expect(events.rows.map((e) => e.seq)).toEqual(events.rows.map((_, i) => i + 1));
    expect(events.rows[0].prev_hash).toBe('');
    for (let i = 1; i < events.rows.length; i++)
      expect(events.rows[i].prev_hash).toBe(events.rows[i - 1].hash);
  });

  it('refuses to change or delete an event, for any statement', async () => {
    await expect(
      pg.query(`UPDATE directive_event SET reason = 'sửa' WHERE directive_id = $1`, [directiveId]),
    ).rejects.toThrow(/append-only/);
    await expect(
      pg.query(`DELETE FROM directive_event WHERE directive_id = $1`, [directiveId]),
    ).rejects.toThrow(/append-only/);
    await expect(pg.query(`TRUNCATE directive_event`)).rejects.toThrow(/append-only|cannot truncate/);
  });

  it('gives auditors the timeline, the tree as of a time and the case file; records who read what', async () => {
    const timeline = await get(`/directives/${directiveId}/audit/timeline`, org.tokens.auditor).expect(200);
    const actions = timeline.body.items.map((e: { action: string }) => e.action);
    expect(actions.slice(0, 5)).toEqual([
      'drafted',
      'review.submitted',
      'review.approved',
      'signed',
      'dispatch.planned',
    ]);
    expect(actions).toEqual(expect.arrayContaining(['dispatched', 'acknowledged', 'closed']));
    const reviews = await get(`/directives/${directiveId}/audit/timeline?action=review`, org.tokens.auditor);
    expect(reviews.body.items.map((e: { action: string }) => e.action)).toEqual([
      'review.submitted',
      'review.approved',
    ]);
    const aboutA1 = await get(
      `/directives/${directiveId}/audit/timeline?unitId=${org.ids.A1}`,
      org.tokens.auditor,
    );
    expect(aboutA1.body.items.map((e: { action: string }) => e.action)).toEqual(['acknowledged']);

    const then = await get(
      `/directives/${directiveId}/audit/as-of?at=${beforeAck}`,
      org.tokens.auditor,
    ).expect(200);
    expect(then.body.nodes).toEqual([expect.objectContaining({ unitId: org.ids.A1, status: 'delivered' })]);
    const now = await get(
      `/directives/${directiveId}/audit/as-of?at=${new Date().toISOString()}`,
      org.tokens.auditor,
    ).expect(200);
    expect(now.body.nodes).toEqual([expect.objectContaining({ unitId: org.ids.A1, status: 'accepted' })]);
    expect(now.body.lastEvent.action).toBe('closed');
    const asOfLive = await get(
      `/directives/${directiveId}/audit/as-of?at=${liveAt}`,
      org.tokens.auditor,
    ).expect(200);
    expect(
      Object.fromEntries(
        asOfLive.body.nodes.map((n: { unitId: string; status: string }) => [n.unitId, n.status]),
      ),
    ).toEqual(liveTree);
    expect(asOfLive.body.lastEvent.action).toBe('acknowledged');
    expect(
      (await get(`/directives/${directiveId}/audit/as-of?at=yesterday`, org.tokens.auditor)).status,
    ).toBe(400);

    const file = await get(`/directives/${directiveId}/audit/case-file`, org.tokens.auditor).expect(200);
    expect(file.body.verification.valid).toBe(true);
    expect(file.body.timeline.items).toHaveLength(timeline.body.items.length);
    const html = await get(
      `/directives/${directiveId}/audit/case-file?format=html`,
      org.tokens.auditor,
    ).expect(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.text).toContain(file.body.directive.symbol);
    expect(html.text).toContain('toàn vẹn');

    await get(`/directives/${directiveId}`, org.tokens.clerk).expect(200);
    const reads = await pg.query(
      `SELECT user_id, what FROM directive_read WHERE directive_id = $1 ORDER BY what`,
      [directiveId],
    );
    expect(reads.rows).toEqual(
      expect.arrayContaining([
        { user_id: org.userIds.auditor, what: 'case-file' },
        { user_id: org.userIds.clerk, what: 'directive' },
      ]),
    );
    // The trail is for auditors (and admins): a clerk of the issuer may not read it.
    expect((await get(`/directives/${directiveId}/audit/verify`, org.tokens.clerk)).status).toBe(403);
  });

  it('exports every workflow history and replays them through the API', async () => {
    const histories = await get(`/directives/${directiveId}/audit/histories`, org.tokens.auditor).expect(200);
    const types = histories.body.map((h: { type: string }) => h.type).sort();
    expect(types).toEqual(['directiveWorkflow', 'dispatchHubWorkflow']);
    expect(histories.body[0].history.events[0].eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
    const replayed = await get(`/directives/${directiveId}/audit/replay`, org.tokens.auditor).expect(200);
    expect(replayed.body.reproduces).toBe(true);
    expect(replayed.body.runs).toHaveLength(2);
    // One replay at a time per process, against the prebuilt bundle: a second caller meanwhile is told to retry.
    const both = await Promise.all([
      get(`/directives/${directiveId}/audit/replay`, org.tokens.auditor),
      get(`/directives/${directiveId}/audit/replay`, org.tokens.auditor),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 503]);
    expect(both.find((r) => r.status === 503)!.body.error.code).toBe('AUDIT_BUSY');
  });

  it('verifies, replays and exports from the command line', async () => {
    const verified = await cascade('audit', 'verify', directiveId);
    expect(verified.stdout).toContain('verified');
    expect(verified.code).toBe(0);
    const replayed = await cascade('audit', 'replay', directiveId);
    expect(replayed.stdout).toMatch(/\d+ runs reproduce/);
    expect(replayed.code).toBe(0);
    const out = mkdtempSync(join(tmpdir(), 'cascade-export-'));
    const exported = await cascade('audit', 'export', directiveId, '--out', out);
    expect(exported.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'case-file.json'), 'utf8')).directive.id).toBe(directiveId);
    expect(readFileSync(join(out, 'case-file.html'), 'utf8')).toContain('<!doctype html>');
    const histories = readdirSync(join(out, 'histories'));
    expect(histories.some((f) => f.startsWith('directive_'))).toBe(true);
    expect(histories.some((f) => f.startsWith('dispatch_'))).toBe(true);
    const changed = await cascade(
      'audit',
      'replay',
      directiveId,
      '--workflows',
      join(ROOT, 'test', 'replay', 'fixtures', 'changed-directive-workflows.ts'),
    );
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/FAIL directiveWorkflow directive\//);
    expect(changed.stdout).toMatch(/ok {3}dispatchHubWorkflow/);
    expect((await cascade('audit', 'verify', 'not-a-uuid')).code).toBe(2);
    expect((await cascade('audit', 'verify', randomUUID())).code).toBe(2);
  });

  it('writes events unsealed and has the worker seal them in batches, in order; a seal claimed on insert is discarded', async () => {
    const last = await pg.query<{ n: number }>(
      `SELECT max(seq)::int AS n FROM directive_event WHERE directive_id = $1`,
      [directiveId],
    );
    // Written behind the API, as any code could: whatever seal the insert claims is discarded.
    const inserted = await pg.query<{ id: string; seq: number | null; hash: string | null }>(
      `INSERT INTO directive_event (directive_id, action, data, seq, prev_hash, hash)
       VALUES ($1, 'test.note', '{"n": 1}', 999, 'x', 'y'), ($1, 'test.note', '{"n": 2}', 1000, 'x', 'y')
       RETURNING id::text, seq, hash`,
      [directiveId],
    );
    expect(inserted.rows.map((r) => [r.seq, r.hash])).toEqual([
      [null, null],
      [null, null],
    ]);
    // An unsealed event is no more editable than a sealed one, except by its seal.
    await expect(
      pg.query(`UPDATE directive_event SET data = '{"n": 3}' WHERE id = $1`, [inserted.rows[0].id]),
    ).rejects.toThrow(/append-only/);
    const sealed = await waitFor('the worker to seal the new events', async () => {
      const rows = (
        await pg.query<{ seq: number | null; prev_hash: string; hash: string }>(
          `SELECT seq, prev_hash, hash FROM directive_event WHERE id = ANY($1::bigint[]) ORDER BY id`,
          [inserted.rows.map((r) => r.id)],
        )
      ).rows;
      return rows.every((r) => r.seq !== null) && rows;
    });
    expect(sealed.map((r) => r.seq)).toEqual([last.rows[0].n + 1, last.rows[0].n + 2]);
    expect(sealed[1].prev_hash).toBe(sealed[0].hash);
    const verified = await get(`/directives/${directiveId}/audit/verify`, org.tokens.auditor).expect(200);
    expect(verified.body.chains[0]).toMatchObject({ valid: true, events: last.rows[0].n + 2 });
  });

  it('finds every signed field of the record altered behind the application, and each restored one valid again', async () => {
    const altered: [string, string, unknown][] = [
      ['signer_position', 'signer.position', 'Chủ tịch'],
      ['signer_authority', 'signer.authority', 'Q.'],
      ['signer_name', 'signer.name', 'Người khác'],
      ['doc_type', 'type', 'QD'],
      ['signed_at', 'signedAt', '2020-01-01T00:00:00Z'],
      ['symbol', 'symbol', '999/KH-LĐLĐ'],
      ['number', 'number', 999],
      ['year', 'year', 1999],
    ];
    for (const [column, field, value] of altered) {
      const before = await pg.query(`SELECT ${column} AS v FROM directive WHERE id = $1`, [directiveId]);
      await pg.query(`UPDATE directive SET ${column} = $2 WHERE id = $1`, [directiveId, value]);
      try {
        const shown = await get(`/directives/${directiveId}/verify`, org.tokens.clerk).expect(200);
        expect({ column, valid: shown.body.valid }).toEqual({ column, valid: false });
        expect(shown.body.problems).toEqual([`${field}: differs from what was signed`]);
        const audited = await get(`/directives/${directiveId}/audit/verify`, org.tokens.auditor).expect(200);
        expect(audited.body.signatures[0]).toMatchObject({
          valid: false,
          problems: [`${field}: differs from what was signed`],
        });
      } finally {
        await pg.query(`UPDATE directive SET ${column} = $2 WHERE id = $1`, [directiveId, before.rows[0].v]);
      }
    }
    const restored = await get(`/directives/${directiveId}/verify`, org.tokens.clerk).expect(200);
    expect(restored.body).toMatchObject({ valid: true, problems: [] });
  });

  it('finds an event altered behind the application and names the first broken link', async () => {
    // Only someone able to disable the table's triggers (the database owner) can do this; the chain still shows it.
    await pg.query(`ALTER TABLE directive_event DISABLE TRIGGER directive_event_append_only`);
    try {
      await pg.query(`UPDATE directive_event SET reason = 'đã bị sửa' WHERE directive_id = $1 AND seq = 2`, [
        directiveId,
      ]);
    } finally {
      await pg.query(`ALTER TABLE directive_event ENABLE TRIGGER directive_event_append_only`);
    }
    const verified = await get(`/directives/${directiveId}/audit/verify`, org.tokens.auditor).expect(200);
    expect(verified.body.valid).toBe(false);
    expect(verified.body.chains[0].firstBroken).toMatchObject({
      seq: 2,
      problem: 'the event differs from what was hashed',
    });
    const cli = await cascade('audit', 'verify', directiveId);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('BROKEN at event 2');
  });
});
