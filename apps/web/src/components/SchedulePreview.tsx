import type { CycleView, NonWorkingDayPolicy, Schedule } from '@cascade/domain';
import type { SchedulePreviewAnswer } from '@cascade/contracts';
import { api } from '../api';
import { useApp } from '../context';
import { useLoad } from '../hooks';
import { dmy } from '../format';
import { Problem } from './Problem';

/**
 * Each level's deadlines for the first cycles, as the worker will plan them: computed by the server
 * (`POST /schedules/preview`) from the stored calendar, with the years not announced yet marked provisional.
 */
export function SchedulePreview({
  schedule,
  stagger,
  policy,
}: {
  schedule: Schedule;
  stagger: number[];
  policy: NonWorkingDayPolicy;
}) {
  const { t } = useApp();
  const input = JSON.stringify({ schedule, stagger, policy, cycles: 3 });
  const [preview, problem] = useLoad(
    () =>
      schedule.kind === 'adhoc'
        ? Promise.resolve({ cycles: [] as CycleView[] })
        : api<SchedulePreviewAnswer>('POST', '/schedules/preview', JSON.parse(input)),
    [input],
  );
  if (schedule.kind === 'adhoc') return <p data-testid="calendar">{t('adhoc')}</p>;
  const rows = preview?.cycles ?? [];
  return (
    <>
      <Problem text={problem} />
      <table data-testid="calendar">
        <thead>
          <tr>
            <th>{t('cycle')}</th>
            {stagger.map((_, k) => (
              <th key={k}>{[t('grassroots'), t('district'), t('province')][k] ?? `${t('tier')} ${k}`}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={r.label}
              data-provisional={r.provisional ? 'true' : 'false'}
              title={r.provisional ? t('provisionalHint') : undefined}
              className={r.provisional ? 'provisional' : undefined}
            >
              <td>{r.label}</td>
              {stagger.map((_, k) => (
                <td key={k}>{dmy(r.deadlines[Math.min(k, r.deadlines.length - 1)]?.lastDay)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.some((r) => r.provisional) && <p className="note">{t('provisionalHint')}</p>}
    </>
  );
}
