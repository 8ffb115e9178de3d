import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { bootstrapAdmin } from '@cascade/persistence';
import { ROLES, type Role } from '@cascade/domain';
import { newKey } from './ids';

export const PASSWORD = 'Mật-khẩu-thử-2024';

export async function login(api: INestApplication, email: string, password = PASSWORD): Promise<string> {
  const res = await request(api.getHttpServer()).post('/auth/login').send({ email, password });
  if (res.status !== 200) throw new Error(`login ${email} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken as string;
}

/** A fresh system administrator (through the bootstrap command's code), signed in. */
export async function systemAdmin(
  api: INestApplication,
): Promise<{ email: string; token: string; id: string }> {
  const email = `root-${randomUUID().slice(0, 8)}@test.cascade.vn`;
  const id = await bootstrapAdmin(process.env.DATABASE_URL!, email, PASSWORD, 'Quản trị hệ thống');
  return { email, id, token: await login(api, email) };
}

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

export interface Org {
  prefix: string;
  ids: Record<'R' | 'A' | 'A1' | 'B' | 'X', string>;
  codes: Record<'R' | 'A' | 'A1' | 'B' | 'X', string>;
  admin: string;
  /** One user per role, each with that role at A, signed in. */
  tokens: Record<Role, string>;
  userIds: Record<Role, string>;
}

/**
 * R → A → A1, R → B, and X (another root), with one user per role at A:
 * relations from A's users: self A, parent R, child A1, sibling B, unrelated X.
 */
export async function buildOrg(api: INestApplication): Promise<Org> {
  const http = () => request(api.getHttpServer());
  const root = await systemAdmin(api);
  const prefix = `T${randomUUID().slice(0, 6).toUpperCase()}`;
  const codes = {
    R: `${prefix}-R`,
    A: `${prefix}-A`,
    A1: `${prefix}-A1`,
    B: `${prefix}-B`,
    X: `${prefix}-X`,
  };
  const rows = [
    { code: codes.R, name: `Liên đoàn ${prefix} R`, kind: 'federation', parentCode: null },
    { code: codes.A, name: `Liên đoàn ${prefix} A`, kind: 'federation', parentCode: codes.R },
    { code: codes.A1, name: `Công đoàn ${prefix} A1`, kind: 'grassroots_union', parentCode: codes.A },
    { code: codes.B, name: `Liên đoàn ${prefix} B`, kind: 'federation', parentCode: codes.R },
    { code: codes.X, name: `Đảng ủy ${prefix} X`, kind: 'party_committee', parentCode: null },
  ];
  const imported = await http()
    .post('/units/import')
    .set(auth(root.token))
    .set('Idempotency-Key', newKey())
    .send({ units: rows });
  if (imported.status !== 200 || imported.body.rejected.length)
    throw new Error(`org import: ${JSON.stringify(imported.body)}`);
  const ids = Object.fromEntries(
    imported.body.created.map((c: { code: string; id: string }) => [c.code.slice(prefix.length + 1), c.id]),
  ) as Org['ids'];

  const tokens = {} as Record<Role, string>;
  const userIds = {} as Record<Role, string>;
  for (const role of ROLES) {
    const email = `${role}-${prefix.toLowerCase()}@test.cascade.vn`;
    const created = await http()
      .post('/users')
      .set(auth(root.token))
      .set('Idempotency-Key', newKey())
      .send({ email, name: `Người dùng ${role}`, password: PASSWORD, membership: { unitId: ids.A, role } });
    if (created.status !== 201) throw new Error(`user ${role}: ${JSON.stringify(created.body)}`);
    userIds[role] = created.body.id;
    tokens[role] = await login(api, email);
  }
  return { prefix, ids, codes, admin: root.token, tokens, userIds };
}

/** What a leader who signs needs besides the role. */
export const SIGNING_AUTHORITY = { authority: 'TM. BAN THƯỜNG VỤ', position: 'PHÓ CHỦ TỊCH' };

/** A new user holding `role` in the unit (made by the org's system administrator), signed in. */
export async function addMember(
  api: INestApplication,
  org: Org,
  unitId: string,
  role: string,
  extra: object = {},
): Promise<{ id: string; email: string; token: string }> {
  const email = `${role}-${randomUUID().slice(0, 6)}@test.cascade.vn`;
  const res = await request(api.getHttpServer())
    .post('/users')
    .set(auth(org.admin))
    .set('Idempotency-Key', newKey())
    .send({
      email,
      name: `${role} ${randomUUID().slice(0, 4)}`,
      password: PASSWORD,
      membership: { unitId, role, ...extra },
    });
  if (res.status !== 201) throw new Error(`user ${role}: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, email, token: await login(api, email) };
}

/**
 * Units from `[label, kind, parentLabel]` rows, named "Đơn vị <label>", with fresh codes; a row without a parent label
 * goes under A. Returns label → id.
 */
export async function importUnitsUnderA(
  api: INestApplication,
  org: Org,
  rows: [string, string, string | null][],
): Promise<Record<string, string>> {
  const p = `${org.prefix}-${randomUUID().slice(0, 4)}`;
  const imported = await request(api.getHttpServer())
    .post('/units/import')
    .set(auth(org.admin))
    .set('Idempotency-Key', newKey())
    .send(
      rows.map(([label, kind, parent]) => ({
        code: `${p}-${label}`,
        name: `Đơn vị ${label}`,
        kind,
        parentCode: parent ? `${p}-${parent}` : org.codes.A,
      })),
    );
  if (imported.status !== 200) throw new Error(`units: ${imported.status} ${JSON.stringify(imported.body)}`);
  return Object.fromEntries(
    imported.body.created.map((c: { code: string; id: string }) => [c.code.slice(p.length + 1), c.id]),
  );
}
