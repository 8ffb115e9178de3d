import { describe, expect, it } from '@jest/globals';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import dayjs from 'dayjs';
import { scheduleProblems, type Schedule } from '@cascade/domain';
import { ScheduleEditor, scheduleOf, valuesOf } from './ScheduleEditor';
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

  it('edits set days: the stored days shown dd/mm/yyyy, one changed, one added, a wrong one refused beside it', async () => {
    const { last } = editor({ kind: 'dates', dates: ['2027-03-08', '2027-06-30'] });
    expect(screen.getByLabelText<HTMLInputElement>('Ngày 1').value).toBe('08/03/2027');
    expect(screen.getByLabelText<HTMLInputElement>('Ngày 2').value).toBe('30/06/2027');
    await enter('Ngày 2', '15/07/2027');
    await waitFor(() => expect(last()).toEqual({ kind: 'dates', dates: ['2027-03-08', '2027-07-15'] }));
    await user.click(button('Thêm ngày'));
    await waitFor(() =>
      expect(last()).toEqual({ kind: 'dates', dates: ['2027-03-08', '2027-07-15', '2027-07-22'] }),
    );
    await user.click(button('Bỏ', screen.getByTestId('date-0')));
    await waitFor(() => expect(last()).toEqual({ kind: 'dates', dates: ['2027-07-15', '2027-07-22'] }));
    expect(scheduleProblems(last())).toEqual([]);
    await clearDate('Ngày 1', screen.getByTestId('date-0'));
    await waitFor(() => expect(besideOf('Ngày 1')).toBe('Chọn ngày (dd/mm/yyyy).'));
  });

  it('edits an interval schedule: its start kept as stored, its spacing and count changed and checked', async () => {
    const stored: Schedule = {
      kind: 'interval',
      start: '2026-12-01T08:00:00+07:00',
      everySeconds: 30,
      count: 3,
    };
    const { last } = editor(stored);
    // shown in the browser's own time (Việt Nam's in a secretariat, UTC here)
    expect(screen.getByLabelText<HTMLInputElement>('Bắt đầu lúc (để trống: từ khi ban hành)').value).toBe(
      dayjs('2026-12-01T01:00:00Z').format('DD/MM/YYYY HH:mm:ss'),
    );
    await enter('Số kỳ', '5');
    await waitFor(() => expect(last()).toEqual({ ...stored, count: 5 }));
    await enter('Cách nhau (giây)', '600');
    await waitFor(() => expect(last()).toEqual({ ...stored, everySeconds: 600, count: 5 }));
    expect(scheduleProblems(last())).toEqual([]);
    await enter('Số kỳ', '10000');
    await enter('Cách nhau (giây)', '31536000');
    await waitFor(() => expect(besideOf('Số kỳ')).toMatch(/không quá 20 năm/));
    await clearDate('Bắt đầu lúc (để trống: từ khi ban hành)', document.body);
    await waitFor(() =>
      expect(last()).toEqual({ kind: 'interval', everySeconds: 31_536_000, count: 10_000 }),
    );
  });

  it('offers every kind the domain has, and gives back each stored schedule unchanged', async () => {
    const stored: Schedule[] = [
      MONTHLY,
      { kind: 'monthly', rule: 'on', day: 8, from: '2026-01', until: '2026-12' },
      {
        kind: 'periodic',
        every: 'quarter',
        rule: 'on',
        day: 20,
        from: '2027-04',
        dueMonthOffset: 1,
        cutoff: 10,
        periodDays: 30,
      },
      {
        kind: 'periodic',
        every: 'week',
        rule: 'before',
        day: 5,
        from: '2027-01-04',
        until: '2027-03-29',
        cutoff: 4,
      },
      {
        kind: 'phases',
        phases: [
          { name: 'Đợt 1', opens: '2027-03-01', closes: '2027-03-31' },
          { name: 'Đợt 2', opens: '2027-04-01' },
        ],
      },
      {
        kind: 'adhoc',
        start: '2026-12-01T01:00:00.000Z',
        digestSeconds: 3600,
        remindAfterSeconds: 2 * 86_400,
      },
      { kind: 'dates', dates: ['2027-03-08', '2027-06-30'] },
      { kind: 'interval', everySeconds: 30, count: 3 },
      { kind: 'interval', start: '2026-12-01T08:00:00+07:00', everySeconds: 86_400, count: 12 },
    ];
    for (const s of stored) expect(scheduleOf(valuesOf(s), s)).toEqual(s);
    editor(MONTHLY);
    await user.click(screen.getByLabelText('Kỳ hạn'));
    for (const kind of ['monthly', 'periodic', 'phases', 'adhoc', 'dates', 'interval'] as const)
      expect((await screen.findAllByTitle(SCHEDULE_KIND[kind].vi)).length).toBeGreaterThan(0);
  });
});
