import { describe, expect, it } from '@jest/globals';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import dayjs from 'dayjs';
import type { MemberRow, Membership } from '@cascade/contracts';
import { DelegationsPage } from './DelegationsPage';
import { fakeServer, Refusal } from '../testing/answers';
import { button, choose, explained, renderInApp, TEST_UNIT } from '../testing/render';
import { errorWords } from '../words/errors';

const user = userEvent.setup({ delay: null });

const TODAY = dayjs().format('YYYY-MM-DD');
const ADMIN: Membership = { ...TEST_UNIT, role: 'admin' };
const leader = (userId: string, userName: string, position: string): MemberRow => ({
  id: `m-${userId}`,
  role: 'leader',
  userId,
  userName,
  userEmail: `${userId}@ldld.vn`,
  position,
});

function server() {
  return fakeServer({
    'GET /units/:id/members': {
      items: [
        leader('u-head', 'Nguyễn Văn Chủ', 'CHỦ TỊCH'),
        leader('u-deputy', 'Trần Thị Phó', 'PHÓ CHỦ TỊCH'),
        { id: 'm-c', role: 'clerk', userId: 'u-clerk', userName: 'Lê Văn Thư', userEmail: 'c@ldld.vn' },
      ],
      nextCursor: null,
    },
    'GET /units/:id/delegations': { items: [], nextCursor: null },
    'POST /units/:id/delegations': ({ body }) =>
      (body as { grantorUserId: string }).grantorUserId === (body as { granteeUserId: string }).granteeUserId
        ? new Refusal(400, 'DELEGATION_SELF', 'granteeUserId: is the grantor', [
            { field: 'granteeUserId', problems: ['is the grantor'] },
          ])
        : new Refusal(400, 'VALIDATION_FAILED', 'basis.number: must be shorter', [
            { field: 'basis.number', problems: ['must be shorter'] },
          ]),
  });
}

const besideOf = (form: HTMLElement, label: string) =>
  explained(within(form).getByLabelText(label).closest('.ant-form-item')!);

describe('the signing delegations page', () => {
  it('offers only leaders, asks for what is missing, and places each refusal beside the field it names', async () => {
    const calls = server();
    renderInApp(<DelegationsPage />, { unit: ADMIN });
    const form = await screen.findByRole('form', { name: 'Ghi nhận ủy quyền ký' });
    await user.click(button('Ghi nhận ủy quyền', form));
    await waitFor(() => expect(besideOf(form, 'Người giao quyền')).toBe('Chưa nhập: mục này bắt buộc.'));
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
    await user.click(within(form).getByLabelText('Người giao quyền'));
    await screen.findAllByTitle('Nguyễn Văn Chủ — CHỦ TỊCH');
    expect(screen.queryByTitle(/Lê Văn Thư/)).toBeNull();
    await user.keyboard('{Escape}');
    await choose(user, 'Hình thức ký', 'Ký thay (KT.)', form);
    await choose(user, 'Người giao quyền', 'Nguyễn Văn Chủ — CHỦ TỊCH', form);
    await choose(user, 'Người được giao ký', 'Nguyễn Văn Chủ — CHỦ TỊCH', form);
    await user.type(within(form).getByLabelText('Số văn bản giao quyền'), '12/QĐ-LĐLĐ');
    for (const label of ['Ngày văn bản giao quyền', 'Hiệu lực từ ngày']) {
      // today, picked in the calendar (the cells are titled yyyy-mm-dd)
      await user.click(within(form).getByLabelText(label));
      const cells = await screen.findAllByTitle(TODAY);
      await user.click(cells[cells.length - 1]);
      await waitFor(() => expect(besideOf(form, label)).toBe(''));
    }
    await user.click(button('Ghi nhận ủy quyền', form));
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1));
    await waitFor(() =>
      expect(besideOf(form, 'Người được giao ký')).toBe(errorWords('DELEGATION_SELF', 'vi')),
    );
    expect(calls.filter((c) => c.method === 'POST')[0].body).toMatchObject({
      kind: 'KT.',
      grantorUserId: 'u-head',
      granteeUserId: 'u-head',
      basis: { number: '12/QĐ-LĐLĐ', date: TODAY },
      validFrom: `${TODAY}T00:00:00+07:00`,
    });
    // another refusal: the last one's words leave the grantee, the new one sits by the basis number
    await choose(user, 'Người được giao ký', 'Trần Thị Phó — PHÓ CHỦ TỊCH', form);
    await user.click(button('Ghi nhận ủy quyền', form));
    await waitFor(() =>
      expect(besideOf(form, 'Số văn bản giao quyền')).toBe(errorWords('VALIDATION_FAILED', 'vi')),
    );
    expect(besideOf(form, 'Người được giao ký')).toBe('');
  });
});
