import { useState, type FormEvent } from 'react';
import type { CycleView } from '@cascade/domain';
import type { ReceivedDirective } from '@cascade/contracts';
import { api, ApiFailure } from '../api';
import { useApp } from '../context';
import { dmy, labelsOf, schedulesOf, valuesText, when } from '../format';
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
        ? api<{ cycles: CycleView[] }>('POST', '/schedules/preview', JSON.parse(input))
        : Promise.resolve({ cycles: [] as CycleView[] }),
    [input],
  );
  const cycles = preview?.cycles ?? [];
  const openNow = Math.max(0, cycles.filter((c) => Date.parse(c.opensAt) <= Date.now()).length - 1);
  const [chosen, setChosen] = useState<number | null>(null);
  const cycle = adhoc ? 0 : (chosen ?? openNow);
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [failure, setFailure] = useState<{ text: string; field: string | null } | null>(null);
  // what the unit sent for this cycle (its current report, with its revision), re-read after each report
  const sent = useGet<{
    items: { unitId: string; revision?: number; submittedAt?: string; values: Record<string, unknown> }[];
  }>(
    adhoc
      ? null
      : `/directives/${d.id}/reports?unitId=${unitId}&cycle=${cycle}&limit=10${key === 'main' ? '' : `&schedule=${key}`}`,
  );
  const mine = (sent.data?.items ?? []).filter((r) => r.unitId === unitId);
  if (!tab || !fields.length) return null;
  const deadline = cycles[cycle]?.deadlines[0];
  const fieldError = (k: string) =>
    failure?.field === `values.${k}` || failure?.field === k ? (
      <span className="field-error" role="alert">
        {failure.text}
      </span>
    ) : null;
  const send = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    setMessage(null);
    try {
      const typed = Object.fromEntries(
        fields.map((f) => [
          f.key,
          f.type === 'boolean'
            ? !!values[f.key]
            : f.type === 'integer' || f.type === 'decimal'
              ? Number(values[f.key])
              : values[f.key],
        ]),
      );
      const filed = await api<{ revision: number }>('POST', `/directives/${d.id}/reports`, {
        unitId,
        cycle,
        ...(key === 'main' ? {} : { schedule: key }),
        values: typed,
      });
      setMessage(adhoc ? `${t('savedNumber')} ${filed.revision}.` : t('saved'));
    } catch (err) {
      setFailure(
        err instanceof ApiFailure
          ? { text: err.message, field: err.field }
          : { text: String(err), field: null },
      );
    }
  };
  return (
    <>
      <form onSubmit={(e) => void send(e)} aria-label={adhoc ? t('adhocReport') : t('report')}>
        <h2>{adhoc ? t('adhocReport') : t('report')}</h2>
        {tabs.length > 1 && (
          <label>
            {t('reportFor')}
            <select
              value={key}
              onChange={(e) => {
                setKey(e.target.value);
                setChosen(null);
                setMessage(null);
              }}
            >
              {tabs.map((s) => (
                <option key={s.key} value={s.key}>
                  {tabName(s, t('mainSchedule'))}
                </option>
              ))}
            </select>
          </label>
        )}
        {!adhoc && (
          <label>
            {t('cycle')}
            {cycles.length ? (
              <select value={cycle} onChange={(e) => setChosen(Number(e.target.value))}>
                {cycles.map((c, i) => (
                  <option key={i} value={i}>
                    {c.label}
                  </option>
                ))}
              </select>
            ) : (
              <input
                type="number"
                min={1}
                value={cycle + 1}
                onChange={(e) => setChosen(Math.max(0, Number(e.target.value) - 1))}
              />
            )}
          </label>
        )}
        {deadline && (
          <p data-testid="my-deadline" className="deadline">
            {t('deadline')}: <strong>{deadline.lastDay ? dmy(deadline.lastDay) : when(deadline.at)}</strong>
          </p>
        )}
        {fields.map((f) => (
          <label key={f.key}>
            {f.label}
            {fieldError(f.key)}
            {f.type === 'boolean' ? (
              <input
                type="checkbox"
                checked={!!values[f.key]}
                onChange={(e) => setValues({ ...values, [f.key]: e.target.checked })}
              />
            ) : f.type === 'choice' ? (
              <select
                required={f.required}
                value={String(values[f.key] ?? '')}
                onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
              >
                <option value="" />
                {(f.choices ?? []).map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            ) : (
              <input
                type={f.type === 'text' ? 'text' : 'number'}
                step={f.type === 'decimal' ? 'any' : undefined}
                required={f.required}
                min={f.min}
                max={f.max}
                value={String(values[f.key] ?? '')}
                onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
              />
            )}
          </label>
        ))}
        <button type="submit">{adhoc ? t('sendAdhoc') : t('send')}</button>
        {message && <p role="status">{message}</p>}
        <Problem
          text={failure && !fields.some((f) => failure.field === `values.${f.key}`) ? failure.text : null}
        />
      </form>
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
