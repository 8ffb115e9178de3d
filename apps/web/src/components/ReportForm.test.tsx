import { describe, expect, it } from '@jest/globals';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReceivedDirective } from '@cascade/contracts';
import { cycleAt, cycleView, vietnamCalendar, type FormField, type Schedule } from '@cascade/domain';
import { ReportForm } from './ReportForm';
import { fakeServer, Refusal, type Call, type Handler } from '../testing/answers';
import { button, choose, explained, renderInApp, TEST_UNIT } from '../testing/render';
import { errorWords } from '../words/errors';

const user = userEvent.setup({ delay: null });

const FIELDS: FormField[] = [
  {
    key: 'sessions',
    label: 'Số buổi tuyên truyền',
    type: 'integer',
    required: true,
    min: 0,
    max: 100,
    aggregate: 'sum',
  },
  { key: 'rate', label: 'Tỷ lệ đoàn viên tham gia', type: 'decimal', required: false, aggregate: 'average' },
  { key: 'done', label: 'Đã tổ chức hội nghị', type: 'boolean', required: true, aggregate: 'countTrue' },
  { key: 'note', label: 'Kết quả thực hiện', type: 'text', required: true, aggregate: 'collect' },
  {
    key: 'level',
    label: 'Xếp loại',
    type: 'choice',
    required: true,
    choices: ['Tốt', 'Khá'],
    aggregate: 'collect',
  },
];
const SCHEDULE: Schedule = { kind: 'monthly', rule: 'on', day: 8, from: '2026-01' };
const DIRECTIVE = {
  id: '00000000-0000-4000-8000-0000000000d1',
  symbol: '12/KH-LĐLĐ',
  status: 'dispatched',
  issuerName: 'LĐLĐ huyện',
  content: {
    subject: 'Kế hoạch',
    tasks: ['a'],
    addressees: { mode: 'children' },
    reporting: { schedule: SCHEDULE, form: { fields: FIELDS } },
  },
  node: { status: 'accepted', statusCode: '03', isHub: false },
} satisfies ReceivedDirective;

/** The API as the report form sees it: the cycles the domain computes, `file` answering each report filed. */
function server(file: Handler<'POST /directives/:id/reports'>) {
  const cycles = [0, 1, 2].map((i) =>
    cycleView(cycleAt(SCHEDULE, i, { calendar: vietnamCalendar(), policy: 'previous-working-day' })!),
  );
  return fakeServer({
    'POST /schedules/preview': { cycles },
    'GET /directives/:id/reports': { items: [], nextCursor: null },
    'POST /directives/:id/reports': file,
  });
}

const beside = (label: string) => explained(screen.getByLabelText(label).closest('.ant-form-item')!);
const filed = (calls: Call[]) => calls.filter((c) => c.method === 'POST' && c.path.endsWith('/reports'));

async function enter(label: string, text: string) {
  const input = screen.getByLabelText(label);
  await user.clear(input);
  await user.click(input);
  await user.paste(text);
}

describe('ReportForm', () => {
  it('renders a control for each field type, refuses bad input beside the field, and files typed values', async () => {
    const calls = server(() => ({ revision: 1 }));
    renderInApp(<ReportForm d={DIRECTIVE} unitId={TEST_UNIT.unitId} />);
    await screen.findByText('Hạn báo cáo:', { exact: false });
    expect(screen.getByLabelText('Số buổi tuyên truyền').getAttribute('role')).toBe('spinbutton');
    expect(screen.getByLabelText('Tỷ lệ đoàn viên tham gia').getAttribute('role')).toBe('spinbutton');
    expect(screen.getByLabelText('Đã tổ chức hội nghị').getAttribute('type')).toBe('checkbox');
    expect(screen.getByLabelText('Kết quả thực hiện').tagName).toBe('TEXTAREA');
    expect(screen.getByLabelText('Xếp loại').getAttribute('role')).toBe('combobox');
    // nothing entered: each required field says so, and nothing is sent
    await user.click(button('Gửi báo cáo'));
    await waitFor(() => expect(beside('Số buổi tuyên truyền')).toBe('Chưa nhập: mục này bắt buộc.'));
    expect(beside('Kết quả thực hiện')).toBe('Chưa nhập: mục này bắt buộc.');
    expect(beside('Xếp loại')).toBe('Chưa nhập: mục này bắt buộc.');
    expect(beside('Tỷ lệ đoàn viên tham gia')).toBe('');
    expect(beside('Đã tổ chức hội nghị')).toBe('');
    // out of the form's bounds, not a whole number
    await enter('Số buổi tuyên truyền', '150');
    await waitFor(() => expect(beside('Số buổi tuyên truyền')).toBe('Không được lớn hơn 100.'));
    await enter('Số buổi tuyên truyền', '2,5');
    await waitFor(() => expect(beside('Số buổi tuyên truyền')).toBe('Nhập số nguyên.'));
    expect(filed(calls)).toHaveLength(0);
    // a good report: numbers as numbers (2,5 is Vietnamese for 2.5), the yes ticked, one of the choices
    await enter('Số buổi tuyên truyền', '12');
    await enter('Tỷ lệ đoàn viên tham gia', '87,5');
    await user.click(screen.getByLabelText('Đã tổ chức hội nghị'));
    await enter('Kết quả thực hiện', 'Đã quán triệt tới 100% đoàn viên.');
    await choose(user, 'Xếp loại', 'Khá');
    await user.click(button('Gửi báo cáo'));
    await screen.findByText('Đã lưu.');
    expect(filed(calls)).toHaveLength(1);
    expect(filed(calls)[0].body).toEqual({
      unitId: TEST_UNIT.unitId,
      cycle: expect.any(Number),
      values: {
        sessions: 12,
        rate: 87.5,
        done: true,
        note: 'Đã quán triệt tới 100% đoàn viên.',
        level: 'Khá',
      },
    });
  });

  it("places the server's refusal beside the value it names", async () => {
    server(
      () =>
        new Refusal(400, 'REPORT_INVALID', 'values.level: must be one of Tốt, Khá', [
          { field: 'values.level', problems: ['must be one of Tốt, Khá'] },
        ]),
    );
    renderInApp(<ReportForm d={DIRECTIVE} unitId={TEST_UNIT.unitId} />);
    await screen.findByText('Hạn báo cáo:', { exact: false });
    await enter('Số buổi tuyên truyền', '3');
    await enter('Kết quả thực hiện', 'Xong');
    await choose(user, 'Xếp loại', 'Tốt');
    await user.click(button('Gửi báo cáo'));
    await waitFor(() => expect(beside('Xếp loại')).toBe(errorWords('REPORT_INVALID', 'vi')));
    expect(beside('Số buổi tuyên truyền')).toBe('');
    expect(document.querySelector('.problem')).toBeNull();
  });
});
