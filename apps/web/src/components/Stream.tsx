import { api } from '../api';
import { useApp } from '../context';
import { valuesText, when, scheduleQuery } from '../format';
import type { FormField } from '@cascade/domain';
import { labelsOf } from '../format';
import { useLoad } from '../hooks';
import { Problem } from './Problem';

/** One report of an ad hoc stream: each is a new numbered event, never a revision. */
export interface StreamReport {
  unitId: string;
  unitName: string;
  number: number;
  values: Record<string, unknown>;
  submittedAt: string;
}

/** An ad hoc ("kịp thời") stream as it comes: every report of the unit and the units below it, newest first. */
export function Stream({
  id,
  unitId,
  schedule,
  fields,
}: {
  id: string;
  unitId: string;
  schedule: string;
  fields?: FormField[];
}) {
  const { t, num } = useApp();
  const words = { labels: labelsOf(fields), num, yes: t('yes'), no: t('no') };
  // The newest page of the stream (up to 200 reports).
  const [page, error] = useLoad(
    () =>
      api<{ items: StreamReport[] }>(
        'GET',
        `/directives/${id}/reports?unitId=${unitId}&cycle=0&limit=200${scheduleQuery(schedule)}`,
      ),
    [id, unitId, schedule],
  );
  const reports = page?.items;
  return (
    <section aria-label={t('stream')}>
      <h3>{t('stream')}</h3>
      <Problem text={error} />
      {reports && !reports.length && <p>{t('nothing')}</p>}
      {!!reports?.length && (
        <table data-testid={`stream-${schedule}`}>
          <thead>
            <tr>
              <th>{t('number')}</th>
              <th>{t('unit')}</th>
              <th>{t('time')}</th>
              <th>{t('values')}</th>
            </tr>
          </thead>
          <tbody>
            {reports.map((r) => (
              <tr key={`${r.unitId}/${r.number}`}>
                <td>#{r.number}</td>
                <td>{r.unitName}</td>
                <td>{when(r.submittedAt)}</td>
                <td>{valuesText(r.values, words)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
