import { describe, expect, it } from '@jest/globals';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

const user = userEvent.setup({ delay: null });
import { formProblems, type FieldType, type FormField } from '@cascade/domain';
import { AGGREGATIONS_OF, FormDesigner } from './FormDesigner';
import { button, choose as pick, renderInApp } from '../testing/render';
import { AGGREGATION, FIELD_TYPE } from '../words/vocabulary';

/** The designer with no field yet: what it emits last. */
function designer(fields: FormField[] = []) {
  const emitted: FormField[][] = [];
  renderInApp(<FormDesigner fields={fields} onChange={(f) => emitted.push(f)} />);
  return { last: () => emitted[emitted.length - 1] };
}

/** Picks `option` in the antd Select labelled `label` inside `row`. */
const choose = (row: HTMLElement, label: string, option: string) => pick(user, label, option, row);

/** Types `text` into the field labelled `label` of `row`, replacing what it held. */
async function enter(row: HTMLElement, label: string, text: string) {
  const input = within(row).getByLabelText(label);
  await user.clear(input);
  await user.click(input);
  await user.paste(text);
}

/** The options of the antd Select open now. */
const offered = () =>
  Array.from(
    [...document.querySelectorAll('.ant-select-dropdown:not(.ant-select-dropdown-hidden)')]
      .pop()!
      .querySelectorAll('.ant-select-item-option'),
    (o) => o.getAttribute('title'),
  );

const row = (i: number) => screen.getByTestId(`designed-${i}`);

describe('FormDesigner', () => {
  it('designs a field of every type the domain has, and emits a form the domain accepts', async () => {
    const { last } = designer();
    const types: FieldType[] = ['integer', 'decimal', 'boolean', 'text', 'choice'];
    for (const [i, type] of types.entries()) {
      await user.click(button('Thêm chỉ tiêu'));
      const r = row(i);
      await enter(r, 'Tên chỉ tiêu', `Chỉ tiêu ${i + 1}`);
      await enter(r, 'Mã', `f${type}`);
      if (type !== 'integer') await choose(r, 'Kiểu dữ liệu', FIELD_TYPE[type].vi);
    }
    // a number's bounds, a choice's options, an optional field, another aggregation
    await enter(row(0), 'Giá trị nhỏ nhất', '0');
    await enter(row(0), 'Giá trị lớn nhất', '500');
    await choose(row(1), 'Cách tổng hợp', AGGREGATION.average.vi);
    await user.click(within(row(3)).getByLabelText('Bắt buộc'));
    await user.type(within(row(4)).getByLabelText('Các lựa chọn (cách nhau bởi dấu ;)'), 'Tốt;Khá;TB;');
    await waitFor(() => expect(last()).toHaveLength(5));
    expect(last()).toEqual([
      {
        key: 'finteger',
        label: 'Chỉ tiêu 1',
        type: 'integer',
        required: true,
        aggregate: 'sum',
        min: 0,
        max: 500,
      },
      { key: 'fdecimal', label: 'Chỉ tiêu 2', type: 'decimal', required: true, aggregate: 'average' },
      { key: 'fboolean', label: 'Chỉ tiêu 3', type: 'boolean', required: true, aggregate: 'countTrue' },
      { key: 'ftext', label: 'Chỉ tiêu 4', type: 'text', required: false, aggregate: 'collect' },
      {
        key: 'fchoice',
        label: 'Chỉ tiêu 5',
        type: 'choice',
        required: true,
        aggregate: 'collect',
        choices: ['Tốt', 'Khá', 'TB'],
      },
    ]);
    expect(formProblems({ fields: last() })).toEqual([]);
  });

  it('offers for each type only the aggregations the domain accepts for it', async () => {
    for (const type of Object.keys(AGGREGATIONS_OF) as FieldType[])
      for (const aggregate of AGGREGATIONS_OF[type]) {
        const field: FormField = { key: 'x', label: 'X', type, required: true, aggregate };
        expect([type, aggregate, formProblems({ fields: [{ ...field, choices: ['a'] }] })]).toEqual([
          type,
          aggregate,
          [],
        ]);
      }
    const { last } = designer([{ key: 'n', label: 'Số', type: 'integer', required: true, aggregate: 'max' }]);
    // a number aggregated by its highest value becomes a yes/no: counted, since "highest" means nothing for it
    await choose(row(0), 'Kiểu dữ liệu', FIELD_TYPE.boolean.vi);
    await waitFor(() => expect(last()?.[0]).toMatchObject({ type: 'boolean', aggregate: 'countTrue' }));
    await user.click(within(row(0)).getByLabelText('Cách tổng hợp'));
    await screen.findAllByTitle(AGGREGATION.collect.vi);
    expect(offered()).toEqual([AGGREGATION.countTrue.vi, AGGREGATION.collect.vi]);
  });

  it('refuses, beside the field, a bad key, a key used twice, an empty label and bounds the wrong way', async () => {
    designer([
      { key: 'sessions', label: 'Số buổi', type: 'integer', required: true, aggregate: 'sum' },
      { key: 'people', label: 'Số người', type: 'integer', required: true, aggregate: 'sum' },
    ]);
    await enter(row(1), 'Mã', 'Số người');
    expect(await within(row(1)).findByText(/Mã gồm chữ không dấu/)).toBeTruthy();
    await enter(row(1), 'Mã', 'sessions');
    expect(await within(row(1)).findByText('Mã này đã dùng cho chỉ tiêu khác.')).toBeTruthy();
    await user.clear(within(row(0)).getByLabelText('Tên chỉ tiêu'));
    expect(await within(row(0)).findByText('Chưa nhập: mục này bắt buộc.')).toBeTruthy();
    await enter(row(0), 'Giá trị nhỏ nhất', '10');
    await enter(row(0), 'Giá trị lớn nhất', '5');
    expect(await within(row(0)).findByText('Giá trị lớn nhất nhỏ hơn giá trị nhỏ nhất.')).toBeTruthy();
    // the other row's messages stay with it
    expect(within(row(1)).queryByText('Chưa nhập: mục này bắt buộc.')).toBeNull();
  });

  it('removes a field', async () => {
    const { last } = designer([
      { key: 'a', label: 'A', type: 'text', required: true, aggregate: 'collect' },
      { key: 'b', label: 'B', type: 'text', required: true, aggregate: 'collect' },
    ]);
    await user.click(button('Bỏ', row(0)));
    await waitFor(() => expect(last()?.map((f) => f.key)).toEqual(['b']));
  });
});
