import type { Schedule } from '@cascade/domain';
import { useApp } from '../context';

/** The schedule as data: monthly on or before a day from a month, or as things happen (other kinds shown as read). */
export function ScheduleEditor({
  schedule,
  onChange,
}: {
  schedule: Schedule;
  onChange: (s: Schedule) => void;
}) {
  const { t } = useApp();
  const month = new Date().toISOString().slice(0, 7);
  const monthly = schedule.kind === 'monthly' ? schedule : null;
  return (
    <div className="row" data-testid="schedule">
      <label>
        {t('scheduleKind')}
        <select
          value={schedule.kind}
          onChange={(e) =>
            onChange(
              e.target.value === 'monthly'
                ? { kind: 'monthly', rule: 'before', day: 15, from: month }
                : e.target.value === 'adhoc'
                  ? { kind: 'adhoc' }
                  : schedule,
            )
          }
        >
          <option value="monthly">{t('monthly')}</option>
          <option value="adhoc">{t('adhocShort')}</option>
          {!['monthly', 'adhoc'].includes(schedule.kind) && (
            <option value={schedule.kind}>{schedule.kind}</option>
          )}
        </select>
      </label>
      {monthly && (
        <>
          <label>
            {t('rule')}
            <select
              value={monthly.rule}
              onChange={(e) => onChange({ ...monthly, rule: e.target.value as 'on' | 'before' })}
            >
              <option value="on">{t('ruleOn')}</option>
              <option value="before">{t('ruleBefore')}</option>
            </select>
          </label>
          <label>
            {t('day')}
            <input
              type="number"
              min={1}
              max={31}
              value={monthly.day}
              onChange={(e) =>
                onChange({ ...monthly, day: Math.min(31, Math.max(1, Number(e.target.value))) })
              }
            />
          </label>
          <label>
            {t('fromMonth')}
            <input
              type="month"
              value={monthly.from}
              onChange={(e) => onChange({ ...monthly, from: e.target.value })}
            />
          </label>
        </>
      )}
    </div>
  );
}
