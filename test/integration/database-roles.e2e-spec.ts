/**
 * The running services connect as a runtime role that the migration role (the schema's owner) grants only what they
 * need (`grantRuntimeRole`): a whole directive's life runs on it, and an attacker holding its credentials cannot
 * disable the trail's triggers, replace its functions or rewrite an event.
 */
import { randomBytes } from 'node:crypto';
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Client as PgClient } from 'pg';
import request from 'supertest';
import { grantRuntimeRole } from '@cascade/persistence';
import { startApi, startWorker } from './support/apps';
import { addMember, auth, buildOrg, SIGNING_AUTHORITY, type Org } from './support/org';
import { newKey } from './support/ids';
import { waitFor } from './support/wait-for';

jest.setTimeout(180_000);

const ownerUrl = process.env.DATABASE_URL!;
const role = `cascade_rt_${randomBytes(6).toString('hex')}`;
const password = randomBytes(18).toString('base64url');
const runtimeUrl = (() => {
  const url = new URL(ownerUrl);
  url.username = role;
  url.password = password;
  return url.toString();
})();

let owner: PgClient;
let runtime: PgClient;
let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
let directiveId: string;
const http = () => request(api.getHttpServer());

beforeAll(async () => {
  owner = new PgClient({ connectionString: ownerUrl });
  await owner.connect();
  await owner.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  await grantRuntimeRole(ownerUrl, role);
  runtime = new PgClient({ connectionString: runtimeUrl });
  await runtime.connect();
  // The API and the worker on the runtime role, as a deployment runs them.
  api = await startApi({ DATABASE_URL: runtimeUrl });
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = runtimeUrl;
  try {
    worker = await startWorker();
  } finally {
    process.env.DATABASE_URL = saved;
  }
  org = await buildOrg(api);
});

afterAll(async () => {
  await worker?.close();
  await api?.close();
  await runtime?.end();
  await owner?.query(`DROP OWNED BY ${role}`).catch(() => undefined);
  await owner?.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  await owner?.end();
});

describe('the runtime database role', () => {
  it('runs a directive from draft to dispatch, acknowledgement and a verified, sealed trail', async () => {
    const post = (path: string, token: string, body: object) =>
      http().post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(body);
    const leader = await addMember(api, org, org.ids.A, 'leader', SIGNING_AUTHORITY);
    await http()
      .put(`/units/${org.ids.A}/review-chain`)
      .set(auth(org.admin))
      .send({ reviewerIds: [leader.id] })
      .expect(200);
    const created = await post('/directives', org.tokens.clerk, {
      issuerId: org.ids.A,
      type: 'CV',
      subject: 'V/v thử vai trò cơ sở dữ liệu',
      tasks: ['Thực hiện.'],
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
      async () =>
        (await http().get(`/directives/${directiveId}`).set(auth(org.tokens.clerk))).body.status ===
        'dispatched',
    );
    const a1 = await addMember(api, org, org.ids.A1, 'clerk');
    await post(`/directives/${directiveId}/acknowledge`, a1.token, {
      unitId: org.ids.A1,
      decision: 'accept',
    }).expect(200);
    const verified = await http()
      .get(`/directives/${directiveId}/audit/verify`)
      .set(auth(org.tokens.auditor))
      .expect(200);
    expect(verified.body.valid).toBe(true);
    const sealed = await runtime.query(
      `SELECT count(*)::int AS n FROM directive_event WHERE directive_id = $1 AND seq IS NOT NULL`,
      [directiveId],
    );
    expect(sealed.rows[0].n).toBeGreaterThanOrEqual(5);
  });

  it('cannot disable the trail, replace its functions or rewrite an event; the owner could', async () => {
    const refused: [string, RegExp][] = [
      [
        `ALTER TABLE directive_event DISABLE TRIGGER directive_event_append_only`,
        /must be owner|permission denied/,
      ],
      [`DROP TRIGGER directive_event_append_only ON directive_event`, /must be owner|permission denied/],
      [`ALTER TABLE directive_event DISABLE TRIGGER ALL`, /must be owner|permission denied/],
      [
        `CREATE OR REPLACE FUNCTION directive_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
        /must be owner|permission denied/,
      ],
      [
        `CREATE OR REPLACE FUNCTION cascade_seal_events(p uuid) RETURNS int LANGUAGE sql AS 'SELECT 0'`,
        /must be owner|permission denied/,
      ],
      [
        `UPDATE directive_event SET reason = 'sửa' WHERE directive_id = '${directiveId}'`,
        /permission denied/,
      ],
      [`DELETE FROM directive_event WHERE directive_id = '${directiveId}'`, /permission denied/],
      [`TRUNCATE directive_event`, /permission denied/],
      [
        `UPDATE directive_chain_head SET hash = 'x' WHERE directive_id = '${directiveId}'`,
        /permission denied/,
      ],
      [`DELETE FROM schema_migrations`, /permission denied/],
      [`DROP TABLE directive_event`, /must be owner|permission denied/],
    ];
    for (const [statement, error] of refused) {
      await expect(runtime.query(statement)).rejects.toThrow(error);
    }
    // It may still append and read, as the services do.
    const appended = await runtime.query(
      `INSERT INTO directive_event (directive_id, action, data) VALUES ($1, 'test.appended', '{}') RETURNING id`,
      [directiveId],
    );
    expect(appended.rows).toHaveLength(1);
    // The same statement is within the owner's rights: what refused it above was the role.
    await owner.query('BEGIN');
    try {
      await owner.query(`ALTER TABLE directive_event DISABLE TRIGGER directive_event_append_only`);
    } finally {
      await owner.query('ROLLBACK');
    }
  });
});
