import { describe, expect, it } from '@jest/globals';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Me, StoredCalendarYear } from '@cascade/contracts';
import { CalendarPage } from './CalendarPage';
import { fakeServer, Refusal, type Handler } from '../testing/answers';
import { button, renderInApp, rowsOf } from '../testing/render';
import { errorWords } from '../words/errors';

const user = userEvent.setup({ delay: null });

const year = (y: number, more: Partial<StoredCalendarYear>): StoredCalendarYear => ({
  year: y,
  state: 'official',
  source: `Thông báo 6150/TB-BNV`,
  daysOff: [],
  workedDays: [],
  stored: true,
  revision: 1,
  updatedAt: null,
  updatedBy: null,
  ...more,
});
const YEARS = [
  year(2026, {
    daysOff: [
      { date: '2026-01-01', name: 'Tết Dương lịch', source: null },
      { date: '2026-01-02', name: 'Nghỉ hoán đổi', source: 'Thông báo 6150/TB-BNV' },
    ],
    workedDays: [{ date: '2026-01-10', name: 'Làm bù cho thứ Sáu 02/01/2026', source: null }],
  }),
  year(2027, {
    state: 'provisional',
    source: 'Bộ luật Lao động 2019, Điều 112',
    stored: false,
    revision: 0,
    daysOff: [{ date: '2027-04-30', name: 'Ngày Chiến thắng', source: null }],
  }),
];
const ADMIN: Me = {
  id: 'u-admin',
  name: 'Quản trị',
  email: 'admin@cascade.local',
  systemAdmin: true,
  memberships: [],
};

function server(put: Handler<'PUT /calendar/years/:year'> = () => ({ rescheduled: [1, 2] })) {
  return fakeServer({
    'GET /calendar/years': YEARS,
    'PUT /calendar/years/:year': put,
    'POST /calendar/years/:year/confirm': { rescheduled: [] },
  });
}

describe('the holiday calendar page', () => {
  it('lists the years in words, opens the provisional one, its days with their weekday; others only read', async () => {
    server();
    renderInApp(<CalendarPage />);
    await screen.findByText('2027: Tạm tính');
    expect(rowsOf('calendar-years')).toEqual([
      ['2026', 'Chính thức', 'Thông báo 6150/TB-BNV'],
      ['2027', 'Tạm tính', 'tính theo Bộ luật Lao động'],
    ]);
    expect(rowsOf('days-off')).toEqual([['Thứ Sáu 30/04/2027', 'Ngày Chiến thắng', '']]);
    expect(screen.getByText(/chưa có thông báo lịch nghỉ chính thức/)).toBeTruthy();
    await user.click(button('2026'));
    await screen.findByText('2026: Chính thức');
    expect(rowsOf('days-off')).toEqual([
      ['Thứ Năm 01/01/2026', 'Tết Dương lịch', ''],
      ['Thứ Sáu 02/01/2026', 'Nghỉ hoán đổi', 'Thông báo 6150/TB-BNV'],
    ]);
    expect(rowsOf('worked-days')).toEqual([['Thứ Bảy 10/01/2026', 'Làm bù cho thứ Sáu 02/01/2026', '']]);
    expect(screen.queryByTestId('calendar-edit')).toBeNull();
    expect(screen.getByText('Chỉ quản trị hệ thống được sửa lịch nghỉ.')).toBeTruthy();
  });

  it('lets a system administrator enter the official days line by line (dd/mm/yyyy), then says what moved', async () => {
    const calls = server();
    renderInApp(<CalendarPage />, { me: ADMIN });
    const edit = await screen.findByTestId('calendar-edit');
    fireEvent.change(within(edit).getByLabelText('Căn cứ'), { target: { value: 'Thông báo 99/TB-BNV' } });
    fireEvent.change(within(edit).getByLabelText(/^Ngày nghỉ, mỗi dòng/), {
      target: { value: '30/04/2027 Ngày Chiến thắng\n\n 03/05/2027   Nghỉ bù Ngày Chiến thắng ' },
    });
    await user.click(button('Lưu lịch năm', edit));
    await screen.findByText('Đã lưu. 2 kỳ báo cáo chưa mở được tính lại hạn.');
    expect(calls.filter((c) => c.method === 'PUT')).toEqual([
      {
        method: 'PUT',
        path: '/calendar/years/2027',
        body: {
          state: 'official',
          source: 'Thông báo 99/TB-BNV',
          daysOff: [
            { date: '2027-04-30', name: 'Ngày Chiến thắng' },
            { date: '2027-05-03', name: 'Nghỉ bù Ngày Chiến thắng' },
          ],
          workedDays: [],
        },
      },
    ]);
    // saved: the years are read again
    await waitFor(() => expect(calls.filter((c) => c.path === '/calendar/years')).toHaveLength(2));
  });

  it("confirms the computed days as official, and shows the server's refusal in words", async () => {
    const calls = server(() => new Refusal(400, 'CALENDAR_YEAR_INVALID', 'daysOff.0.date: must be a date'));
    renderInApp(<CalendarPage />, { me: ADMIN });
    const edit = await screen.findByTestId('calendar-edit');
    await user.click(button('Lưu lịch năm', edit));
    expect((await screen.findByRole('alert')).textContent).toBe(errorWords('CALENDAR_YEAR_INVALID', 'vi'));
    fireEvent.change(within(edit).getByLabelText('Căn cứ'), { target: { value: 'Thông báo 99/TB-BNV' } });
    await user.click(button('Xác nhận là lịch chính thức', edit));
    await screen.findByText('Đã lưu. 0 kỳ báo cáo chưa mở được tính lại hạn.');
    expect(calls.filter((c) => c.path.endsWith('/confirm')).map((c) => c.body)).toEqual([
      { source: 'Thông báo 99/TB-BNV' },
    ]);
  });
});
