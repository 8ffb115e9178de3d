import { Button, DatePicker, Form, Input, InputNumber, Select, type FormInstance } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { scheduleProblems, type PeriodicSchedule, type Phase, type Schedule } from '@cascade/domain';
import { useApp } from '../context';
import type { ItemName } from '../forms';
import { PERIOD_EVERY, SCHEDULE_KIND, type Words } from '../words/vocabulary';

/** The editor's fields: a schedule of any kind the drafter picks, its days as dayjs (the pickers' values). */
interface Values {
  kind: Schedule['kind'];
  rule?: 'on' | 'before';
  day?: number;
  every?: PeriodicSchedule['every'];
  dueMonthOffset?: number | null;
  from?: Dayjs | null;
  until?: Dayjs | null;
  phases?: { name?: string; opens?: Dayjs | null; closes?: Dayjs | null }[];
  remindAfterDays?: number | null;
  /** Set days (`dates`), one picker each. */
  dates?: (Dayjs | null)[];
  /** An interval schedule's first instant (empty: from dispatch), its spacing and its number of cycles. */
  start?: Dayjs | null;
  everySeconds?: number | null;
  count?: number | null;
}

/** Every kind the domain has (Schedule['kind']), in the order offered. */
const KINDS = [
  'monthly',
  'periodic',
  'phases',
  'adhoc',
  'dates',
  'interval',
] as const satisfies readonly Schedule['kind'][];
const EVERY = Object.keys(PERIOD_EVERY) as PeriodicSchedule['every'][];
const MONTH = 'MM/YYYY';
const DAY = 'DD/MM/YYYY';
const INSTANT = 'DD/MM/YYYY HH:mm:ss';
const month = (d: Dayjs | null | undefined) => d?.format('YYYY-MM');
const isoDay = (d: Dayjs | null | undefined) => d?.format('YYYY-MM-DD');
const fromMonth = (m: string | undefined) => (m ? dayjs(`${m}-01`) : null);
const fromDay = (d: string | undefined) => (d ? dayjs(d) : null);

/** A schedule as the editor's fields. */
export function valuesOf(s: Schedule): Values {
  switch (s.kind) {
    case 'monthly':
      return { kind: s.kind, rule: s.rule, day: s.day, from: fromMonth(s.from), until: fromMonth(s.until) };
    case 'periodic': {
      const week = s.every === 'week';
      const at = week ? fromDay : fromMonth;
      return {
        kind: s.kind,
        every: s.every,
        rule: s.rule,
        day: s.day,
        dueMonthOffset: s.dueMonthOffset ?? null,
        from: at(s.from),
        until: at(s.until),
      };
    }
    case 'phases':
      return {
        kind: s.kind,
        phases: s.phases.map((p) => ({ name: p.name, opens: fromDay(p.opens), closes: fromDay(p.closes) })),
      };
    case 'adhoc':
      return {
        kind: s.kind,
        remindAfterDays: s.remindAfterSeconds ? Math.round(s.remindAfterSeconds / 86_400) : null,
      };
    case 'dates':
      return { kind: s.kind, dates: s.dates.map((d) => fromDay(d)) };
    case 'interval':
      return {
        kind: s.kind,
        start: s.start ? dayjs(s.start) : null,
        everySeconds: s.everySeconds,
        count: s.count,
      };
  }
}

/**
 * The schedule the fields say, as the API takes it. `was` (the schedule as stored) gives back what the fields do not
 * show: a periodic schedule's cut-off and data period's length (for the same period), an ad hoc one's start and
 * digest, an interval's start written as stored when the instant picked is the same.
 */
export function scheduleOf(v: Values, was: Schedule): Schedule {
  switch (v.kind) {
    case 'monthly':
      return {
        kind: 'monthly',
        rule: v.rule ?? 'before',
        day: v.day ?? 0,
        from: month(v.from) ?? '',
        ...(v.until ? { until: month(v.until) } : {}),
      };
    case 'periodic': {
      const week = v.every === 'week';
      const at = week ? isoDay : month;
      return {
        kind: 'periodic',
        every: v.every ?? 'quarter',
        rule: v.rule ?? 'on',
        day: v.day ?? 0,
        from: at(v.from) ?? '',
        ...(v.until ? { until: at(v.until) } : {}),
        ...(!week && typeof v.dueMonthOffset === 'number' ? { dueMonthOffset: v.dueMonthOffset } : {}),
        ...(was.kind === 'periodic' && was.every === v.every
          ? {
              ...(was.cutoff !== undefined ? { cutoff: was.cutoff } : {}),
              ...(was.periodDays !== undefined ? { periodDays: was.periodDays } : {}),
            }
          : {}),
      };
    }
    case 'phases':
      return {
        kind: 'phases',
        phases: (v.phases ?? []).map((p): Phase => ({
          name: (p?.name ?? '').trim(),
          opens: isoDay(p?.opens) ?? '',
          ...(p?.closes ? { closes: isoDay(p.closes) } : {}),
        })),
      };
    case 'adhoc': {
      const kept = was.kind === 'adhoc' ? was : { kind: 'adhoc' as const };
      const { remindAfterSeconds: _, ...rest } = kept;
      return v.remindAfterDays ? { ...rest, remindAfterSeconds: v.remindAfterDays * 86_400 } : rest;
    }
    case 'dates':
      return { kind: 'dates', dates: (v.dates ?? []).map((d) => isoDay(d) ?? '') };
    case 'interval': {
      const stored = was.kind === 'interval' ? was.start : undefined;
      const start = v.start
        ? stored && dayjs(stored).valueOf() === v.start.valueOf()
          ? stored
          : v.start.toISOString()
        : undefined;
      return {
        kind: 'interval',
        ...(start ? { start } : {}),
        everySeconds: v.everySeconds ?? 0,
        count: v.count ?? 0,
      };
    }
  }
}

/** A kind's schedule to start from, about now: the 15th of each month, the 20th of each quarter's last month… */
function startOf(kind: Schedule['kind']): Schedule {
  const now = dayjs();
  switch (kind) {
    case 'monthly':
      return { kind, rule: 'before', day: 15, from: now.format('YYYY-MM') };
    case 'periodic':
      return { kind, every: 'quarter', rule: 'on', day: 20, from: firstPeriod('quarter').format('YYYY-MM') };
    case 'phases':
      return { kind, phases: [phaseAfter(undefined, 1)] };
    case 'adhoc':
      return { kind };
    case 'dates':
      return { kind, dates: [isoDay(now.add(7, 'day'))!] };
    case 'interval':
      return { kind, everySeconds: 86_400, count: 4 };
  }
}

/** The first period of `every` about now: this week's day, else the first month of the period now. */
function firstPeriod(every: PeriodicSchedule['every']): Dayjs {
  const now = dayjs();
  const months = { week: 0, month: 1, quarter: 3, 'half-year': 6, year: 12 }[every];
  return months ? now.month(now.month() - (now.month() % months)).startOf('month') : now;
}

type Rule = (name: ItemName) => { validator: () => Promise<void> };

/** The next phase: "Đợt n", a month from the day after the one before closes (from today for the first). */
function phaseAfter(before: Phase | undefined, n: number): Phase {
  const opens = before?.closes ? dayjs(before.closes).add(1, 'day') : dayjs();
  return { name: `Đợt ${n}`, opens: isoDay(opens)!, closes: isoDay(opens.add(30, 'day')) };
}

/** Where a problem with the schedule's `rest` is shown: the field it names, else the kind. */
export function scheduleItem(rest: ItemName): ItemName {
  const [part, index, sub] = rest;
  if (part === 'phases' && typeof index === 'number')
    return [
      'phases',
      index,
      typeof sub === 'string' && ['name', 'opens', 'closes'].includes(sub) ? sub : 'name',
    ];
  if (part === 'remindAfterSeconds' || part === 'digestSeconds') return ['remindAfterDays'];
  if (part === 'cutoff' || part === 'periodDays') return ['day'];
  if (part === 'dates') return typeof index === 'number' ? ['dates', index] : ['kind'];
  if (typeof part === 'string' && ['start', 'everySeconds', 'count'].includes(part)) return [part];
  if (typeof part === 'string' && ['rule', 'day', 'every', 'from', 'until', 'dueMonthOffset'].includes(part))
    return [part];
  return ['kind'];
}

/** What to do about a problem the domain finds, by the part it names (its own words are English). */
const PROBLEM: Record<string, Words> = {
  kind: { vi: 'Lịch báo cáo chưa hợp lệ: kiểm tra lại các mục dưới đây.', en: 'The schedule is not valid.' },
  rule: { vi: 'Chọn "vào ngày" hoặc "trước ngày".', en: 'Choose "on" or "before".' },
  day: {
    vi: 'Ngày không hợp lệ (1–31; với hằng tuần 1–7), hoặc hạn rơi trước khi kỳ số liệu kết thúc: chọn ngày muộn hơn.',
    en: 'Not a valid day (1–31; 1–7 for weeks), or the deadline falls before the period ends: choose a later day.',
  },
  every: { vi: 'Chọn chu kỳ.', en: 'Choose the period.' },
  from: {
    vi: 'Chọn kỳ đầu tiên (với hằng quý, 6 tháng, năm: tháng đầu kỳ, ví dụ 01, 04, 07, 10).',
    en: 'Choose the first period (for quarters, halves and years, its first month).',
  },
  until: { vi: 'Kỳ cuối không được trước kỳ đầu.', en: 'The last period is before the first.' },
  dueMonthOffset: { vi: 'Từ 0 đến 12 tháng.', en: 'From 0 to 12 months.' },
  name: { vi: 'Mỗi đợt cần một tên riêng.', en: 'Each phase needs its own name.' },
  opens: {
    vi: 'Chọn ngày bắt đầu; các đợt không được trùng thời gian.',
    en: 'Choose the first day; phases must not overlap.',
  },
  closes: {
    vi: 'Ngày kết thúc không được trước ngày bắt đầu; chỉ đợt cuối được để trống.',
    en: 'Not before the first day; only the last phase may be left open.',
  },
  remindAfterDays: { vi: 'Từ 1 đến 366 ngày.', en: 'From 1 to 366 days.' },
  dates: { vi: 'Chọn ngày (dd/mm/yyyy).', en: 'Choose the day (dd/mm/yyyy).' },
  start: { vi: 'Chọn thời điểm bắt đầu, hoặc để trống.', en: 'Choose the first instant, or leave it empty.' },
  everySeconds: {
    vi: 'Từ 1 giây đến một năm; cả lịch không quá 20 năm.',
    en: 'From 1 second to a year; the whole schedule within 20 years.',
  },
  count: {
    vi: 'Từ 1 đến 10.000 kỳ; cả lịch không quá 20 năm.',
    en: 'From 1 to 10,000 cycles; the whole schedule within 20 years.',
  },
};

/** The words of a problem shown beside `name`: a set day's (`dates.2`) are the days'. */
const problemOf = (name: ItemName) => PROBLEM[name[0] === 'dates' ? 'dates' : String(name[name.length - 1])];

/**
 * The schedule as data, in the drafter's words: monthly on or before a day from a month, periodic (a week, month,
 * quarter, half-year or year, with Decree 09/2019's data periods), phases with their windows, or as things happen.
 * Every field is checked by the domain's own rules (scheduleProblems) beside it; `onChange` gets the schedule the API
 * takes at every change. Every kind the domain has is edited here, set days and intervals too, and what is stored
 * comes back as it was when nothing is changed (`scheduleOf(valuesOf(s), s)` is `s`).
 */
export function ScheduleEditor({
  schedule,
  onChange,
  form: given,
}: {
  schedule: Schedule;
  onChange: (s: Schedule) => void;
  form?: FormInstance;
}) {
  const { t, say, lang } = useApp();
  const [own] = Form.useForm<Values>();
  const form = given ?? own;
  const values = () => form.getFieldsValue(true) as Values;
  /** The domain's problems with the schedule, as a rule of the item `name`. */
  const domainRule = (name: ItemName) => ({
    validator: async () => {
      const problem = scheduleProblems(scheduleOf(values(), schedule))
        .map((p) =>
          scheduleItem(
            p
              .split(':')[0]
              .split('.')
              .map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
          ),
        )
        .find((at) => at.join('.') === name.join('.'));
      if (problem) throw new Error(problemOf(name)[lang]);
    },
  });
  const emit = () => {
    onChange(scheduleOf(values(), schedule));
    void form.validateFields().catch(() => undefined);
  };
  return (
    <div data-testid="schedule">
      <Form
        form={form}
        name="schedule"
        component={false}
        layout="vertical"
        initialValues={valuesOf(schedule)}
        onValuesChange={(changed: Partial<Values>) => {
          if (changed.kind) form.setFieldsValue({ ...valuesOf(startOf(changed.kind)) });
          // a week is picked by a day of it, the other periods by their first month: the first period again
          if (changed.every) form.setFieldsValue({ from: firstPeriod(changed.every), until: null });
          emit();
        }}
      >
        <div className="row">
          <Form.Item label={t('scheduleKind')} name="kind" rules={[domainRule(['kind'])]}>
            <Select options={KINDS.map((k) => ({ value: k, label: say(SCHEDULE_KIND, k) }))} />
          </Form.Item>
          <Form.Item noStyle dependencies={['kind', 'every']}>
            {() => <KindParts values={values()} rule={domainRule} changed={emit} />}
          </Form.Item>
        </div>
      </Form>
    </div>
  );
}

/** The fields of the kind picked. */
function KindParts({ values, rule, changed }: { values: Values; rule: Rule; changed: () => void }) {
  const { t, say } = useApp();
  const week = values.every === 'week';
  const picker = week ? undefined : 'month';
  const format = week ? DAY : MONTH;
  const deadline = (
    <>
      <Form.Item label={t('rule')} name="rule" rules={[rule(['rule'])]}>
        <Select
          options={[
            { value: 'on', label: t('ruleOn') },
            { value: 'before', label: t('ruleBefore') },
          ]}
        />
      </Form.Item>
      <Form.Item label={week ? t('weekday') : t('day')} name="day" rules={[rule(['day'])]}>
        <InputNumber min={1} max={week ? 7 : 31} precision={0} />
      </Form.Item>
    </>
  );
  switch (values.kind) {
    case 'monthly':
      return (
        <>
          {deadline}
          <Form.Item label={t('fromMonth')} name="from" rules={[rule(['from'])]}>
            <DatePicker picker="month" format={MONTH} />
          </Form.Item>
          <Form.Item label={t('untilMonth')} name="until" rules={[rule(['until'])]}>
            <DatePicker picker="month" format={MONTH} />
          </Form.Item>
        </>
      );
    case 'periodic':
      return (
        <>
          <Form.Item label={t('periodEvery')} name="every" rules={[rule(['every'])]}>
            <Select options={EVERY.map((e) => ({ value: e, label: say(PERIOD_EVERY, e) }))} />
          </Form.Item>
          {deadline}
          {!week && (
            <Form.Item label={t('dueMonthOffset')} name="dueMonthOffset" rules={[rule(['dueMonthOffset'])]}>
              <InputNumber min={0} max={12} precision={0} />
            </Form.Item>
          )}
          <Form.Item label={week ? t('fromWeek') : t('fromMonth')} name="from" rules={[rule(['from'])]}>
            <DatePicker picker={picker} format={format} />
          </Form.Item>
          <Form.Item label={t('untilMonth')} name="until" rules={[rule(['until'])]}>
            <DatePicker picker={picker} format={format} />
          </Form.Item>
        </>
      );
    case 'phases':
      return <PhaseList rule={rule} changed={changed} />;
    case 'adhoc':
      return (
        <Form.Item label={t('remindAfterDays')} name="remindAfterDays" rules={[rule(['remindAfterDays'])]}>
          <InputNumber min={1} max={366} precision={0} />
        </Form.Item>
      );
    case 'dates':
      return <DayList rule={rule} changed={changed} />;
    case 'interval':
      return (
        <>
          <Form.Item label={t('intervalStart')} name="start" rules={[rule(['start'])]}>
            <DatePicker showTime format={INSTANT} />
          </Form.Item>
          <Form.Item label={t('everySeconds')} name="everySeconds" rules={[rule(['everySeconds'])]}>
            <InputNumber min={1} precision={0} />
          </Form.Item>
          <Form.Item label={t('cycleCount')} name="count" rules={[rule(['count'])]}>
            <InputNumber min={1} max={10_000} precision={0} />
          </Form.Item>
        </>
      );
  }
}

/** Set days: one picker each (dd/mm/yyyy), in any order (the domain sorts them), at least one. */
/** A list row's remove button, disabled on the list's last row (a schedule keeps at least one). */
function RemoveRow({ onRemove, last }: { onRemove: () => void; last: boolean }) {
  const { t } = useApp();
  return (
    <Button onClick={onRemove} disabled={last}>
      {t('remove')}
    </Button>
  );
}

function DayList({ rule, changed }: { rule: Rule; changed: () => void }) {
  const { t } = useApp();
  return (
    <fieldset data-testid="dates">
      <legend>{t('setDays')}</legend>
      <Form.List name="dates">
        {(rows, { add, remove }) => (
          <>
            {rows.map(({ key, name }) => (
              <div key={key} className="row" data-testid={`date-${name}`}>
                <Form.Item label={`${t('setDay')} ${name + 1}`} name={name} rules={[rule(['dates', name])]}>
                  <DatePicker format={DAY} />
                </Form.Item>
                <RemoveRow onRemove={() => (remove(name), changed())} last={rows.length === 1} />
              </div>
            ))}
            <Form.Item noStyle shouldUpdate>
              {({ getFieldValue }) => (
                <Button
                  onClick={() => {
                    const all = ((getFieldValue('dates') as Values['dates']) ?? []).filter(Boolean);
                    const last = all.reduce<Dayjs | null>((a, d) => (!a || d!.isAfter(a) ? d! : a), null);
                    add((last ?? dayjs()).add(7, 'day'));
                    changed();
                  }}
                >
                  {t('addDay')}
                </Button>
              )}
            </Form.Item>
          </>
        )}
      </Form.List>
    </fieldset>
  );
}

/** A plan's phases ("Đợt 1" … "Đợt 4"): each its name and window, the last one's end may be left open. */
function PhaseList({ rule, changed }: { rule: Rule; changed: () => void }) {
  const { t } = useApp();
  return (
    <fieldset data-testid="phases">
      <legend>{t('phases')}</legend>
      <Form.List name="phases">
        {(rows, { add, remove }) => (
          <>
            {rows.map(({ key, name }) => (
              <div key={key} className="row" data-testid={`phase-${name}`}>
                <Form.Item
                  label={t('phaseName')}
                  name={[name, 'name']}
                  rules={[rule(['phases', name, 'name'])]}
                >
                  <Input />
                </Form.Item>
                <Form.Item
                  label={t('phaseOpens')}
                  name={[name, 'opens']}
                  rules={[rule(['phases', name, 'opens'])]}
                >
                  <DatePicker format={DAY} />
                </Form.Item>
                <Form.Item
                  label={t('phaseCloses')}
                  name={[name, 'closes']}
                  rules={[rule(['phases', name, 'closes'])]}
                >
                  <DatePicker format={DAY} />
                </Form.Item>
                <RemoveRow onRemove={() => (remove(name), changed())} last={rows.length === 1} />
              </div>
            ))}
            <Form.Item noStyle shouldUpdate>
              {({ getFieldValue }) => (
                <Button
                  onClick={() => {
                    const all = (getFieldValue('phases') as Values['phases']) ?? [];
                    const last = all[all.length - 1];
                    const before = last && { name: '', opens: '', closes: isoDay(last.closes) };
                    const next = phaseAfter(before, all.length + 1);
                    add({ name: next.name, opens: fromDay(next.opens), closes: fromDay(next.closes) });
                    changed();
                  }}
                >
                  {t('addPhase')}
                </Button>
              )}
            </Form.Item>
          </>
        )}
      </Form.List>
    </fieldset>
  );
}
