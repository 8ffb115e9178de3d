import { useState, type FormEvent } from 'react';
import type { ReceivedDirective } from '@cascade/contracts';
import { api, ApiFailure } from '../api';
import { Aggregate } from '../components/Aggregate';
import { Problem } from '../components/Problem';
import { useApp } from '../context';
import { useLoad } from '../hooks';

/** A directive received by the unit: acknowledge, report. */
export function ReceivedPage({ id }: { id: string }) {
  const { t, unit } = useApp();
  const [d, error, reload] = useLoad(
    () =>
      unit
        ? api<ReceivedDirective>('GET', `/directives/${id}/received?unitId=${unit.unitId}`)
        : Promise.resolve(null),
    [id, unit?.unitId],
  );
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [cycle, setCycle] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  if (error) return <Problem text={error} />;
  if (!d || !unit) return null;
  const fields = d.content.reporting?.form?.fields ?? [];
  const send = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
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
      await api('POST', `/directives/${id}/reports`, { unitId: unit.unitId, cycle, values: typed });
      setMessage(t('saved'));
    } catch (err) {
      setFailure(err instanceof ApiFailure ? err.message : String(err));
    }
  };
  return (
    <article className="card">
      <h1>
        {d.symbol} — {d.content.subject}
      </h1>
      <p>
        {d.issuerName} · {t('status')}:{' '}
        <span className={`badge ${d.node.status}`} data-testid="node-status">
          {d.node.status}
        </span>
      </p>
      <ol>
        {d.content.tasks.map((task, i) => (
          <li key={i}>{task}</li>
        ))}
      </ol>
      {d.node.status === 'delivered' && (
        <button
          onClick={() =>
            void api('POST', `/directives/${id}/acknowledge`, {
              unitId: unit.unitId,
              decision: 'accept',
            }).then(reload, (e: Error) => setFailure(e.message))
          }
        >
          {t('acknowledge')}
        </button>
      )}
      {d.node.isHub && <Aggregate id={id} unitId={unit.unitId} cycle={cycle} />}
      {fields.length > 0 && !d.node.isHub && (
        <form onSubmit={(e) => void send(e)} aria-label={t('report')}>
          <h2>{t('report')}</h2>
          <label>
            {t('cycle')}
            <input
              type="number"
              min={1}
              value={cycle + 1}
              onChange={(e) => setCycle(Number(e.target.value) - 1)}
            />
          </label>
          {fields.map((f) => (
            <label key={f.key}>
              {f.label}
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
          <button type="submit">{t('send')}</button>
          {message && <p role="status">{message}</p>}
        </form>
      )}
      <Problem text={failure} />
    </article>
  );
}
