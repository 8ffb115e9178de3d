import { useState } from 'react';
import type { Page } from '@cascade/contracts';
import { Button, Slider, Space, Tag, Timeline } from 'antd';
import { api, openFile } from '../api';
import { Problem } from '../components/Problem';
import { useApp } from '../context';
import { useLoad } from '../hooks';
import { EVENT, NODE_STATUS, ROLE } from '../words/vocabulary';

export function AuditPage({ id }: { id: string }) {
  const { t, lang, say, num } = useApp();
  const [fileError, setFileError] = useState<string | null>(null);
  const when = (iso: string) =>
    new Date(iso).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: 'Asia/Ho_Chi_Minh' });
  const [timeline, error] = useLoad(
    () =>
      // the first page of the timeline (the API pages it: { items, nextCursor })
      api<
        Page<{
          seq: number;
          at: string;
          action: string;
          reason?: string | null;
          actorUnitName?: string | null;
          actorName?: string | null;
          actorRole?: string | null;
          symbol?: string | null;
        }>
      >('GET', `/directives/${id}/audit/timeline?limit=1000`),
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
      api<{ nodes: { status: string; unitName?: string }[]; lastEvent: { action: string } | null }>(
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
      <Button
        onClick={() => void api<{ valid: boolean }>('GET', `/directives/${id}/audit/verify`).then(setVerdict)}
      >
        {t('verify')}
      </Button>
      {verdict && (
        <p role="status" className={verdict.valid ? 'ok' : 'error'} data-testid="verdict">
          {verdict.valid ? t('valid') : t('broken')}
        </p>
      )}
      <p>
        <Button
          onClick={() => {
            setFileError(null);
            void openFile(`/directives/${id}/audit/case-file?format=html&limit=1000`).catch((e: Error) =>
              setFileError(e.message),
            );
          }}
        >
          {t('caseFile')}
        </Button>
      </p>
      <Problem text={fileError} />
      <Button
        onClick={() =>
          void api<{ reproduces: boolean; runs: unknown[] }>('GET', `/directives/${id}/audit/replay`).then(
            setReplay,
          )
        }
      >
        {t('replay')}
      </Button>
      {replay && (
        <p role="status" className={replay.reproduces ? 'ok' : 'error'} data-testid="replay">
          {replay.reproduces ? t('reproduces') : t('diverges')} ({replay.runs.length})
        </p>
      )}
      <h2>{t('asOf')}</h2>
      <p id="as-of-time">{when(at)}</p>
      <Slider
        min={0}
        max={100}
        value={position}
        onChange={(v) => setPosition(Number(v))}
        ariaLabelledByForHandle="as-of-time"
      />
      <p data-testid="as-of">
        {statuses.map(([s, n]) => `${say(NODE_STATUS, s)}: ${num(n)}`).join(' · ') || '—'}{' '}
        {asOf?.lastEvent ? `(${say(EVENT, asOf.lastEvent.action)})` : ''}
      </p>
      <ul className="as-of-tree" data-testid="as-of-tree">
        {(asOf?.nodes ?? []).slice(0, 200).map((n, i) => (
          <li key={i}>
            {n.unitName ?? '—'} <Tag>{say(NODE_STATUS, n.status)}</Tag>
          </li>
        ))}
      </ul>
      <h2>{t('timeline')}</h2>
      <Problem text={error} />
      <Timeline
        data-testid="timeline"
        items={events.map((e) => ({
          children: (
            <>
              <time>{when(e.at)}</time> <strong>{say(EVENT, e.action)}</strong>
              {e.symbol ? ` — ${e.symbol}` : ''}
              <br />
              <Space size="small" wrap>
                {e.actorName && <span>{e.actorName}</span>}
                {e.actorRole && <Tag>{say(ROLE, e.actorRole)}</Tag>}
                {e.actorUnitName && <span>{e.actorUnitName}</span>}
                {e.reason && <em>“{e.reason}”</em>}
              </Space>
            </>
          ),
        }))}
      />
    </article>
  );
}
