import { Button, Descriptions, Space } from 'antd';
import type { AggregateAnswer } from '@cascade/contracts';
import type { FormField } from '@cascade/domain';
import { api, openFile } from '../api';
import { useApp } from '../context';
import { labelsOf, scheduleQuery, valueText } from '../format';
import { useLoad } from '../hooks';
import { Problem } from './Problem';

/** The aggregated report of a cycle at a node: coverage, values, CSV and XLSX (downloaded with the session's token). */
export function Aggregate({
  id,
  unitId,
  cycle,
  schedule = 'main',
  fields,
}: {
  fields?: FormField[];
  id: string;
  unitId: string;
  cycle: number;
  schedule?: string;
}) {
  const { t, num } = useApp();
  const labels = labelsOf(fields);
  const words = { labels, num, yes: t('yes'), no: t('no') };
  const which = `unitId=${unitId}&cycle=${cycle}${scheduleQuery(schedule)}`;
  const [agg, error] = useLoad(
    () => api<AggregateAnswer>('GET', `/directives/${id}/aggregate?${which}`),
    [id, which],
  );
  const download = (format: 'csv' | 'xlsx') =>
    void openFile(
      `/directives/${id}/aggregate/export?unitId=${unitId}&cycle=${cycle}&format=${format}`,
      `aggregate-${cycle + 1}.${format}`,
    );
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
            {num(agg.coverage.onTime)} {t('onTime')} · {num(agg.coverage.late)} {t('late')} ·{' '}
            {num(agg.coverage.missing)} {t('missing')} / {num(agg.coverage.expected)} {t('units')}{' '}
            {agg.closed ? `(${t('closedRevision')} ${agg.revision})` : `(${t('preview')})`}
          </p>
          <Descriptions column={1} size="small" bordered data-testid={`aggregate-values-${schedule}`}>
            {Object.entries(agg.values).map(([k, v]) => (
              <Descriptions.Item key={k} label={labels[k] ?? k}>
                {valueText(v, words)}
              </Descriptions.Item>
            ))}
          </Descriptions>
          {/* the export takes the main schedule's cycles only */}
          {schedule === 'main' && (
            <Space style={{ marginTop: 8 }}>
              <Button onClick={() => download('csv')}>CSV</Button>
              <Button onClick={() => download('xlsx')}>XLSX</Button>
            </Space>
          )}
        </>
      )}
    </section>
  );
}
