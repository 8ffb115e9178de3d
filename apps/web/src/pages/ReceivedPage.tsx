import { useState } from 'react';
import type { ReceivedDirective } from '@cascade/contracts';
import { api } from '../api';
import { Aggregate } from '../components/Aggregate';
import { Attachments } from '../components/Attachments';
import { Forward } from '../components/Forward';
import { Problem } from '../components/Problem';
import { ReportForm } from '../components/ReportForm';
import { useApp } from '../context';
import { useLoad } from '../hooks';
import { NODE_STATUS } from '../words/vocabulary';

/** A directive received by the unit: acknowledge, its files, forward to the unit's own units, report. */
export function ReceivedPage({ id }: { id: string }) {
  const { t, unit, say } = useApp();
  const [d, error, reload] = useLoad(
    () =>
      unit
        ? api<ReceivedDirective>('GET', `/directives/${id}/received?unitId=${unit.unitId}`)
        : Promise.resolve(null),
    [id, unit?.unitId],
  );
  const [failure, setFailure] = useState<string | null>(null);
  if (error) return <Problem text={error} />;
  if (!d || !unit) return null;
  return (
    <article className="card">
      <h1>
        {d.symbol} — {d.content.subject}
      </h1>
      <p>
        {d.issuerName} · {t('status')}:{' '}
        <span className={`badge ${d.node.status}`} data-testid="node-status">
          {say(NODE_STATUS, d.node.status)}
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
      <Attachments id={id} editable={false} />
      {d.node.status === 'accepted' && !d.node.isHub && ['clerk', 'specialist'].includes(unit.role) && (
        <Forward id={id} unitId={unit.unitId} />
      )}
      {d.node.isHub && (
        <Aggregate id={id} unitId={unit.unitId} cycle={0} fields={d.content.reporting?.form?.fields} />
      )}
      {!d.node.isHub && <ReportForm key={d.id} d={d} unitId={unit.unitId} />}
      <Problem text={failure} />
    </article>
  );
}
