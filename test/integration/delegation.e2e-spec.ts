/**
 * Delegated signing authority (Decree 30/2020, art. 13) on the real stack: relations KT., Q., TL. and TUQ. recorded by
 * the unit's administrator, a directive signed under each (the signing block printed from the relation, the audit
 * naming signer and grantor with the basis), and the signing activity's refusals: an expired relation, one out of
 * its scope, a re-delegated TUQ., a relation that is not the signer's.
 */
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Client as PgClient } from 'pg';
import request from 'supertest';
import { Client, Connection } from '@temporalio/client';
import { directiveWorkflowId } from '@cascade/contracts';
import { startApi, startWorker } from './support/apps';
import { newKey } from './support/ids';
import { addMember, auth, buildOrg, type Org } from './support/org';
import { waitFor } from './support/wait-for';
import { saveHistory } from '../replay/histories';

jest.setTimeout(240_000);

let api: INestApplication;
let worker: INestApplicationContext;
let org: Org;
let pg: PgClient;
type Person = { id: string; token: string };
let head: Person, deputy: Person, office: Person, officeDeputy: Person, reviewer: Person, tm: Person;
const http = () => request(api.getHttpServer());
const post = (path: string, token: string, body: object, key = newKey()) =>
  http().post(path).set(auth(token)).set('Idempotency-Key', key).send(body);
const DAY = 86_400_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

const draft = (issuerId: string, type = 'CV') => ({
  issuerId,
  type,
  place: 'Châu Thành',
  subject: type === 'CV' ? 'V/v triển khai Tháng Công nhân' : 'Kế hoạch triển khai Tháng Công nhân',
  tasks: ['Quán triệt, triển khai thực hiện.'],
  addressees: { mode: 'children' },
});

async function approved(type = 'CV'): Promise<string> {
  const id = (await post('/directives', org.tokens.clerk, draft(org.ids.A, type)).expect(201)).body
    .id as string;
  await post(`/directives/${id}/submit`, org.tokens.clerk, { version: 1 }).expect(200);
  await post(`/directives/${id}/review`, reviewer.token, { version: 1, decision: 'approve' }).expect(200);
  return id;
}

const grant = (body: object, key?: string) =>
  post(
    `/units/${org.ids.A}/delegations`,
    org.tokens.admin,
    {
      basis: { number: '12/QĐ-LĐLĐ', date: '2026-01-02' },
      validFrom: iso(-DAY),
      ...body,
    },
    key,
  );

beforeAll(async () => {
  [api, worker] = await Promise.all([startApi(), startWorker()]);
  org = await buildOrg(api);
  pg = new PgClient({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  const leader = (position: string, extra: object = {}) =>
    addMember(api, org, org.ids.A, 'leader', { position, ...extra });
  head = await leader('CHỦ TỊCH');
  deputy = await leader('PHÓ CHỦ TỊCH');
  office = await leader('CHÁNH VĂN PHÒNG');
  officeDeputy = await leader('PHÓ CHÁNH VĂN PHÒNG');
  reviewer = await leader('ỦY VIÊN BAN THƯỜNG VỤ');
  tm = await leader('PHÓ CHỦ TỊCH', { authority: 'TM. BAN THƯỜNG VỤ' });
  await http()
    .put(`/units/${org.ids.A}/review-chain`)
    .set(auth(org.tokens.admin))
    .send({ reviewerIds: [reviewer.id] })
    .expect(200);
});

afterAll(async () => {
  await pg?.end();
  await api?.close();
  await worker?.close();
});

describe('signing relations', () => {
  it('are recorded idempotently, listed in pages, revoked once; bad input names the field', async () => {
    const key = newKey();
    const body = { kind: 'KT.', grantorUserId: head.id, granteeUserId: deputy.id, validFrom: iso(-DAY) };
    const first = await grant(body, key).expect(201);
    expect(first.body).toMatchObject({
      kind: 'KT.',
      authority: 'KT. CHỦ TỊCH',
      position: 'PHÓ CHỦ TỊCH',
      grantor: { userId: head.id },
      grantee: { userId: deputy.id },
      basis: { number: '12/QĐ-LĐLĐ', date: '2026-01-02' },
      docTypes: null,
      revokedAt: null,
    });
    const again = await grant(body, key).expect(201);
    expect(again.body.id).toBe(first.body.id);

    const refusals: [object, number, string, string][] = [
      [{ kind: 'XX.' }, 400, 'VALIDATION_FAILED', 'kind'],
      [{ kind: 'TUQ.', docTypes: ['CV'] }, 400, 'DELEGATION_TUQ_UNBOUNDED', 'validUntil'],
      [{ kind: 'TUQ.', validUntil: iso(DAY) }, 400, 'DELEGATION_TUQ_UNBOUNDED', 'docTypes'],
      [{ validUntil: iso(-2 * DAY) }, 400, 'DELEGATION_PERIOD_INVALID', 'validUntil'],
      [{ granteeUserId: head.id }, 400, 'DELEGATION_SELF', 'granteeUserId'],
      [{ granteeUserId: org.userIds.clerk }, 422, 'DELEGATION_GRANTEE_NOT_SIGNER', 'granteeUserId'],
      [{ grantorUserId: org.userIds.clerk }, 422, 'DELEGATION_GRANTOR_NOT_LEADER', 'grantorUserId'],
      [{ basis: { number: '1/QĐ', date: '02/01/2026' } }, 400, 'VALIDATION_FAILED', 'basis'],
    ];
    for (const [change, status, code, field] of refusals) {
      const res = await grant({ ...body, ...change });
      expect([res.status, res.body.error.code]).toEqual([status, code]);
      expect(res.body.error.message).toContain(field);
    }
    // only the unit's administrator records them; others see 403 (a member) or 404 (another tree)
    expect((await post(`/units/${org.ids.A}/delegations`, deputy.token, body)).status).toBe(403);
    const outsider = await addMember(api, org, org.ids.X, 'admin');
    expect((await post(`/units/${org.ids.A}/delegations`, outsider.token, body)).status).toBe(404);

    await grant({ kind: 'TL.', grantorUserId: head.id, granteeUserId: office.id }).expect(201);
    const page1 = await http()
      .get(`/units/${org.ids.A}/delegations?limit=1`)
      .set(auth(org.tokens.admin))
      .expect(200);
    expect(page1.body.items).toHaveLength(1);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await http()
      .get(`/units/${org.ids.A}/delegations?limit=1&cursor=${page1.body.nextCursor}`)
      .set(auth(org.tokens.admin))
      .expect(200);
    expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);
    const badCursor = await http()
      .get(`/units/${org.ids.A}/delegations?cursor=nope`)
      .set(auth(org.tokens.admin));
    expect([badCursor.status, badCursor.body.error.message]).toEqual([
      400,
      expect.stringContaining('cursor'),
    ]);

    const extra = await grant({ kind: 'Q.', grantorUserId: head.id, granteeUserId: reviewer.id }).expect(201);
    const revokeKey = newKey();
    const revoked = await post(
      `/units/${org.ids.A}/delegations/${extra.body.id}/revoke`,
      org.tokens.admin,
      { reason: 'Hết nhiệm vụ' },
      revokeKey,
    ).expect(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const twice = await post(`/units/${org.ids.A}/delegations/${extra.body.id}/revoke`, org.tokens.admin, {});
    expect(twice.body.revokedAt).toBe(revoked.body.revokedAt);
    expect(
      (await post(`/units/${org.ids.B}/delegations/${extra.body.id}/revoke`, org.tokens.admin, {})).status,
    ).toBe(404);
  });
});

describe('signing under a relation', () => {
  const sign = (id: string, who: Person, body: object = {}) =>
    post(`/directives/${id}/sign`, who.token, { version: 1, ...body });

  async function signedEvent(id: string) {
    const events = await http().get(`/directives/${id}/events`).set(auth(org.tokens.auditor)).expect(200);
    return events.body.items.find((e: { action: string }) => e.action === 'signed');
  }

  it.each([
    ['KT.', () => deputy, 'KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'],
    ['Q.', () => deputy, 'Q. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'],
    ['TL.', () => office, 'TL. CHỦ TỊCH', 'CHÁNH VĂN PHÒNG'],
    ['TUQ.', () => office, 'TUQ. CHỦ TỊCH', 'CHÁNH VĂN PHÒNG'],
  ])(
    'signs under %s: the block from the relation, the audit names both people',
    async (kind, who, line, position) => {
      const signer = who();
      const relation = await grant({
        kind,
        grantorUserId: head.id,
        granteeUserId: signer.id,
        ...(kind === 'TUQ.' ? { validUntil: iso(30 * DAY), docTypes: ['CV', 'TB'] } : {}),
      }).expect(201);
      const id = await approved();
      const signed = await sign(id, signer, { delegationId: relation.body.id });
      expect(signed.status).toBe(200);
      expect(signed.body.signer).toMatchObject({ userId: signer.id, authority: line, position });
      const row = await pg.query(`SELECT signed_payload, signer_delegation_id FROM directive WHERE id = $1`, [
        id,
      ]);
      expect(row.rows[0].signer_delegation_id).toBe(relation.body.id);
      expect(JSON.parse(row.rows[0].signed_payload).signer).toMatchObject({
        authority: line,
        position,
        delegation: {
          id: relation.body.id,
          kind,
          grantorUserId: head.id,
          basisNumber: '12/QĐ-LĐLĐ',
          basisDate: '2026-01-02',
        },
      });
      // the directive's answer shows the relation signed under, as the signed record has it
      const answer = await http().get(`/directives/${id}`).set(auth(org.tokens.clerk)).expect(200);
      expect(answer.body.signer.delegation).toMatchObject({
        id: relation.body.id,
        kind,
        grantorUserId: head.id,
      });
      const event = await signedEvent(id);
      expect(event).toMatchObject({
        actorUserId: signer.id,
        data: {
          authority: line,
          position,
          delegation: { id: relation.body.id, kind, grantorUserId: head.id, basisNumber: '12/QĐ-LĐLĐ' },
        },
      });
      expect(
        (await http().get(`/directives/${id}/verify`).set(auth(org.tokens.clerk)).expect(200)).body,
      ).toMatchObject({
        valid: true,
        problems: [],
      });
      if (kind === 'KT.' && process.env.CAPTURE_HISTORIES) {
        // the workflow ends (dispatched, then closed) so that its history is complete for the replay tests
        await waitFor(
          'dispatch',
          async () =>
            (await pg.query(`SELECT status FROM directive WHERE id = $1`, [id])).rows[0].status ===
            'dispatched',
          { timeoutMs: 60_000 },
        );
        await post(`/directives/${id}/close`, tm.token, { reason: 'Hoàn thành' }).expect(200);
        const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
        const client = new Client({ connection });
        await waitFor(
          'the workflow to finish',
          async () =>
            (await client.workflow.getHandle(directiveWorkflowId(id)).describe()).status.name !== 'RUNNING',
          { timeoutMs: 60_000 },
        );
        await saveHistory(client, directiveWorkflowId(id), 'signed-under-delegation-closed');
        await connection.close();
      }
    },
  );

  it('is refused when the relation has expired, is out of scope, re-delegated or not the signer’s', async () => {
    const id = await approved();
    const refused = async (body: object, who: Person, code: string) => {
      const res = await sign(id, who, body);
      expect([res.status, res.body.error?.code]).toEqual([403, code]);
      expect(res.body.error.message).toMatch(/delegationId|authority/);
    };
    const expired = await grant({
      kind: 'KT.',
      grantorUserId: head.id,
      granteeUserId: officeDeputy.id,
      validFrom: iso(-3 * DAY),
      validUntil: iso(-DAY),
    }).expect(201);
    await refused({ delegationId: expired.body.id }, officeDeputy, 'DELEGATION_EXPIRED');
    const later = await grant({
      kind: 'KT.',
      grantorUserId: head.id,
      granteeUserId: officeDeputy.id,
      validFrom: iso(DAY),
    }).expect(201);
    await refused({ delegationId: later.body.id }, officeDeputy, 'DELEGATION_NOT_YET_VALID');
    const plansOnly = await grant({
      kind: 'TUQ.',
      grantorUserId: head.id,
      granteeUserId: officeDeputy.id,
      validUntil: iso(DAY),
      docTypes: ['KH'],
    }).expect(201);
    await refused({ delegationId: plansOnly.body.id }, officeDeputy, 'DELEGATION_OUT_OF_SCOPE');
    // someone else's relation, or a kind never granted
    await refused({ delegationId: plansOnly.body.id }, deputy, 'DELEGATION_NOT_HELD');
    await refused({ authority: 'TL.' }, reviewer, 'DELEGATION_NOT_HELD');
    // re-delegation: a leader's TUQ. to another, then the grantor itself receives its authority by TUQ.
    const secretary = await addMember(api, org, org.ids.A, 'leader', { position: 'TRƯỞNG BAN' });
    const onward = await grant({
      kind: 'TUQ.',
      grantorUserId: secretary.id,
      granteeUserId: officeDeputy.id,
      validUntil: iso(DAY),
      docTypes: ['CV'],
    }).expect(201);
    await grant({
      kind: 'TUQ.',
      grantorUserId: head.id,
      granteeUserId: secretary.id,
      validUntil: iso(10 * DAY),
      docTypes: ['CV'],
    }).expect(201);
    await refused({ delegationId: onward.body.id }, officeDeputy, 'DELEGATION_REDELEGATED');
    // what the signing confirmation offers: only relations in force, in scope, the signer's own
    const options = async (who: Person) =>
      (await http().get(`/directives/${id}/signing-options`).set(auth(who.token)).expect(200)).body as {
        own: { authority: string; position: string } | null;
        relations: { id: string; kind: string }[];
      };
    const offered = (await options(officeDeputy)).relations.map((r) => r.id);
    expect(offered).toContain(onward.body.id);
    for (const never of [expired, later, plansOnly]) expect(offered).not.toContain(never.body.id);
    expect(await options(reviewer)).toEqual({ own: null, relations: [] });
    expect((await options(tm)).own).toEqual({ authority: 'TM. BAN THƯỜNG VỤ', position: 'PHÓ CHỦ TỊCH' });
    expect((await http().get(`/directives/${id}/signing-options`).set(auth(org.tokens.clerk))).status).toBe(
      403,
    );
    const again = await grant({
      kind: 'TUQ.',
      grantorUserId: secretary.id,
      granteeUserId: deputy.id,
      validUntil: iso(DAY),
      docTypes: ['CV'],
    });
    expect([again.status, again.body.error.code]).toEqual([422, 'DELEGATION_REDELEGATED']);
    // a revoked relation no longer signs
    const revokedOne = await grant({
      kind: 'KT.',
      grantorUserId: head.id,
      granteeUserId: reviewer.id,
    }).expect(201);
    await post(`/units/${org.ids.A}/delegations/${revokedOne.body.id}/revoke`, org.tokens.admin, {}).expect(
      200,
    );
    await refused({ delegationId: revokedOne.body.id }, reviewer, 'DELEGATION_REVOKED');

    // none of it signed: the directive is still approved, and signs under a valid relation (chosen by its kind)
    expect((await http().get(`/directives/${id}`).set(auth(org.tokens.clerk))).body.status).toBe('approved');
    // by kind: the one KT. relation not over is the one not yet valid, which the activity refuses
    const early = await sign(id, officeDeputy, { authority: 'KT.' });
    expect([early.status, early.body.error.code]).toEqual([403, 'DELEGATION_NOT_YET_VALID']);
    const current = await grant({ kind: 'KT.', grantorUserId: head.id, granteeUserId: tm.id }).expect(201);
    const signed = await sign(id, tm, { authority: 'KT.' }).expect(200);
    expect(signed.body.signer).toMatchObject({ authority: 'KT. CHỦ TỊCH', position: 'PHÓ CHỦ TỊCH' });
    expect((await signedEvent(id)).data.delegation.id).toBe(current.body.id);
  });
});
