import {
  aggregate,
  aggregateValue,
  formProblems,
  reportProblems,
  type ReportForm,
  type UnitReport,
} from './form';

// The Tây Ninh seed asks grassroots unions to report monthly on the Party-building propaganda they ran.
const form: ReportForm = {
  fields: [
    {
      key: 'sessions',
      label: 'Số buổi tuyên truyền',
      type: 'integer',
      required: true,
      min: 0,
      aggregate: 'sum',
    },
    {
      key: 'participants',
      label: 'Số lượt người tham gia',
      type: 'integer',
      required: true,
      min: 0,
      aggregate: 'average',
    },
    {
      key: 'entries',
      label: 'Số tác phẩm dự Giải Búa liềm vàng',
      type: 'integer',
      required: false,
      aggregate: 'max',
    },
    {
      key: 'earliestDay',
      label: 'Ngày tổ chức sớm nhất',
      type: 'integer',
      required: false,
      min: 1,
      max: 31,
      aggregate: 'min',
    },
    {
      key: 'done',
      label: 'Đã quán triệt Kế hoạch 255',
      type: 'boolean',
      required: true,
      aggregate: 'countTrue',
    },
    {
      key: 'level',
      label: 'Mức độ',
      type: 'choice',
      required: false,
      choices: ['tốt', 'khá', 'đạt'],
      aggregate: 'collect',
    },
    { key: 'note', label: 'Ghi chú', type: 'text', required: false, aggregate: 'collect' },
  ],
};

const report = (
  unitId: string,
  sessions: number,
  participants: number,
  done: boolean,
  late = false,
  extra = {},
): UnitReport => ({
  unitId,
  late,
  values: { sessions, participants, done, ...extra },
});

describe('formProblems', () => {
  it('accepts the seed form', () => {
    expect(formProblems(form)).toEqual([]);
  });

  it('names each problem', () => {
    expect(
      formProblems({
        fields: [
          { key: 'Bad key', label: '', type: 'integer', required: true, aggregate: 'sum' },
          { key: 'a', label: 'A', type: 'text', required: true, aggregate: 'sum' },
          { key: 'a', label: 'B', type: 'choice', required: false, aggregate: 'collect' },
        ],
      }),
    ).toEqual([
      'fields.0.key: letters, digits and _, starting with a lower-case letter',
      'fields.0.label: required',
      'fields.1.aggregate: a text field aggregates by collect',
      'fields.2.key: a is used twice',
      'fields.2.choices: required for a choice',
    ]);
    expect(formProblems({ fields: [] })).toEqual(['fields: at least one field']);
  });
});

describe('reportProblems', () => {
  it('accepts a valid report and lets optional fields be absent', () => {
    expect(reportProblems(form, { sessions: 3, participants: 120, done: true })).toEqual([]);
  });

  it('names every bad or missing field and unknown keys', () => {
    expect(
      reportProblems(form, {
        sessions: 2.5,
        participants: -1,
        done: 'có',
        level: 'xuất sắc',
        earliestDay: 40,
        extra: 1,
      }),
    ).toEqual([
      'extra: not a field of this form',
      'sessions: must be a whole number',
      'participants: must be at least 0',
      'earliestDay: must be at most 31',
      'done: must be true or false',
      'level: must be one of tốt, khá, đạt',
    ]);
    expect(reportProblems(form, {})).toEqual([
      'sessions: required',
      'participants: required',
      'done: required',
    ]);
  });
});

describe('aggregate', () => {
  const grassroots = [
    report('c1', 2, 100, true, false, { entries: 3, earliestDay: 5, level: 'tốt' }),
    report('c2', 4, 50, false, true, { entries: 1, earliestDay: 2 }),
    report('c3', 1, 30, true, false, { note: 'Đã gửi tác phẩm' }),
  ];

  it('aggregates a district with coverage: on time, late and missing units', () => {
    const district = aggregate(form, { reports: grassroots, expected: ['c1', 'c2', 'c3', 'c4'] });
    expect(district.coverage).toEqual({ expected: 4, onTime: 2, late: 1, missing: 1, missingUnits: ['c4'] });
    const values = Object.fromEntries(
      Object.entries(district.fields).map(([k, a]) => [k, aggregateValue(a)]),
    );
    expect(values).toEqual({
      sessions: 7,
      participants: 60,
      entries: 3,
      earliestDay: 2,
      done: 2,
      level: [{ unitId: 'c1', value: 'tốt' }],
      note: [{ unitId: 'c3', value: 'Đã gửi tác phẩm' }],
    });
  });

  it('combines district aggregates into the province exactly as if it saw every grassroots report', () => {
    const more = [report('d1', 5, 200, true), report('d2', 0, 10, false)];
    const districtA = aggregate(form, { reports: grassroots, expected: ['c1', 'c2', 'c3', 'c4'] });
    const districtB = aggregate(form, { reports: more, expected: ['d1', 'd2'] });
    const province = aggregate(form, { children: [districtA, districtB] });
    const flat = aggregate(form, {
      reports: [...grassroots, ...more],
      expected: ['c1', 'c2', 'c3', 'c4', 'd1', 'd2'],
    });
    expect(aggregateValue(province.fields.participants)).toBeCloseTo((100 + 50 + 30 + 200 + 10) / 5);
    expect(aggregateValue(province.fields.participants)).toBe(aggregateValue(flat.fields.participants));
    expect(province.fields).toEqual(flat.fields);
    expect(province.coverage).toEqual(flat.coverage);
  });

  it('gives null for a field nobody reported, and zero coverage for no subordinates', () => {
    const none = aggregate(form, { expected: ['x'] });
    expect(aggregateValue(none.fields.participants)).toBeNull();
    expect(aggregateValue(none.fields.earliestDay)).toBeNull();
    expect(aggregateValue(none.fields.sessions)).toBe(0);
    expect(aggregate(form, {}).coverage).toEqual({
      expected: 0,
      onTime: 0,
      late: 0,
      missing: 0,
      missingUnits: [],
    });
  });

  it('re-aggregates when a late report arrives', () => {
    const before = aggregate(form, { reports: grassroots.slice(0, 2), expected: ['c1', 'c2', 'c3'] });
    const after = aggregate(form, {
      reports: [...grassroots.slice(0, 2), { ...grassroots[2], late: true }],
      expected: ['c1', 'c2', 'c3'],
    });
    expect(before.coverage.missingUnits).toEqual(['c3']);
    expect(after.coverage).toMatchObject({ late: 2, missing: 0 });
    expect(aggregateValue(after.fields.sessions)).toBe(7);
  });
});

describe('malformed forms from the outside', () => {
  it('names a field that is not an object instead of throwing', () => {
    expect(formProblems({ fields: [null, 'x'] } as unknown as ReportForm)).toEqual([
      'fields.0: must be a field definition',
      'fields.1: must be a field definition',
    ]);
  });
});
