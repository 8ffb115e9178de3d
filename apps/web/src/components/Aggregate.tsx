import type { AggregateAnswer, CollectedAnswers } from '@cascade/contracts';
import { api, session } from '../api';
import { useApp } from '../context';
import { scheduleQuery } from '../format';
import { useLoad } from '../hooks';
import { Problem } from './Problem';

/** The aggregated report of a cycle at a node: coverage, values, CSV and XLSX (downloaded with the session's token). */
export function Aggregate({
  id,
  unitId,
  cycle,
  schedule = 'main',
}: {
  id: string;
  unitId: string;
  cycle: number;
  schedule?: string;
}) {
  const { t } = useApp();
  const which = `unitId=${unitId}&cycle=${cycle}${scheduleQuery(schedule)}`;
  const [agg, error] = useLoad(
    () => api<AggregateAnswer>('GET', `/directives/${id}/aggregate?${which}`),
    [id, which],
    5000,
  );
  const download = async (format: 'csv' | 'xlsx') => {
    const res = await fetch(
      `/directives/${id}/aggregate/export?unitId=${unitId}&cycle=${cycle}&format=${format}`,
      {
        headers: { Authorization: `Bearer ${session.token ?? ''}` },
      },
    );
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `aggregate-${cycle + 1}.${format}`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <section aria-labelledby={`aggregate-${schedule}`} className="aggregate">
      <h3 id={`aggregate-${schedule}`}>
        {t('aggregate')} {agg ? `— ${agg.label}` : ''}
      </h3>
      <Problem text={error} />
      {agg?.provisional && (
        <p className="note" data-testid="provisional">
          {t('provisionalHint')}
        </p>
      )}
      {agg && (
        <>
          <p data-testid="coverage">
            {agg.coverage.onTime} {t('onTime')} · {agg.coverage.late} {t('late')} · {agg.coverage.missing}{' '}
            {t('missing')} / {agg.coverage.expected} {t('units')}{' '}
            {agg.closed ? `(${t('closedRevision')} ${agg.revision})` : `(${t('preview')})`}
          </p>
          <ul>
            {Object.entries(agg.values).map(([k, v]) => (
              <li key={k}>
                {k}: {isCollected(v) ? v.count : JSON.stringify(v)}
              </li>
            ))}
          </ul>
          {/* the export takes the main schedule's cycles only */}
          {schedule === 'main' && (
            <>
              <button onClick={() => void download('csv')}>CSV</button>
              <button onClick={() => void download('xlsx')}>XLSX</button>
            </>
          )}
        </>
      )}
    </section>
  );
}

/** A collect field: its count and first answers (the rest paged by /aggregate/answers). */
const isCollected = (v: unknown): v is CollectedAnswers =>
  typeof v === 'object' && v !== null && Array.isArray((v as CollectedAnswers).items);
