import { beforeEach, describe, expect, it } from '@jest/globals';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Compose } from './Compose';
import type { Directive, ImportAnswer, UnitRow } from '@cascade/contracts';
import { fakeServer, Refusal, type Handler } from '../testing/answers';
import { button, explained, renderInApp, TEST_UNIT } from '../testing/render';
import { errorWords } from '../words/errors';

const user = userEvent.setup({ delay: null });

const G = '00000000-0000-4000-8000-00000000000a';
const H = '00000000-0000-4000-8000-00000000000b';
const IMPORTED: ImportAnswer = {
  parsed: { subject: null, tasks: ['Tuyên truyền', 'Báo cáo'], sources: {} },
  draft: {
    type: 'CV',
    subject: 'V/v hưởng ứng Giải Búa liềm vàng',
    tasks: ['Tuyên truyền', 'Báo cáo'],
    addressees: { mode: 'children' },
    reporting: { schedule: { kind: 'monthly', rule: 'on', day: 8, from: '2026-12' } },
  },
  problems: [],
};

const unit = (id: string, name: string, code: string, level: number): UnitRow => ({
  id,
  name,
  code,
  level,
  kind: level === 2 ? 'federation' : 'grassroots_union',
});
/** The draft as the API answers its creation. */
const CREATED: Directive = {
  id: '00000000-0000-4000-8000-0000000000d1',
  issuerId: TEST_UNIT.unitId,
  type: 'CV',
  status: 'draft',
  version: 1,
  symbol: null,
  content: {
    subject: 'V/v hưởng ứng Giải Búa liềm vàng',
    tasks: ['Tuyên truyền'],
    addressees: { mode: 'children' },
  },
  signer: null,
  sha256: null,
  signature: null,
};

/** The API as the composer sees it; `create` answers POST /directives. */
function server(create: Handler<'POST /directives'>) {
  return fakeServer({
    'GET /units/:id/tree': {
      items: [
        unit(TEST_UNIT.unitId, 'LĐLĐ huyện', 'H', 2),
        unit(G, 'Đơn vị G', 'G', 3),
        unit(H, 'Đơn vị H', 'HH', 3),
      ],
      nextCursor: null,
    },
    'POST /directives/import': IMPORTED,
    'POST /schedules/preview': { cycles: [] },
    'POST /directives': create,
    'POST /directives/:id/submit': {
      directiveId: CREATED.id,
      status: 'in_review',
      version: 1,
      reviewers: [],
      reviewStep: 0,
      decisions: [],
      remindersSent: 0,
      number: null,
      symbol: null,
      signedAt: null,
      delivered: null,
    },
  });
}

/** Reads a letter: the draft's forms appear, filled from it. */
async function imported() {
  renderInApp(<Compose />);
  await user.click(
    screen.getByLabelText('Dán nội dung văn bản (hoặc chọn tệp .txt, .docx)', { selector: 'textarea' }),
  );
  await user.paste('Kính gửi: Các CĐCS trực thuộc');
  await user.click(button('Đọc văn bản'));
  await screen.findByLabelText('Trích yếu');
  await screen.findByText('Đơn vị G');
}

/** The words shown beside the field labelled `label` (in `inside`); none once its error has gone. */
const besideOf = (label: string, inside: HTMLElement = document.body) =>
  explained(within(inside).getByLabelText(label).closest('.ant-form-item')!);

/** The words shown beside the addressees' tree. */
const besideTree = () => explained(screen.getByTestId('addressee-tree').closest('.ant-form-item')!);

const posted = (calls: { method: string; path: string; body: unknown }[]) =>
  calls.filter((c) => c.method === 'POST' && c.path === '/directives');

describe('the composer', () => {
  beforeEach(() => localStorage.clear());

  it("places the server's refusal beside each field it names, and nothing on its own", async () => {
    const calls = server(
      () =>
        new Refusal(
          400,
          'REPORT_FORM_INVALID',
          'reporting.form.fields.0.key: letters, digits and _, starting with a lower-case letter; ' +
            'reporting.schedule.day: must be 1-31; subject: must be shorter than or equal to 1000 characters',
        ),
    );
    await imported();
    await user.click(button(/Tạo dự thảo/));
    await waitFor(() => expect(posted(calls)).toHaveLength(1));
    const words = errorWords('REPORT_FORM_INVALID', 'vi');
    await waitFor(() => expect(besideOf('Mã', screen.getByTestId('designed-0'))).toBe(words));
    expect(besideOf('Ngày trong tháng', screen.getByTestId('schedule'))).toBe(words);
    expect(besideOf('Trích yếu')).toBe(words);
    expect(besideOf('Tên chỉ tiêu', screen.getByTestId('designed-0'))).toBe('');
    // every field found its place: no alert of its own
    expect(document.querySelector('.problem')).toBeNull();
    // what was sent: the imported draft, every unit below ("children"), the designed form with its aggregation
    expect(posted(calls)[0].body).toMatchObject({
      subject: 'V/v hưởng ứng Giải Búa liềm vàng',
      type: 'CV',
      addressees: { mode: 'children' },
      tasks: ['Tuyên truyền', 'Báo cáo'],
      reporting: {
        schedule: { kind: 'monthly', rule: 'on', day: 8, from: '2026-12' },
        stagger: [0, 2, 4],
        policy: 'previous-working-day',
        form: { fields: [{ key: 'result', type: 'text', required: true, aggregate: 'collect' }] },
      },
    });
  });

  it("maps a validation failure's details onto the field, and shows what no field takes on its own", async () => {
    const answers = [
      new Refusal(400, 'VALIDATION_FAILED', 'addressees.unitIds: each value must be a UUID', [
        { field: 'addressees.unitIds', problems: ['each value must be a UUID'] },
      ]),
      new Refusal(400, 'DIRECTIVE_INVALID_INPUT', 'reporting.escalation.parentAfter: must be a duration'),
    ];
    const calls = server(() => answers[posted(calls).length - 1]);
    await imported();
    // one unit unchecked in the tree: the addressees become the units listed
    await user.click(screen.getByText('Đơn vị H'));
    await user.click(button(/Tạo dự thảo/));
    await waitFor(() => expect(besideTree()).toBe(errorWords('VALIDATION_FAILED', 'vi')));
    expect(posted(calls)[0].body).toMatchObject({ addressees: { mode: 'units', unitIds: [G] } });
    await user.click(button(/Tạo dự thảo/));
    await waitFor(() =>
      expect(document.querySelector('.problem')?.textContent).toBe(
        errorWords('DIRECTIVE_INVALID_INPUT', 'vi'),
      ),
    );
    // the last attempt's problems are gone from beside the fields
    expect(besideTree()).toBe('');
  });

  it('refuses an empty subject and no addressee beside them, without asking the server', async () => {
    const calls = server(() => CREATED);
    await imported();
    await user.clear(screen.getByLabelText('Trích yếu'));
    await user.click(screen.getByText('Tất cả đơn vị trực thuộc'));

    await user.click(button(/Tạo dự thảo/));
    await waitFor(() => expect(besideOf('Trích yếu')).toBe('Chưa nhập: mục này bắt buộc.'));
    await waitFor(() => expect(besideTree()).toBe('Chọn ít nhất một nơi nhận.'));
    expect(posted(calls)).toHaveLength(0);
  });
});
