import { describe, expect, it } from '@jest/globals';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { MemberRow, ReviewerRow } from '@cascade/contracts';
import { ReviewChain } from './ReviewChain';
import { fakeServer, Refusal } from '../testing/answers';
import { button, choose, explained, renderInApp, TEST_UNIT } from '../testing/render';
import { errorWords } from '../words/errors';

const user = userEvent.setup({ delay: null });

const member = (userId: string, userName: string, role: string): MemberRow => ({
  id: `m-${userId}`,
  role,
  userId,
  userName,
  userEmail: `${userId}@ldld.vn`,
});
const MEMBERS = [
  member('u-head', 'Nguyễn Văn Chủ', 'leader'),
  member('u-deputy', 'Trần Thị Phó', 'leader'),
  member('u-clerk', 'Lê Văn Thư', 'clerk'),
];

/** The unit's chain as the API keeps it: `refuse` answers the PUT instead when given. */
function server(chain: ReviewerRow[], refuse?: Refusal) {
  let stored = chain;
  const calls = fakeServer({
    'GET /units/:id/members': { items: MEMBERS, nextCursor: null },
    'GET /units/:id/review-chain': () => stored,
    'PUT /units/:id/review-chain': ({ body }) => {
      if (refuse) return refuse;
      const ids = (body as { reviewerIds: string[] }).reviewerIds;
      stored = ids.map((id, i) => ({
        position: i + 1,
        reviewerId: id,
        reviewerName: MEMBERS.find((m) => m.userId === id)!.userName,
      }));
      return stored;
    },
  });
  return calls;
}

const beside = () =>
  explained(screen.getByLabelText('Lãnh đạo xem xét (theo thứ tự)').closest('.ant-form-item')!);
const puts = (calls: { method: string; body: unknown }[]) => calls.filter((c) => c.method === 'PUT');

describe('the review chain', () => {
  it('shows the chain in order, its reviewers picked, and offers only the unit’s leaders', async () => {
    server([{ position: 1, reviewerId: 'u-deputy', reviewerName: 'Trần Thị Phó' }]);
    renderInApp(<ReviewChain unitId={TEST_UNIT.unitId} />);
    await screen.findByText('Trần Thị Phó', { selector: 'p' });
    await screen.findByTitle('Trần Thị Phó (u-deputy@ldld.vn)');
    await user.click(screen.getByLabelText('Lãnh đạo xem xét (theo thứ tự)'));
    const offered = [...document.querySelectorAll('.ant-select-item-option')].map((o) =>
      o.getAttribute('title'),
    );
    expect(offered).toEqual(['Nguyễn Văn Chủ (u-head@ldld.vn)', 'Trần Thị Phó (u-deputy@ldld.vn)']);
  });

  it('asks for a reviewer before sending anything, then saves the leaders in the order picked', async () => {
    const calls = server([]);
    renderInApp(<ReviewChain unitId={TEST_UNIT.unitId} />);
    await screen.findByText('Chưa có trình tự xem xét: chọn lãnh đạo xem xét dự thảo rồi lưu.');
    await user.click(button('Lưu trình tự xem xét'));
    await waitFor(() => expect(beside()).toBe('Chọn ít nhất một lãnh đạo xem xét.'));
    expect(puts(calls)).toEqual([]);
    await choose(user, 'Lãnh đạo xem xét (theo thứ tự)', 'Trần Thị Phó (u-deputy@ldld.vn)');
    await choose(user, 'Lãnh đạo xem xét (theo thứ tự)', 'Nguyễn Văn Chủ (u-head@ldld.vn)');
    await user.click(button('Lưu trình tự xem xét'));
    await screen.findByText('Đã lưu.');
    expect(puts(calls).map((c) => c.body)).toEqual([{ reviewerIds: ['u-deputy', 'u-head'] }]);
    // read again: the chain as saved
    await screen.findByText('Trần Thị Phó → Nguyễn Văn Chủ');
  });

  it("places the server's refusal of a reviewer beside the reviewers", async () => {
    server([], new Refusal(422, 'REVIEWER_NOT_LEADER', 'reviewerIds.0: not a leader of this unit'));
    renderInApp(<ReviewChain unitId={TEST_UNIT.unitId} />);
    await choose(user, 'Lãnh đạo xem xét (theo thứ tự)', 'Nguyễn Văn Chủ (u-head@ldld.vn)');
    await user.click(button('Lưu trình tự xem xét'));
    await waitFor(() => expect(beside()).toBe(errorWords('REVIEWER_NOT_LEADER', 'vi')));
    expect(screen.queryByText('Đã lưu.')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
