/**
 * Every unit-scoped endpoint × every role × every relation to the caller's unit (self, parent, child, sibling,
 * unrelated), with the expected 2xx / 403 / 404. Expectations are written out here, independently of the code that
 * decides them: subtree roles (clerk, leader, auditor, admin, connector) see their unit and below; a specialist sees
 * its own unit; only admins manage; a connector acknowledges and reports for its unit and below and does nothing
 * else; what you cannot see is 404, what you see but may not change is 403. Every successful answer is also read for
 * its content: no row of a unit the caller may not see. The readable endpoints run again for an API key of each role
 * a key may hold, and every endpoint for a connector key, whose refusals for another tree are those of a unit that
 * does not exist.
 */
import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { API_KEY_ROLES, ROLES, type Role } from '@cascade/domain';
import { startApi } from './support/apps';
import { newKey } from './support/ids';
import { auth, buildOrg, PASSWORD, type Org } from './support/org';

jest.setTimeout(300_000);

type Relation = 'self' | 'parent' | 'child' | 'sibling' | 'unrelated';
const RELATIONS: Record<Relation, keyof Org['ids']> = {
  self: 'A',
  parent: 'R',
  child: 'A1',
  sibling: 'B',
  unrelated: 'X',
};
const SUBTREE_READERS: Role[] = ['admin', 'clerk', 'leader', 'auditor', 'connector'];

function canView(role: Role, relation: Relation): boolean {
  if (relation === 'self') return true;
  return relation === 'child' && SUBTREE_READERS.includes(role);
}

function expectedStatus(kind: Endpoint['kind'], role: Role, relation: Relation, success: number): number {
  if (!canView(role, relation)) return 404;
  if (kind === 'view') return success;
  // Acknowledging and reporting are for the clerks and specialists of the receiving unit itself, and for a
  // connector of it or of a unit above it.
  if (kind === 'report') {
    if (role === 'connector') return success;
    return (role === 'clerk' || role === 'specialist') && relation === 'self' ? success : 403;
  }
  // Drafting is for the clerks and specialists of the issuing unit itself.
  if (kind === 'draft')
    return (role === 'clerk' || role === 'specialist') && relation === 'self' ? success : 403;
  // Signing, closing and recalling are for the leaders of the issuing unit itself.
  if (kind === 'sign') return role === 'leader' && relation === 'self' ? success : 403;
  // The audit trail is for auditors and admins, over their subtree.
  if (kind === 'audit') return role === 'auditor' || role === 'admin' ? success : 403;
  return role === 'admin' ? success : 403;
}

const directiveDraft = (issuerId: string) => ({
  issuerId,
  type: 'KH',
  subject: 'Kế hoạch tuyên truyền',
  tasks: ['Triển khai.'],
  addressees: { mode: 'children' },
});

interface Endpoint {
  name: string;
  kind: 'view' | 'manage' | 'draft' | 'report' | 'sign' | 'audit';
  success: number;
  /** When the guard lets the request through to an answer that is itself an error (e.g. the unit was not routed). */
  successCode?: string;
  call: (
    http: () => request.Agent | ReturnType<typeof request>,
    token: string,
    unitId: string,
  ) => Promise<request.Response>;
}

let api: INestApplication;
let org: Org;
/** An API key of unit A for each role a key may hold, as an e-office connector would use it. */
const apiKeys = {} as Record<(typeof API_KEY_ROLES)[number], string>;

/** The units a member of A with this role may not see: above it, beside it, in another tree (and below, for a specialist). */
function hiddenUnits(role: Role): { ids: Set<string>; codes: Set<string> } {
  const hidden: (keyof Org['ids'])[] = role === 'specialist' ? ['R', 'B', 'X', 'A1'] : ['R', 'B', 'X'];
  return {
    ids: new Set(hidden.map((k) => org.ids[k])),
    codes: new Set(hidden.map((k) => org.codes[k])),
  };
}

/**
 * Every row of an answer that is a unit the caller may not see: an object whose `id` or `unitId` is such a unit's
 * id, or whose `code` or `unitCode` is its code, anywhere in the body. (A reference to one, such as a `parentId`, is
 * not a row of it.)
 */
function hiddenRows(body: unknown, role: Role, path = '$'): string[] {
  const { ids, codes } = hiddenUnits(role);
  const found: string[] = [];
  const walk = (value: unknown, at: string) => {
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${at}[${i}]`));
    else if (value && typeof value === 'object') {
      const row = value as Record<string, unknown>;
      for (const key of ['id', 'unitId']) if (ids.has(row[key] as string)) found.push(`${at}.${key}`);
      for (const key of ['code', 'unitCode']) if (codes.has(row[key] as string)) found.push(`${at}.${key}`);
      for (const [key, child] of Object.entries(row)) walk(child, `${at}.${key}`);
    }
  };
  walk(body, path);
  return found;
}
/** A unit's code, from its id. */
const codeOf = (id: string): string =>
  org.codes[(Object.keys(org.ids) as (keyof Org['ids'])[]).find((k) => org.ids[k] === id)!];

/**
 * A bulk request of one row answered as that row alone: its status, and its result or error as the body (the request
 * itself answers 200 with a result per row; a refusal of the whole request stays as it is).
 */
function firstRow(res: request.Response): request.Response {
  if (res.status !== 200) return res;
  const row = res.body.results[0] as { status: number; error?: unknown };
  return { status: row.status, body: row.error ? { error: row.error } : row } as request.Response;
}
let spareUserEmail: () => Promise<string>;
/** A user who belongs to the given unit only (made by the system administrator). */
let userAt: (unitId: string) => Promise<string>;
/** A fresh draft issued by the given unit (made by the system administrator). */
let directiveOf: (unitId: string) => Promise<string>;
/**
 * A draft issued by R, routed to nobody: requests about it for a unit pass the guard and get the service's own
 * answer, which for a unit it was not routed to is the one of a directive that does not exist (DIRECTIVE_NOT_FOUND).
 */
let rootDirective: string;

const ENDPOINTS: Endpoint[] = [
  {
    name: 'GET /units/:id',
    kind: 'view',
    success: 200,
    call: (h, t, id) => h().get(`/units/${id}`).set(auth(t)),
  },
  {
    name: 'GET /units/:id/tree',
    kind: 'view',
    success: 200,
    call: (h, t, id) => h().get(`/units/${id}/tree?depth=2`).set(auth(t)),
  },
  {
    name: 'GET /units/:id/members',
    kind: 'view',
    success: 200,
    call: (h, t, id) => h().get(`/units/${id}/members`).set(auth(t)),
  },
  {
    name: 'GET /units/:id/report-targets',
    kind: 'view',
    success: 200,
    call: (h, t, id) => h().get(`/units/${id}/report-targets`).set(auth(t)),
  },
  {
    name: 'GET /units/:id/moves',
    kind: 'view',
    success: 200,
    call: (h, t, id) => h().get(`/units/${id}/moves`).set(auth(t)),
  },
  {
    name: 'GET /units/export?under=',
    kind: 'view',
    success: 200,
    call: (h, t, id) => h().get(`/units/export?under=${id}`).set(auth(t)),
  },
  {
    name: 'GET /units?under=',
    kind: 'view',
    success: 200,
    call: (h, t, id) => h().get(`/units?under=${id}`).set(auth(t)),
  },
  {
    name: 'PATCH /units/:id',
    kind: 'manage',
    success: 200,
    call: (h, t, id) => h().patch(`/units/${id}`).set(auth(t)).send({ symbol: 'LĐLĐ' }),
  },
  {
    name: 'POST /units (parentId)',
    kind: 'manage',
    success: 201,
    call: (h, t, id) =>
      h()
        .post('/units')
        .set(auth(t))
        .set('Idempotency-Key', newKey())
        .send({
          code: `M-${randomUUID().slice(0, 8)}`,
          name: 'Đơn vị mới',
          kind: 'grassroots_union',
          parentId: id,
        }),
  },
  {
    name: 'POST /units/:id/deactivate',
    kind: 'manage',
    success: 200,
    call: async (h, t, id) => {
      const res = await h().post(`/units/${id}/deactivate`).set(auth(t)).set('Idempotency-Key', newKey());
      if (res.status === 200)
        await h().post(`/units/${id}/activate`).set(auth(t)).set('Idempotency-Key', newKey()).expect(200);
      return res;
    },
  },
  {
    name: 'POST /units/:id/memberships',
    kind: 'manage',
    success: 201,
    call: async (h, t, id) =>
      h()
        .post(`/units/${id}/memberships`)
        .set(auth(t))
        .set('Idempotency-Key', newKey())
        .send({ email: await spareUserEmail(), role: 'specialist' }),
  },
  {
    name: 'GET /units/:id/api-keys',
    kind: 'manage',
    success: 200,
    call: (h, t, id) => h().get(`/units/${id}/api-keys`).set(auth(t)),
  },
  {
    name: 'POST /units/:id/api-keys',
    kind: 'manage',
    success: 201,
    call: (h, t, id) =>
      h()
        .post(`/units/${id}/api-keys`)
        .set(auth(t))
        .set('Idempotency-Key', newKey())
        .send({ name: 'connector', role: 'clerk' }),
  },
  {
    name: 'DELETE /memberships/:id (of the unit)',
    kind: 'manage',
    success: 204,
    call: async (h, t, id) => {
      const membership = await h()
        .post(`/units/${id}/memberships`)
        .set(auth(org.admin))
        .set('Idempotency-Key', newKey())
        .send({ email: await spareUserEmail(), role: 'clerk' })
        .expect(201);
      return h().delete(`/memberships/${membership.body.id}`).set(auth(t));
    },
  },
  {
    name: 'DELETE /api-keys/:id (of the unit)',
    kind: 'manage',
    success: 204,
    call: async (h, t, id) => {
      const key = await h()
        .post(`/units/${id}/api-keys`)
        .set(auth(org.admin))
        .set('Idempotency-Key', newKey())
        .send({ name: 'x', role: 'auditor' })
        .expect(201);
      return h().delete(`/api-keys/${key.body.id}`).set(auth(t));
    },
  },
  {
    name: 'POST /users (membership in the unit)',
    kind: 'manage',
    success: 201,
    call: (h, t, id) =>
      h()
        .post('/users')
        .set(auth(t))
        .set('Idempotency-Key', newKey())
        .send({
          email: `n-${randomUUID().slice(0, 8)}@test.cascade.vn`,
          name: 'Mới',
          password: PASSWORD,
          membership: { unitId: id, role: 'clerk' },
        }),
  },
  {
    name: 'POST /users/bulk (a row of the unit)',
    kind: 'manage',
    success: 201,
    call: async (h, t, id) =>
      firstRow(
        await h()
          .post('/users/bulk')
          .set(auth(t))
          .set('Idempotency-Key', newKey())
          .send({
            users: [
              {
                email: `b-${randomUUID().slice(0, 8)}@test.cascade.vn`,
                name: 'Mới',
                unitCode: codeOf(id),
                role: 'clerk',
              },
            ],
          }),
      ),
  },
  {
    name: 'GET /users/:id (a member of the unit)',
    kind: 'view',
    success: 200,
    call: async (h, t, id) =>
      h()
        .get(`/users/${await userAt(id)}`)
        .set(auth(t)),
  },
  {
    name: 'POST /users/:id/deactivate (a member of the unit)',
    kind: 'manage',
    success: 200,
    call: async (h, t, id) =>
      h()
        .post(`/users/${await userAt(id)}/deactivate`)
        .set(auth(t))
        .set('Idempotency-Key', newKey()),
  },
  {
    name: 'POST /directives (issuerId)',
    kind: 'draft',
    success: 201,
    call: (h, t, id) =>
      h().post('/directives').set(auth(t)).set('Idempotency-Key', newKey()).send(directiveDraft(id)),
  },
  {
    name: 'GET /directives/:id (issued by the unit)',
    kind: 'view',
    success: 200,
    call: async (h, t, id) =>
      h()
        .get(`/directives/${await directiveOf(id)}`)
        .set(auth(t)),
  },
  {
    name: 'GET /directives/:id/events (issued by the unit)',
    kind: 'view',
    success: 200,
    call: async (h, t, id) =>
      h()
        .get(`/directives/${await directiveOf(id)}/events`)
        .set(auth(t)),
  },
  {
    name: 'PATCH /directives/:id (issued by the unit)',
    kind: 'draft',
    success: 200,
    call: async (h, t, id) => {
      const { issuerId: _i, type: _t, ...content } = directiveDraft(id);
      return h()
        .patch(`/directives/${await directiveOf(id)}`)
        .set(auth(t))
        .send({ ...content, version: 1 });
    },
  },
  {
    name: 'GET /directives/:id/routing (issued by the unit)',
    kind: 'view',
    success: 200,
    call: async (h, t, id) =>
      h()
        .get(`/directives/${await directiveOf(id)}/routing`)
        .set(auth(t)),
  },
  {
    name: 'POST /directives/:id/acknowledge (unitId)',
    kind: 'report',
    success: 404,
    successCode: 'DIRECTIVE_NOT_FOUND',
    call: (h, t, id) =>
      h()
        .post(`/directives/${rootDirective}/acknowledge`)
        .set(auth(t))
        .set('Idempotency-Key', newKey())
        .send({ unitId: id, decision: 'accept' }),
  },
  {
    name: 'POST /directives/:id/reports (unitId)',
    kind: 'report',
    success: 404,
    successCode: 'DIRECTIVE_NOT_FOUND',
    call: (h, t, id) =>
      h()
        .post(`/directives/${rootDirective}/reports`)
        .set(auth(t))
        .set('Idempotency-Key', newKey())
        .send({ unitId: id, cycle: 0, values: {} }),
  },
  {
    name: 'GET /directives/:id/reports?unitId=',
    kind: 'view',
    success: 404,
    successCode: 'DIRECTIVE_NOT_FOUND',
    call: (h, t, id) => h().get(`/directives/${rootDirective}/reports?unitId=${id}&cycle=0`).set(auth(t)),
  },
  {
    name: 'GET /directives/:id/received?unitId=',
    kind: 'view',
    success: 404,
    successCode: 'DIRECTIVE_NOT_FOUND',
    call: (h, t, id) => h().get(`/directives/${rootDirective}/received?unitId=${id}`).set(auth(t)),
  },
  {
    name: 'GET /directives/:id/aggregate?unitId=',
    kind: 'view',
    success: 404,
    successCode: 'DIRECTIVE_NOT_FOUND',
    call: (h, t, id) => h().get(`/directives/${rootDirective}/aggregate?unitId=${id}&cycle=0`).set(auth(t)),
  },
  {
    name: 'GET /directives/:id/aggregate/answers?unitId=',
    kind: 'view',
    success: 404,
    successCode: 'DIRECTIVE_NOT_FOUND',
    call: (h, t, id) =>
      h().get(`/directives/${rootDirective}/aggregate/answers?unitId=${id}&cycle=0&field=note`).set(auth(t)),
  },
  {
    name: 'GET /directives/:id/links (issued by the unit)',
    kind: 'view',
    success: 200,
    call: async (h, t, id) =>
      h()
        .get(`/directives/${await directiveOf(id)}/links`)
        .set(auth(t)),
  },
  {
    name: 'GET /directives/:id/escalations (issued by the unit)',
    kind: 'view',
    success: 200,
    call: async (h, t, id) =>
      h()
        .get(`/directives/${await directiveOf(id)}/escalations`)
        .set(auth(t)),
  },
  {
    name: 'GET /directives/:id/aggregate/revisions?unitId=',
    kind: 'view',
    success: 404,
    successCode: 'DIRECTIVE_NOT_FOUND',
    call: (h, t, id) =>
      h().get(`/directives/${rootDirective}/aggregate/revisions?unitId=${id}&cycle=0`).set(auth(t)),
  },
  {
    name: 'GET /directives/:id/audit/verify (issued by the unit)',
    kind: 'audit',
    success: 200,
    call: async (h, t, id) =>
      h()
        .get(`/directives/${await directiveOf(id)}/audit/verify`)
        .set(auth(t)),
  },
  {
    name: 'GET /directives/:id/audit/timeline (issued by the unit)',
    kind: 'audit',
    success: 200,
    call: async (h, t, id) =>
      h()
        .get(`/directives/${await directiveOf(id)}/audit/timeline`)
        .set(auth(t)),
  },
  {
    name: 'GET /directives/:id/audit/case-file (issued by the unit)',
    kind: 'audit',
    success: 200,
    call: async (h, t, id) =>
      h()
        .get(`/directives/${await directiveOf(id)}/audit/case-file`)
        .set(auth(t)),
  },
  {
    name: 'POST /directives/:id/close (issued by the unit)',
    kind: 'sign',
    success: 409,
    successCode: 'DIRECTIVE_INVALID_STATE',
    call: async (h, t, id) =>
      h()
        .post(`/directives/${await directiveOf(id)}/close`)
        .set(auth(t))
        .set('Idempotency-Key', newKey())
        .send({}),
  },
  {
    name: 'POST /directives/:id/recall (issued by the unit)',
    kind: 'sign',
    success: 409,
    successCode: 'DIRECTIVE_INVALID_STATE',
    call: async (h, t, id) =>
      h()
        .post(`/directives/${await directiveOf(id)}/recall`)
        .set(auth(t))
        .set('Idempotency-Key', newKey())
        .send({ reason: 'Sai sót' }),
  },
  {
    name: 'POST /directives/:id/forward (unitId)',
    kind: 'report',
    success: 404,
    successCode: 'DIRECTIVE_NOT_FOUND',
    call: (h, t, id) =>
      h()
        .post(`/directives/${rootDirective}/forward`)
        .set(auth(t))
        .set('Idempotency-Key', newKey())
        .send({ unitId: id, addressees: { mode: 'children' } }),
  },
  {
    name: 'POST /directives/:id/recall-response (unitId)',
    kind: 'report',
    success: 404,
    successCode: 'DIRECTIVE_NOT_FOUND',
    call: (h, t, id) =>
      h()
        .post(`/directives/${rootDirective}/recall-response`)
        .set(auth(t))
        .set('Idempotency-Key', newKey())
        .send({ unitId: id, decision: 'accept' }),
  },
  {
    name: 'GET /directives/:id/audit/as-of (issued by the unit)',
    kind: 'audit',
    success: 200,
    call: async (h, t, id) =>
      h()
        .get(`/directives/${await directiveOf(id)}/audit/as-of?at=${new Date().toISOString()}`)
        .set(auth(t)),
  },
  {
    name: 'GET /directives/:id/audit/histories (issued by the unit)',
    kind: 'audit',
    success: 200,
    call: async (h, t, id) =>
      h()
        .get(`/directives/${await directiveOf(id)}/audit/histories`)
        .set(auth(t)),
  },
  {
    name: 'GET /registers/outgoing?unitId=',
    kind: 'view',
    success: 200,
    call: (h, t, id) => h().get(`/registers/outgoing?unitId=${id}`).set(auth(t)),
  },
  {
    name: 'GET /registers/incoming?unitId=',
    kind: 'view',
    success: 200,
    call: (h, t, id) => h().get(`/registers/incoming?unitId=${id}`).set(auth(t)),
  },
  {
    name: 'GET /overdue?unitId=',
    kind: 'view',
    success: 200,
    call: (h, t, id) => h().get(`/overdue?unitId=${id}`).set(auth(t)),
  },
  {
    name: 'GET /directives/:id/tree (issued by the unit)',
    kind: 'view',
    success: 200,
    call: async (h, t, id) =>
      h()
        .get(`/directives/${await directiveOf(id)}/tree`)
        .set(auth(t)),
  },
  {
    name: 'GET /directives/:id/aggregate/export?unitId=',
    kind: 'view',
    success: 404,
    successCode: 'DIRECTIVE_NOT_FOUND',
    call: (h, t, id) =>
      h().get(`/directives/${rootDirective}/aggregate/export?unitId=${id}&cycle=0&format=csv`).set(auth(t)),
  },
  {
    name: 'POST /directives/import?issuerId=',
    kind: 'draft',
    success: 200,
    call: (h, t, id) =>
      h()
        .post(`/directives/import?issuerId=${id}`)
        .set(auth(t))
        .send({ text: 'Số: 1/LĐLĐ\nV/v thử nhập văn bản\nKính gửi: Các đơn vị trực thuộc.\n1. Triển khai.' }),
  },
  {
    name: 'GET /directives/:id/edxml (issued by the unit)',
    kind: 'view',
    success: 409,
    successCode: 'DIRECTIVE_INVALID_STATE',
    call: async (h, t, id) =>
      h()
        .get(`/directives/${await directiveOf(id)}/edxml`)
        .set(auth(t)),
  },
  {
    name: 'GET /directives/:id/edxml/status (issued by the unit)',
    kind: 'view',
    success: 409,
    successCode: 'DIRECTIVE_INVALID_STATE',
    call: async (h, t, id) =>
      h()
        .get(`/directives/${await directiveOf(id)}/edxml/status`)
        .set(auth(t)),
  },
  {
    name: 'GET /units/:id/review-chain',
    kind: 'view',
    success: 200,
    call: (h, t, id) => h().get(`/units/${id}/review-chain`).set(auth(t)),
  },
  {
    name: 'PUT /units/:id/review-chain',
    kind: 'manage',
    success: 200,
    call: (h, t, id) => h().put(`/units/${id}/review-chain`).set(auth(t)).send({ reviewerIds: [] }),
  },
  {
    name: 'PUT /units/:id/report-targets',
    kind: 'manage',
    success: 200,
    call: (h, t, id) => h().put(`/units/${id}/report-targets`).set(auth(t)).send({ targets: [] }),
  },
];

beforeAll(async () => {
  api = await startApi();
  org = await buildOrg(api);
  directiveOf = async (unitId: string) => {
    const res = await request(api.getHttpServer())
      .post('/directives')
      .set(auth(org.admin))
      .set('Idempotency-Key', newKey())
      .send(directiveDraft(unitId))
      .expect(201);
    return res.body.id as string;
  };
  rootDirective = await directiveOf(org.ids.R);
  for (const role of API_KEY_ROLES) {
    const created = await request(api.getHttpServer())
      .post(`/units/${org.ids.A}/api-keys`)
      .set(auth(org.admin))
      .set('Idempotency-Key', newKey())
      .send({ name: `connector-${role}`, role })
      .expect(201);
    apiKeys[role] = created.body.key as string;
  }
  userAt = async (unitId: string) => {
    const res = await request(api.getHttpServer())
      .post('/users')
      .set(auth(org.admin))
      .set('Idempotency-Key', newKey())
      .send({
        email: `m-${randomUUID().slice(0, 8)}@test.cascade.vn`,
        name: 'Thành viên',
        password: PASSWORD,
        membership: { unitId, role: 'specialist' },
      })
      .expect(201);
    return res.body.id as string;
  };
  spareUserEmail = async () => {
    const email = `spare-${randomUUID().slice(0, 8)}@test.cascade.vn`;
    await request(api.getHttpServer())
      .post('/users')
      .set(auth(org.admin))
      .set('Idempotency-Key', newKey())
      .send({ email, name: 'Dự phòng', password: PASSWORD })
      .expect(201);
    return email;
  };
});

afterAll(async () => {
  await api?.close();
});

describe.each(ENDPOINTS.map((e) => [e.name, e] as const))('%s', (_name, endpoint) => {
  it.each(
    ROLES.flatMap((role) =>
      (Object.keys(RELATIONS) as Relation[]).map((relation) => [role, relation] as const),
    ),
  )('%s → %s', async (role, relation) => {
    const res = await endpoint.call(
      () => request(api.getHttpServer()),
      org.tokens[role],
      org.ids[RELATIONS[relation]],
    );
    const expected = expectedStatus(endpoint.kind, role, relation, endpoint.success);
    if (res.status !== expected)
      throw new Error(`expected ${expected}, got ${res.status} ${JSON.stringify(res.body)}`);
    // What it answers holds no row of a unit it may not see.
    if (res.status < 300) expect(hiddenRows(res.body, role)).toEqual([]);
    // Whether the guard let the request through (then the answer is the endpoint's own).
    const allowed = expectedStatus(endpoint.kind, role, relation, -1) === -1;
    if (allowed && endpoint.successCode) {
      expect(res.body.error.code).toBe(endpoint.successCode);
    } else if (expected >= 400) {
      const hiddenCodes = ['UNIT_NOT_FOUND', 'USER_NOT_FOUND', 'NOT_FOUND'];
      if (expected === 404) expect(hiddenCodes).toContain(res.body.error.code);
      else expect(res.body.error.code).toBe('FORBIDDEN');
    }
  });
});

describe.each(ENDPOINTS.filter((e) => e.kind === 'view').map((e) => [e.name, e] as const))(
  'an API key: %s',
  (_name, endpoint) => {
    it.each(
      API_KEY_ROLES.flatMap((role) =>
        (Object.keys(RELATIONS) as Relation[]).map((relation) => [role, relation] as const),
      ),
    )('%s key → %s', async (role, relation) => {
      // A key acts as a member of its unit with its role: the same answers, through X-API-Key.
      const res = await endpoint.call(
        () => request.agent(api.getHttpServer()).set('X-API-Key', apiKeys[role]),
        'not-a-token',
        org.ids[RELATIONS[relation]],
      );
      const expected = expectedStatus(endpoint.kind, role, relation, endpoint.success);
      if (res.status !== expected)
        throw new Error(`expected ${expected}, got ${res.status} ${JSON.stringify(res.body)}`);
      if (res.status < 300) expect(hiddenRows(res.body, role)).toEqual([]);
    });
  },
);

describe.each(
  ENDPOINTS.filter((e) => e.kind !== 'view' && !e.name.startsWith('DELETE')).map((e) => [e.name, e] as const),
)('a connector key: %s', (_name, endpoint) => {
  it.each(Object.keys(RELATIONS) as Relation[])('→ %s', async (relation) => {
    const res = await endpoint.call(
      () => request.agent(api.getHttpServer()).set('X-API-Key', apiKeys.connector),
      'not-a-token',
      org.ids[RELATIONS[relation]],
    );
    const expected = expectedStatus(endpoint.kind, 'connector', relation, endpoint.success);
    if (res.status !== expected)
      throw new Error(`expected ${expected}, got ${res.status} ${JSON.stringify(res.body)}`);
    if (expected === 403) expect(res.body.error.code).toBe('FORBIDDEN');
    // Acting for a unit of another tree is refused as for one that does not exist: same status, code and message
    // but for the id.
    if (endpoint.kind === 'report' && (relation === 'unrelated' || relation === 'sibling')) {
      const ghost = randomUUID();
      const none = await endpoint.call(
        () => request.agent(api.getHttpServer()).set('X-API-Key', apiKeys.connector),
        'not-a-token',
        ghost,
      );
      expect(none.status).toBe(res.status);
      expect(none.body.error.code).toBe(res.body.error.code);
      expect(none.body.error.message.replace(ghost, '?')).toBe(
        res.body.error.message.replace(org.ids[RELATIONS[relation]], '?'),
      );
    }
  });
});

describe('scoped lists', () => {
  it('search and export never return units outside the caller scope', async () => {
    for (const role of ROLES) {
      const search = await request(api.getHttpServer())
        .get(`/units?q=${org.prefix}&limit=1000`)
        .set(auth(org.tokens[role]));
      const codes = (search.body.items as { code: string }[]).map((u) => u.code).sort();
      const expected = role === 'specialist' ? [org.codes.A] : [org.codes.A, org.codes.A1];
      expect(codes.filter((c) => Object.values(org.codes).includes(c)).sort()).toEqual(expected.sort());
      const exported = await request(api.getHttpServer()).get('/units/export').set(auth(org.tokens[role]));
      const exportedCodes = (exported.body as { code: string }[]).map((u) => u.code);
      for (const hidden of [org.codes.R, org.codes.B, org.codes.X])
        expect(exportedCodes).not.toContain(hidden);
    }
  });

  it('auditors read and never write', async () => {
    const res = await request(api.getHttpServer())
      .post('/units/import')
      .set(auth(org.tokens.auditor))
      .set('Idempotency-Key', newKey())
      .send({ units: [{ code: `${org.prefix}-Z`, name: 'Z', kind: 'federation', parentCode: org.codes.A }] });
    expect(res.status).toBe(403);
  });
});
