import { useState } from 'react';
import { Button, Checkbox, Form, Input, InputNumber, Select, type FormRule } from 'antd';
import type { CycleView, FormField, ReportValues } from '@cascade/domain';
import type {
  FiledReport,
  Page,
  ReceivedDirective,
  ReportRow,
  SchedulePreviewAnswer,
} from '@cascade/contracts';
import { api, ApiFailure } from '../api';
import { useApp } from '../context';
import { dmy, labelsOf, schedulesOf, valuesText, when } from '../format';
import { useServerProblems } from '../forms';
import { useGet, useLoad } from '../hooks';
import { Problem } from './Problem';
import { tabName } from './Schedules';
import { Stream } from './Stream';

/**
 * A routed unit's report: the schedule it answers (when the directive has several) and the cycle (the one open now
 * by default), the form's fields; an ad hoc schedule takes a new numbered report at any moment ("Báo cáo phát
 * sinh"), shown in the stream below it.
 */
export function ReportForm({ d, unitId }: { d: ReceivedDirective; unitId: string }) {
  const { t, num } = useApp();
  const reporting = d.content.reporting;
  const tabs = schedulesOf(reporting);
  const [key, setKey] = useState('main');
  const tab = tabs.find((s) => s.key === key) ?? tabs[0];
  const extra = reporting?.schedules?.find((s) => s.key === key);
  const fields = (extra?.form ?? reporting?.form)?.fields ?? [];
  const adhoc = tab?.schedule.kind === 'adhoc';
  // The cycles' labels, computed by the server from the schedule (the directive's stored cycles are the issuer's).
  const stagger = extra?.stagger ?? reporting?.stagger;
  const policy = extra?.policy ?? reporting?.policy;
  const input =
    tab && !adhoc
      ? JSON.stringify({
          schedule: tab.schedule,
          cycles: 12,
          ...(stagger?.length ? { stagger } : {}),
          ...(policy ? { policy } : {}),
        })
      : null;
  const [preview] = useLoad(
    () =>
      input
        ? api<SchedulePreviewAnswer>('POST', '/schedules/preview', JSON.parse(input))
        : Promise.resolve({ cycles: [] as CycleView[] }),
    [input],
  );
  const cycles = preview?.cycles ?? [];
  const openNow = Math.max(0, cycles.filter((c) => Date.parse(c.opensAt) <= Date.now()).length - 1);
  const [chosen, setChosen] = useState<number | null>(null);
  const cycle = adhoc ? 0 : (chosen ?? openNow);
  const [form] = Form.useForm<ReportValues>();
  const [message, setMessage] = useState<string | null>(null);
  const [failure, setFailure] = useState<{ text: string; placed: boolean } | null>(null);
  // a refusal naming a value (`values.sessions`) is shown beside that field
  const problems = useServerProblems([
    { prefix: 'values', form, item: ([k]) => (fields.some((f) => f.key === k) ? [String(k)] : null) },
  ]);
  // what the unit sent for this cycle (its current report, with its revision), re-read after each report
  const sent = useGet<Page<ReportRow>>(
    adhoc
      ? null
      : `/directives/${d.id}/reports?unitId=${unitId}&cycle=${cycle}&limit=10${key === 'main' ? '' : `&schedule=${key}`}`,
  );
  const mine = (sent.data?.items ?? []).filter((r) => r.unitId === unitId);
  if (!tab || !fields.length) return null;
  const deadline = cycles[cycle]?.deadlines[0];
  const send = async (values: ReportValues) => {
    setFailure(null);
    setMessage(null);
    problems.clear();
    try {
      // the values as the form types them: a yes/no unticked is a no, a number left empty is no value
      const typed = Object.fromEntries(
        fields.map((f) => [f.key, f.type === 'boolean' ? !!values[f.key] : (values[f.key] ?? null)]),
      );
      const filed = await api<FiledReport>('POST', `/directives/${d.id}/reports`, {
        unitId,
        cycle,
        ...(key === 'main' ? {} : { schedule: key }),
        values: typed,
      });
      setMessage(adhoc ? `${t('savedNumber')} ${filed.revision}.` : t('saved'));
    } catch (err) {
      setFailure(
        err instanceof ApiFailure
          ? { text: err.message, placed: problems.place(err) }
          : { text: String(err), placed: false },
      );
    }
  };
  return (
    <>
      <Form
        form={form}
        name={`report-${key}`}
        layout="vertical"
        onFinish={(v) => void send(v)}
        aria-label={adhoc ? t('adhocReport') : t('report')}
      >
        <h2>{adhoc ? t('adhocReport') : t('report')}</h2>
        {tabs.length > 1 && (
          <Form.Item label={t('reportFor')} htmlFor={`report-for-${d.id}`}>
            <Select
              id={`report-for-${d.id}`}
              value={key}
              onChange={(k) => {
                setKey(k);
                setChosen(null);
                setMessage(null);
              }}
              options={tabs.map((s) => ({ value: s.key, label: tabName(s, t('mainSchedule')) }))}
            />
          </Form.Item>
        )}
        {!adhoc && (
          <Form.Item label={t('cycle')} htmlFor={`cycle-${d.id}`}>
            {cycles.length ? (
              <Select
                id={`cycle-${d.id}`}
                value={cycle}
                onChange={(c) => setChosen(c)}
                options={cycles.map((c, i) => ({ value: i, label: c.label }))}
              />
            ) : (
              <InputNumber
                id={`cycle-${d.id}`}
                min={1}
                value={cycle + 1}
                onChange={(n) => setChosen(Math.max(0, (n ?? 1) - 1))}
              />
            )}
          </Form.Item>
        )}
        {deadline && (
          <p data-testid="my-deadline" className="deadline">
            {t('deadline')}: <strong>{deadline.lastDay ? dmy(deadline.lastDay) : when(deadline.at)}</strong>
          </p>
        )}
        {fields.map((f) => (
          <Form.Item
            key={f.key}
            label={f.label}
            name={f.key}
            valuePropName={f.type === 'boolean' ? 'checked' : 'value'}
            rules={rulesOf(f, t, num)}
          >
            {f.type === 'boolean' ? (
              <Checkbox />
            ) : f.type === 'choice' ? (
              <Select allowClear options={(f.choices ?? []).map((c) => ({ value: c, label: c }))} />
            ) : f.type === 'text' ? (
              <Input.TextArea autoSize={{ minRows: 1, maxRows: 8 }} />
            ) : (
              <InputNumber decimalSeparator={num(1.5).includes(',') ? ',' : '.'} />
            )}
          </Form.Item>
        ))}
        <Button type="primary" htmlType="submit">
          {adhoc ? t('sendAdhoc') : t('send')}
        </Button>
        {message && <p role="status">{message}</p>}
        <Problem text={failure && !failure.placed ? failure.text : null} />
      </Form>
      {!adhoc && mine.length > 0 && (
        <section aria-label={t('whatISent')} data-testid="sent">
          <h3>{t('whatISent')}</h3>
          <ul>
            {mine.map((r) => (
              <li key={`${r.unitId}/${r.revision ?? 0}`}>
                {r.revision !== undefined && `${t('revision')} ${r.revision} · `}
                {r.submittedAt && `${when(r.submittedAt)} · `}
                {valuesText(r.values, { labels: labelsOf(fields), num, yes: t('yes'), no: t('no') })}
              </li>
            ))}
          </ul>
        </section>
      )}
      {adhoc && <Stream id={d.id} unitId={unitId} schedule={key} fields={fields} />}
    </>
  );
}

/** What a field takes, said beside it: a value when required, a whole number, the form's bounds. */
function rulesOf(
  f: FormField,
  t: (k: 'needed' | 'wholeNumber' | 'atLeast' | 'atMost') => string,
  num: (n: number) => string,
): FormRule[] {
  const rules: FormRule[] = [];
  if (f.required && f.type !== 'boolean') rules.push({ required: true, message: t('needed') });
  if (f.type === 'integer' || f.type === 'decimal')
    rules.push({
      validator: async (_, v: number | null | undefined) => {
        if (typeof v !== 'number') return;
        if (f.type === 'integer' && !Number.isInteger(v)) throw new Error(t('wholeNumber'));
        if (f.min !== undefined && v < f.min) throw new Error(`${t('atLeast')} ${num(f.min)}.`);
        if (f.max !== undefined && v > f.max) throw new Error(`${t('atMost')} ${num(f.max)}.`);
      },
    });
  return rules;
}
