import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { newKey } from './ids';
import { addMember, auth, SIGNING_AUTHORITY, type Org } from './org';
import { waitFor } from './wait-for';

/** A unit's secretariat: a clerk, and a leader with signing authority who is its whole review chain. */
export interface Desk {
  clerk: { id: string; token: string; email: string };
  leader: { id: string; token: string; email: string };
}

export async function desk(api: INestApplication, org: Org, unitId: string): Promise<Desk> {
  const clerk = await addMember(api, org, unitId, 'clerk');
  const leader = await addMember(api, org, unitId, 'leader', SIGNING_AUTHORITY);
  await request(api.getHttpServer())
    .put(`/units/${unitId}/review-chain`)
    .set(auth(org.admin))
    .send({ reviewerIds: [leader.id] })
    .expect(200);
  return { clerk, leader };
}

/** Drafted by the desk's clerk, approved and signed by its leader, then dispatched: answers the directive's id. */
export async function issue(api: INestApplication, d: Desk, body: object): Promise<string> {
  const post = (path: string, token: string, b: object) =>
    request(api.getHttpServer()).post(path).set(auth(token)).set('Idempotency-Key', newKey()).send(b);
  const created = await post('/directives', d.clerk.token, body);
  if (created.status !== 201) throw new Error(`draft: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  await post(`/directives/${id}/submit`, d.clerk.token, { version: 1 }).expect(200);
  await post(`/directives/${id}/review`, d.leader.token, { version: 1, decision: 'approve' }).expect(200);
  await post(`/directives/${id}/sign`, d.leader.token, { version: 1 }).expect(200);
  await waitFor(
    'the dispatch',
    async () =>
      (await request(api.getHttpServer()).get(`/directives/${id}`).set(auth(d.clerk.token))).body.status ===
      'dispatched',
  );
  return id;
}
