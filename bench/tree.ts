/**
 * The tree for the directive: the units, the issuer's clerk and leader, the report form, and how a directive is
 * issued (drafted, submitted and approved, ready to sign).
 */
import { randomBytes } from 'node:crypto';
import { generateUnits } from '@cascade/domain';
import type { Api } from './api';
import { QUICK, UNITS } from './options';
import type { Stack } from './stack';

export type Tree = Awaited<ReturnType<typeof setUpTree>>;

export async function setUpTree(
  runId: string,
  { pg }: Stack,
  { call, must, password, login, admin }: Api,
  { count = UNITS, fanout = QUICK ? 10 : 22 }: { count?: number; fanout?: number } = {},
) {
  const prefix = `B${runId}`;
  const units = generateUnits({ count, depth: 4, fanout, prefix });
  const tree = await must('units', call('POST', '/units/import', admin, { units }));
  const idOf = new Map((tree.created as { code: string; id: string }[]).map((c) => [c.code, c.id]));
  const rootId = idOf.get(`${prefix}-1`)!;
  const member = async (unitId: string, role: string, extra: object = {}) => {
    const email = `${role}-${randomBytes(4).toString('hex')}@bench.cascade.vn`;
    const u = await must(
      'user',
      call('POST', '/users', admin, { email, name: role, password, membership: { unitId, role, ...extra } }),
    );
    return { id: u.id, token: await login(email) };
  };
  const clerk = await member(rootId, 'clerk');
  const leader = await member(rootId, 'leader', { authority: 'TM. BAN THƯỜNG VỤ', position: 'CHỦ TỊCH' });
  await must('chain', call('PUT', `/units/${rootId}/review-chain`, admin, { reviewerIds: [leader.id] }));
  const form = {
    fields: [
      { key: 'sessions', label: 'Số buổi', type: 'integer', required: true, min: 0, aggregate: 'sum' },
      { key: 'done', label: 'Đã quán triệt', type: 'boolean', required: true, aggregate: 'countTrue' },
    ],
  };
  const issue = async (reporting: object) => {
    const d = await must(
      'draft',
      call('POST', '/directives', clerk.token, {
        issuerId: rootId,
        type: 'KH',
        subject: `Kế hoạch đo hiệu năng ${runId}`,
        tasks: ['Đo.'],
        addressees: { mode: 'subtree', depth: 3 },
        reporting,
      }),
    );
    await must('submit', call('POST', `/directives/${d.id}/submit`, clerk.token, { version: 1 }));
    await must(
      'approve',
      call('POST', `/directives/${d.id}/review`, leader.token, { version: 1, decision: 'approve' }),
    );
    return d.id;
  };
  const delivered = async (directiveId: string) =>
    (
      await pg.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM routing_node WHERE directive_id = $1 AND status <> 'pending'`,
        [directiveId],
      )
    ).rows[0].n;
  return { rootId, member, clerk, leader, form, issue, delivered };
}
