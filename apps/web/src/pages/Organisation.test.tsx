import { describe, expect, it } from '@jest/globals';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Organisation } from './Organisation';
import type { UnitRow } from '@cascade/contracts';
import { fakeServer, Refusal, type Handler } from '../testing/answers';
import { button, explained, renderInApp, TEST_UNIT } from '../testing/render';
import { errorWords } from '../words/errors';

const user = userEvent.setup({ delay: null });

const unit = (id: string, name: string, level: number): UnitRow => ({
  id,
  name,
  level,
  code: name.slice(-1),
  kind: 'grassroots_union',
});
const UNITS = [
  { ...unit(TEST_UNIT.unitId, 'LĐLĐ huyện', 2), kind: 'federation' },
  unit('p', 'Đơn vị P', 3),
  unit('g', 'Đơn vị G', 4),
  unit('k', 'Đơn vị K', 3),
];

function server(addUser: Handler<'POST /users'>) {
  return fakeServer({
    'GET /units/:id/tree': { items: UNITS, nextCursor: null },
    'GET /units/:id/members': { items: [], nextCursor: null },
    'GET /units/:id/review-chain': [],
    'POST /users': addUser,
  });
}

/** How deep the unit named `name` sits in the tree (its indentation). */
const depthOf = (name: string) =>
  screen
    .getByText(name, { exact: true })
    .closest('[role="treeitem"]')!
    .querySelectorAll('.ant-tree-indent-unit').length;

describe('the organisation page', () => {
  it('shows the units as a tree: each under the unit read one level above it', async () => {
    server(() => ({
      id: 'u-new',
      email: 'moi@test.cascade.vn',
      name: 'Nguyễn Thị Mới',
      active: true,
      systemAdmin: false,
      memberships: [],
    }));
    renderInApp(<Organisation />);
    await screen.findByText('Đơn vị G', { exact: true });
    expect(['LĐLĐ huyện', 'Đơn vị P', 'Đơn vị G', 'Đơn vị K'].map(depthOf)).toEqual([0, 1, 2, 1]);
  });

  it('refuses a bad address beside the field, and places the server’s refusal beside the password', async () => {
    const calls = server(
      () =>
        new Refusal(400, 'VALIDATION_FAILED', 'password: too common', [
          { field: 'password', problems: ['too common'] },
        ]),
    );
    renderInApp(<Organisation />);
    const form = (await screen.findByText('Thêm người dùng', { selector: 'h3' })).closest('form')!;
    const type = async (label: string, text: string) => {
      await user.click(within(form).getByLabelText(label));
      await user.paste(text);
    };
    await type('Thư điện tử', 'moi@');
    await type('Họ và tên', 'Nguyễn Thị Mới');
    await type('Mật khẩu', '12345678');
    await user.click(button('Thêm người dùng', form));
    const beside = (label: string) =>
      explained(within(form).getByLabelText(label).closest('.ant-form-item')!);
    await waitFor(() =>
      expect(beside('Thư điện tử')).toBe('Thư điện tử chưa đúng dạng (ví dụ: ten@donvi.vn).'),
    );
    expect(calls.filter((c) => c.path === '/users')).toHaveLength(0);
    await type('Thư điện tử', 'test.cascade.vn');
    await user.click(button('Thêm người dùng', form));
    await waitFor(() => expect(beside('Mật khẩu')).toBe(errorWords('VALIDATION_FAILED', 'vi')));
    expect(calls.filter((c) => c.path === '/users')[0].body).toEqual({
      email: 'moi@test.cascade.vn',
      name: 'Nguyễn Thị Mới',
      password: '12345678',
      membership: { unitId: TEST_UNIT.unitId, role: 'clerk' },
    });
    expect(beside('Thư điện tử')).toBe('');
  });
});
