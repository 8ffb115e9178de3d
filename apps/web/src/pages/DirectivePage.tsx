import { useState } from 'react';
import type { Directive } from '@cascade/contracts';
import { api } from '../api';
import { Problem } from '../components/Problem';
import { Routing } from '../components/Routing';
import { Schedules } from '../components/Schedules';
import { useApp } from '../context';
import { useLoad } from '../hooks';

/** A directive: review, signing, the routing dashboard. */
export function DirectivePage({ id }: { id: string }) {
  const { t, unit } = useApp();
  const [d, error, reload] = useLoad(() => api<Directive>('GET', `/directives/${id}`), [id], 4000);
  const [actionError, setActionError] = useState<string | null>(null);
  const act = async (path: string, body: object) => {
    setActionError(null);
    try {
      await api('POST', `/directives/${id}/${path}`, body);
      reload();
    } catch (e) {
      setActionError((e as Error).message);
    }
  };
  if (error) return <Problem text={error} />;
  if (!d) return null;
  const leader = unit?.role === 'leader';
  return (
    <article className="card">
      <h1>
        {d.symbol ?? d.type} — {d.content.subject}
      </h1>
      <p>
        {t('status')}:{' '}
        <span className={`badge ${d.status}`} data-testid="status">
          {d.status}
        </span>
      </p>
      <ol>
        {d.content.tasks.map((task, i) => (
          <li key={i}>{task}</li>
        ))}
      </ol>
      {d.signer && (
        <p>
          {t('signature')}: {d.signer.authority} {d.signer.position} {d.signer.name} · SHA-256{' '}
          {d.sha256?.slice(0, 16)}…
        </p>
      )}
      {leader && d.status === 'in_review' && (
        <button onClick={() => void act('review', { version: d.version, decision: 'approve' })}>
          {t('approve')}
        </button>
      )}
      {leader && d.status === 'approved' && (
        <button onClick={() => void act('sign', { version: d.version })}>{t('sign')}</button>
      )}
      <Problem text={actionError} />
      <p>
        <a href={`#/audit/${d.id}`}>{t('audit')}</a>
      </p>
      {['dispatched', 'closed', 'recalled', 'superseded'].includes(d.status) && (
        <>
          {d.content.reporting && <Schedules d={d} />}
          <Routing id={d.id} issuerId={d.issuerId} />
        </>
      )}
    </article>
  );
}
