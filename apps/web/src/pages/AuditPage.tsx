import { useState } from 'react';
import type { Page } from '@cascade/contracts';
import { api } from '../api';
import { Problem } from '../components/Problem';
import { useApp } from '../context';
import { useLoad } from '../hooks';

export function AuditPage({ id }: { id: string }) {
  const { t, lang } = useApp();
  const when = (iso: string) =>
    new Date(iso).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: 'Asia/Ho_Chi_Minh' });
  const [timeline, error] = useLoad(
    () =>
      // the first page of the timeline (the API pages it: { items, nextCursor })
      api<Page<{ seq: number; at: string; action: string; actorUnitName?: string }>>(
        'GET',
        `/directives/${id}/audit/timeline?limit=1000`,
      ),
    [id],
  );
  const [verdict, setVerdict] = useState<{ valid: boolean } | null>(null);
  const events = timeline?.items ?? [];
  const [replay, setReplay] = useState<{ reproduces: boolean; runs: unknown[] } | null>(null);
  // the slider: 0 is the directive's first event, 100 now; the tree as it stood then is rebuilt from the trail
  const [position, setPosition] = useState(100);
  const times = events.map((e) => Date.parse(e.at)).filter((x) => !Number.isNaN(x));
  const [now] = useState(() => Date.now());
  const from = times.length ? Math.min(...times) : now;
  const at = new Date(from + ((now - from) * position) / 100).toISOString();
  const [asOf] = useLoad(
    () =>
      api<{ nodes: { status: string }[]; lastEvent: { action: string } | null }>(
        'GET',
        `/directives/${id}/audit/as-of?at=${encodeURIComponent(at)}`,
      ),
    [id, at],
  );
  const statuses = Object.entries(
    (asOf?.nodes ?? []).reduce<Record<string, number>>(
      (acc, n) => ({ ...acc, [n.status]: (acc[n.status] ?? 0) + 1 }),
      {},
    ),
  );
  return (
    <article className="card">
      <h1>{t('audit')}</h1>
      <button
        onClick={() => void api<{ valid: boolean }>('GET', `/directives/${id}/audit/verify`).then(setVerdict)}
      >
        {t('verify')}
      </button>
      {verdict && (
        <p role="status" className={verdict.valid ? 'ok' : 'error'} data-testid="verdict">
          {verdict.valid ? t('valid') : t('broken')}
        </p>
      )}
      <p>
        <a href={`/directives/${id}/audit/case-file?format=html&limit=1000`} target="_blank" rel="noreferrer">
          {t('caseFile')}
        </a>
      </p>
      <button
        onClick={() =>
          void api<{ reproduces: boolean; runs: unknown[] }>('GET', `/directives/${id}/audit/replay`).then(
            setReplay,
          )
        }
      >
        {t('replay')}
      </button>
      {replay && (
        <p role="status" className={replay.reproduces ? 'ok' : 'error'} data-testid="replay">
          {replay.reproduces ? t('reproduces') : t('diverges')} ({replay.runs.length})
        </p>
      )}
      <h2>{t('asOf')}</h2>
      <label>
        {when(at)}
        <input
          type="range"
          min={0}
          max={100}
          value={position}
          onChange={(e) => setPosition(Number(e.target.value))}
        />
      </label>
      <p data-testid="as-of">
        {statuses.map(([s, n]) => `${s}: ${n}`).join(' · ') || '—'}{' '}
        {asOf?.lastEvent ? `(${asOf.lastEvent.action})` : ''}
      </p>
      <h2>{t('timeline')}</h2>
      <Problem text={error} />
      <ol className="timeline">
        {events.map((e, i) => (
          <li key={i}>
            <time>{when(e.at)}</time> {e.action}
          </li>
        ))}
      </ol>
    </article>
  );
}
