import { describe, expect, it } from '@jest/globals';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { scheduleProblems, type Schedule } from '@cascade/domain';
import { ScheduleEditor } from './ScheduleEditor';
import { button, choose, explained, renderInApp } from '../testing/render';
import { PERIOD_EVERY, SCHEDULE_KIND } from '../words/vocabulary';

const user = userEvent.setup({ delay: null });

function editor(schedule: Schedule) {
  const emitted: Schedule[] = [];
  renderInApp(<ScheduleEditor schedule={schedule} onChange={(s) => emitted.push(s)} />);
  return { last: () => emitted[emitted.length - 1] };
}

/** Types `text` into the field labelled `label` (in `inside`), replacing what it held, and confirms it. */
async function enter(label: string, text: string, inside: HTMLElement = document.body) {
  const input = within(inside).getByLabelText(label);
  await user.clear(input);
  await user.click(input);
  await user.paste(text);
  await user.keyboard('{Enter}');
}

/** Empties the date picker labelled `label` with its clear button (shown on hover). */
async function clearDate(label: string, inside: HTMLElement) {
  const picker = within(inside).getByLabelText(label).closest('.ant-picker')!;
  await user.hover(picker);
  await user.click(picker.querySelector('.ant-picker-clear')!);
}

/** The problem shown beside the field labelled `label`; none once it has gone. */
const besideOf = (label: string, inside: HTMLElement = document.body) =>
  explained(within(inside).getByLabelText(label).closest('.ant-form-item')!);

const MONTHLY: Schedule = { kind: 'monthly', rule: 'before', day: 15, from: '2026-12' };

describe('ScheduleEditor', () => {
  it('sets a monthly schedule on day N from a month, dd/mm/yyyy in Vietnamese', async () => {
    const { last } = editor(MONTHLY);
    expect(screen.getByLabelText<HTMLInputElement>('Từ tháng').value).toBe('12/2026');
    await choose(user, 'Hạn', 'vào ngày');
    await enter('Ngày trong tháng', '8');
    await enter('Từ tháng', '01/2027');
    await waitFor(() => expect(last()).toEqual({ kind: 'monthly', rule: 'on', day: 8, from: '2027-01' }));
    expect(scheduleProblems(last())).toEqual([]);
  });

  it('sets a monthly schedule before day N until a month, and refuses an end before its start', async () => {
    const { last } = editor({ ...MONTHLY, rule: 'on', day: 8 });
    await choose(user, 'Hạn', 'trước ngày');
    await enter('Ngày trong tháng', '15');
    await enter('Đến tháng (để trống: đến khi kết thúc)', '06/2027');
    await waitFor(() =>
      expect(last()).toEqual({ kind: 'monthly', rule: 'before', day: 15, from: '2026-12', until: '2027-06' }),
    );
    expect(scheduleProblems(last())).toEqual([]);
    await enter('Đến tháng (để trống: đến khi kết thúc)', '06/2026');
    await waitFor(() =>
      expect(besideOf('Đến tháng (để trống: đến khi kết thúc)')).toBe('Kỳ cuối không được trước kỳ đầu.'),
    );
    expect(scheduleProblems(last())).toEqual(['until: must be a month yyyy-mm, not before from']);
  });

  it('sets a quarterly schedule with its data periods, the first quarter by its first month', async () => {
    const { last } = editor(MONTHLY);
    await choose(user, 'Kỳ hạn', SCHEDULE_KIND.periodic.vi);
    expect(within(screen.getByTestId('schedule')).getByTitle(PERIOD_EVERY.quarter.vi)).toBeTruthy();
    await enter('Ngày trong tháng', '20');
    await enter('Từ tháng', '05/2027');
    // May does not start a quarter: the domain refuses it, beside the field
    await waitFor(() => expect(besideOf('Từ tháng')).toMatch(/tháng đầu kỳ/));
    await enter('Từ tháng', '04/2027');
    await waitFor(() =>
      expect(last()).toEqual({ kind: 'periodic', every: 'quarter', rule: 'on', day: 20, from: '2027-04' }),
    );
    expect(scheduleProblems(last())).toEqual([]);
    await waitFor(() => expect(besideOf('Từ tháng')).toBe(''));
  });

  it('sets a plan in phases, each with its window, the last one open-ended', async () => {
    const { last } = editor(MONTHLY);
    await choose(user, 'Kỳ hạn', SCHEDULE_KIND.phases.vi);
    await user.click(button('Thêm đợt'));
    const first = screen.getByTestId('phase-0');
    const second = screen.getByTestId('phase-1');
    await enter('Từ ngày', '01/03/2027', first);
    await enter('Đến ngày (để trống: chưa ấn định)', '31/03/2027', first);
    await enter('Tên đợt', 'Sau Đại hội', second);
    // the last phase open-ended ("until the issuer closes it"), opening before the first one closes
    await clearDate('Đến ngày (để trống: chưa ấn định)', second);
    await enter('Từ ngày', '15/03/2027', second);
    await waitFor(() => expect(besideOf('Từ ngày', second)).toMatch(/không được trùng/));
    await enter('Từ ngày', '01/04/2027', second);
    await waitFor(() =>
      expect(last()).toEqual({
        kind: 'phases',
        phases: [
          { name: 'Đợt 1', opens: '2027-03-01', closes: '2027-03-31' },
          { name: 'Sau Đại hội', opens: '2027-04-01' },
        ],
      }),
    );
    expect(scheduleProblems(last())).toEqual([]);
  });

  it('sets an ad hoc schedule, with a reminder after some days', async () => {
    const { last } = editor(MONTHLY);
    await choose(user, 'Kỳ hạn', SCHEDULE_KIND.adhoc.vi);
    await waitFor(() => expect(last()).toEqual({ kind: 'adhoc' }));
    await enter('Nhắc đơn vị chưa báo cáo sau (ngày, để trống: không nhắc)', '3');
    await waitFor(() => expect(last()).toEqual({ kind: 'adhoc', remindAfterSeconds: 3 * 86_400 }));
    expect(scheduleProblems(last())).toEqual([]);
  });
});
