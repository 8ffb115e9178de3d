import { useState } from 'react';
import { api } from '../api';
import { Problem } from '../components/Problem';
import { useApp } from '../context';
import { valuesText, when } from '../format';
import { useLoad, usePaged } from '../hooks';
import { More } from '../components/More';
import type { Key } from '../i18n';

/** A row of `GET /registers/reports-received`: one hub's latest aggregate of a cycle, as the unit receives it. */
export interface ReceivedReport {
  directiveId: string;
  symbol: string | null;
  subject: string;
  status: string;
  hubUnitId: string;
  hubName: string;
  role: 'target' | 'via' | 'collector';
  targetUnitId: string;
  viaUnitId: string | null;
  schedule?: string;
  cycle?: number;
  cycleKey?: number;
  revision: number | null;
  reason: string | null;
  reportedAt: string | null;
  values: Record<string, unknown> | null;
  coverage: { expected?: number; onTime?: number; late?: number; missing?: number } | null;
  /** The labels of the form the values answer (the directive's, for the row's schedule), by field key. */
  labels: Record<string, string>;
}

/** `GET /directives/:id/reports-received?unitId=&cycle=&schedule=`: what the unit received on a directive for a cycle. */
interface ReceivedOn {
  senders: (Omit<
    ReceivedReport,
    'directiveId' | 'symbol' | 'subject' | 'status' | 'cycle' | 'cycleKey' | 'labels'
  > & {
    reported: boolean;
  })[];
  labels: Record<string, string>;
  totals: { values: Record<string, unknown> } | null;
  senderCoverage: { expected: number; reported: number; missing: number };
}

const ROLE: Record<ReceivedReport['role'], Key> = {
  target: 'roleTarget',
  via: 'roleVia',
  collector: 'roleCollector',
};

const covered = (c: ReceivedReport['coverage']) =>
  c && c.expected !== undefined ? `${(c.onTime ?? 0) + (c.late ?? 0)}/${c.expected}` : '—';

/** The unit's register of reports received (its own, as the department they come through, or collected for a body). */
export function ReportsReceived() {
  const { t, unit, num } = useApp();
  const words = (labels: Record<string, string>) => ({ labels, num, yes: t('yes'), no: t('no') });
  // newest first, 100 at a time: the first page is re-read live, the next ones by their cursors
  const { items, error, more } = usePaged<ReceivedReport>(
    unit ? `/registers/reports-received?unitId=${unit.unitId}&limit=100` : null,
    [unit?.unitId],
  );
  return (
    <section className="card">
      <h1>{t('reportsReceived')}</h1>
      <Problem text={error} />
      {!error && !items.length && <p>{t('nothing')}</p>}
      {!!items.length && (
        <table data-testid="reports-received">
          <thead>
            <tr>
              <th>{t('directive')}</th>
              <th>{t('sender')}</th>
              <th>{t('role')}</th>
              <th>{t('cycle')}</th>
              <th>{t('values')}</th>
              <th>{t('coverage')}</th>
              <th>{t('time')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={`${r.directiveId}/${r.hubUnitId}/${r.role}/${r.cycleKey ?? '-'}`}>
                <td>
                  <a
                    href={`#/reports-received/${r.directiveId}?cycle=${r.cycle ?? 0}&schedule=${r.schedule ?? 'main'}`}
                  >
                    <strong>{r.symbol}</strong> {r.subject}
                  </a>
                </td>
                <td>{r.hubName}</td>
                <td>{t(ROLE[r.role])}</td>
                <td>{r.cycle === undefined ? '—' : `#${r.cycle + 1}`}</td>
                <td>{r.values ? valuesText(r.values, words(r.labels)) : t('notReported')}</td>
                <td>{covered(r.coverage)}</td>
                <td>{when(r.reportedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <More more={more} testId="reports-received-more" />
    </section>
  );
}

/**
 * What the unit received on one directive for one cycle: each sender's aggregate, the totals, how many senders have
 * reported.
 */
export function ReceivedReports({ id, query }: { id: string; query: string }) {
  const { t, unit, num } = useApp();
  const params = new URLSearchParams(query);
  const [cycle, setCycle] = useState(Number(params.get('cycle') ?? 0));
  const schedule = params.get('schedule') ?? 'main';
  const [data, error] = useLoad(async () => {
    if (!unit) return null;
    const register = await api<{ items: ReceivedReport[] }>(
      'GET',
      `/registers/reports-received?unitId=${unit.unitId}&directiveId=${id}&limit=1`,
    );
    const received = await api<ReceivedOn>(
      'GET',
      `/directives/${id}/reports-received?unitId=${unit.unitId}&cycle=${cycle}&schedule=${encodeURIComponent(schedule)}`,
    );
    return { head: register.items[0] ?? null, received };
  }, [id, unit?.unitId, cycle, schedule]);
  const r = data?.received;
  const words = { labels: r?.labels, num, yes: t('yes'), no: t('no') };
  return (
    <article className="card">
      <h1>
        {t('reportsReceived')}
        {data?.head ? ` — ${data.head.symbol ?? ''} ${data.head.subject}` : ''}
      </h1>
      <Problem text={error} />
      <label className="inline">
        {t('cycle')}
        <input
          type="number"
          min={1}
          value={cycle + 1}
          onChange={(e) => setCycle(Math.max(0, Number(e.target.value) - 1))}
        />
      </label>
      {r && (
        <>
          <p data-testid="sender-coverage">
            {r.senderCoverage.reported}/{r.senderCoverage.expected} {t('sendersReported')}
          </p>
          <table data-testid="senders">
            <thead>
              <tr>
                <th>{t('sender')}</th>
                <th>{t('role')}</th>
                <th>{t('values')}</th>
                <th>{t('coverage')}</th>
                <th>{t('revision')}</th>
                <th>{t('time')}</th>
              </tr>
            </thead>
            <tbody>
              {r.senders.map((s) => (
                <tr key={`${s.hubUnitId}/${s.role}`}>
                  <td>{s.hubName}</td>
                  <td>{t(ROLE[s.role])}</td>
                  <td>{s.values ? valuesText(s.values, words) : t('notReported')}</td>
                  <td>{covered(s.coverage)}</td>
                  <td>{s.revision ?? '—'}</td>
                  <td>{when(s.reportedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {r.totals && (
            <p data-testid="totals">
              {t('totals')}: {valuesText(r.totals.values, words)}
            </p>
          )}
        </>
      )}
    </article>
  );
}
