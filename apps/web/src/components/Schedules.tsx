import { useState } from 'react';
import { useSearchParams } from 'react-router';
import type { CycleView } from '@cascade/domain';
import type { Directive } from '@cascade/contracts';
import { api } from '../api';
import { useApp } from '../context';
import { dmy, scheduleQuery, schedulesOf, when, type ScheduleTab } from '../format';
import { useLoad } from '../hooks';
import { Aggregate } from './Aggregate';
import { Problem } from './Problem';
import { RouteWords } from './RouteWords';
import { Stream } from './Stream';

type ListedCycle = CycleView & { schedule: string; opened: boolean };

/** Deadlines from this instant on are open-ended (an ad hoc stream's, a phase the issuer has not closed yet). */
const OPEN_ENDED_FROM = '9999-01-01T00:00:00.000Z';
const openEnded = (c: CycleView) => !!c.openEnded || (c.deadlines[0]?.at ?? '') >= OPEN_ENDED_FROM;

/**
 * A dispatched directive's reporting, schedule by schedule (the main one and each extra one, as tabs): its cycles
 * with their data periods and deadlines, open-ended phases that the issuer's leader ends, ad hoc streams as they
 * come, and where the reports go.
 */
export function Schedules({ d }: { d: Directive }) {
  const { t } = useApp();
  const tabs = schedulesOf(d.content.reporting);
  const [params, setParams] = useSearchParams();
  const key = params.get('schedule') ?? 'main';
  const setKey = (k: string) => {
    const next = new URLSearchParams(params);
    if (k === 'main') next.delete('schedule');
    else next.set('schedule', k);
    setParams(next, { replace: true });
  };
  const tab = tabs.find((s) => s.key === key) ?? tabs[0];
  if (!tab) return null;
  return (
    <section aria-labelledby="schedules">
      <h2 id="schedules">{t('schedules')}</h2>
      {tabs.length > 1 && (
        <div role="tablist" className="tabs">
          {tabs.map((s) => (
            <button key={s.key} role="tab" aria-selected={s.key === tab.key} onClick={() => setKey(s.key)}>
              {tabName(s, t('mainSchedule'))}
            </button>
          ))}
        </div>
      )}
      <ScheduleCycles key={tab.key} d={d} tab={tab} />
      <RouteWords routes={d.content.reporting?.routes ?? []} issuerId={d.issuerId} directiveId={d.id} />
    </section>
  );
}

export const tabName = (s: ScheduleTab, main: string) => s.name ?? (s.key === 'main' ? main : s.key);

function ScheduleCycles({ d, tab }: { d: Directive; tab: ScheduleTab }) {
  const { t, unit } = useApp();
  const [chosen, setPicked] = useState<number | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [data, error, reload] = useLoad(
    () =>
      api<{ cycles: ListedCycle[] }>('GET', `/directives/${d.id}/cycles?count=6${scheduleQuery(tab.key)}`),
    [d.id, tab.key],
  );
  const leader = unit?.role === 'leader' && unit.unitId === d.issuerId;
  const close = async (c: ListedCycle) => {
    if (!confirm(`${t('confirmClosePhase')} (${c.label})`)) return;
    setFailure(null);
    try {
      await api('POST', `/directives/${d.id}/cycles/close`, { schedule: tab.key, cycle: c.index });
      reload();
    } catch (e) {
      setFailure((e as Error).message);
    }
  };
  const adhoc = tab.schedule.kind === 'adhoc';
  // the cycle open now, until another is picked
  const picked = chosen ?? Math.max(0, (data?.cycles ?? []).filter((c) => c.opened).length - 1);
  return (
    <div role="tabpanel" data-testid={`schedule-${tab.key}`}>
      <Problem text={error ?? failure} />
      {adhoc ? (
        <>
          <p className="note">{t('adhoc')}</p>
          <Stream
            id={d.id}
            unitId={d.issuerId}
            schedule={tab.key}
            fields={
              (tab.key === 'main'
                ? d.content.reporting?.form
                : (d.content.reporting?.schedules?.find((s) => s.key === tab.key)?.form ??
                  d.content.reporting?.form)
              )?.fields
            }
          />
        </>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('cycle')}</th>
              <th>{t('period')}</th>
              <th>{t('deadline')}</th>
            </tr>
          </thead>
          <tbody>
            {(data?.cycles ?? []).map((c) => (
              <tr
                key={c.index}
                data-cycle={c.label}
                className={c.index === picked ? 'selected' : undefined}
                onClick={() => setPicked(c.index)}
              >
                <td>{c.label}</td>
                <td>{c.period ? `${dmy(c.period.from)}–${dmy(c.period.to)}` : '—'}</td>
                <td>
                  {openEnded(c) ? (
                    <>
                      <span className="badge pending">{t('openEnded')}</span>
                      {leader && c.opened && <button onClick={() => void close(c)}>{t('closePhase')}</button>}
                    </>
                  ) : (
                    c.deadlines.map((x) => (x.lastDay ? dmy(x.lastDay) : when(x.at))).join(' · ')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {/* the main schedule's aggregate is the routing dashboard's, below */}
      {tab.key !== 'main' && (
        <Aggregate
          id={d.id}
          unitId={d.issuerId}
          cycle={adhoc ? 0 : picked}
          schedule={tab.key}
          fields={
            (
              d.content.reporting?.schedules?.find((s) => s.key === tab.key)?.form ??
              d.content.reporting?.form
            )?.fields
          }
        />
      )}
    </div>
  );
}
