import { useApp } from '../context';
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api';
import type { CalendarChange, StoredCalendarYear as Year } from '@cascade/contracts';
import type { CalendarDay as Day } from '@cascade/domain';
import type { Key } from '../i18n';

/** dd/mm/yyyy as a clerk writes it, or yyyy-mm-dd, into yyyy-mm-dd (anything else is left for the server to refuse). */
const isoOf = (text: string): string => {
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  return vn ? `${vn[3]}-${vn[2].padStart(2, '0')}-${vn[1].padStart(2, '0')}` : text;
};
const vnDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const WEEKDAYS = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];
const weekday = (iso: string) => WEEKDAYS[new Date(`${iso}T00:00:00Z`).getUTCDay()];

/** One line per day: "02/01/2026 Hoán đổi …". */
const parseLines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [date, ...rest] = l.split(/\s+/);
      return { date: isoOf(date), name: rest.join(' ') };
    });
const linesOf = (days: Day[]) => days.map((d) => `${vnDate(d.date)} ${d.name}`).join('\n');

/**
 * The working calendar: each year's days off and weekend days worked with their sources, official or provisional
 * (computed from the Labour Code until the government announces it); system administrators enter the official
 * announcement or confirm the computed days, and the cycles not opened yet are rescheduled.
 */
export function CalendarPage() {
  const { t, me } = useApp();
  const admin = !!me?.systemAdmin;
  const [years, setYears] = useState<Year[] | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    api<Year[]>('GET', '/calendar/years').then(
      (list) => {
        setYears(list);
        setSelected(
          (s) => s ?? list.find((y) => y.state === 'provisional')?.year ?? list.at(-1)?.year ?? null,
        );
      },
      (e: Error) => setError(e.message),
    );
  }, [tick]);
  const year = years?.find((y) => y.year === selected) ?? null;
  return (
    <section>
      <h1>{t('calendarTitle')}</h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {notice && <p role="status">{notice}</p>}
      <table data-testid="calendar-years">
        <thead>
          <tr>
            <th>{t('year')}</th>
            <th>{t('state')}</th>
            <th>{t('source')}</th>
          </tr>
        </thead>
        <tbody>
          {(years ?? []).map((y) => (
            <tr key={y.year} className={y.year === selected ? 'selected' : undefined}>
              <td>
                <button className="link dark" onClick={() => setSelected(y.year)}>
                  {y.year}
                </button>
              </td>
              <td data-state={y.state}>{y.state === 'official' ? t('official') : t('provisional')}</td>
              <td>{y.stored ? y.source : t('storedNo')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {year && (
        <YearView
          key={`${year.year}/${year.revision}/${year.state}`}
          year={year}
          t={t}
          admin={admin}
          onSaved={(message) => {
            setNotice(message);
            setError(null);
            setTick((n) => n + 1);
          }}
          onError={(message) => {
            setError(message);
            setNotice(null);
          }}
        />
      )}
    </section>
  );
}

function YearView({
  year,
  t,
  admin,
  onSaved,
  onError,
}: {
  year: Year;
  t: (k: Key) => string;
  admin: boolean;
  onSaved: (message: string) => void;
  onError: (message: string) => void;
}) {
  const [source, setSource] = useState(year.stored ? (year.source ?? '') : '');
  const [off, setOff] = useState(linesOf(year.daysOff));
  const [worked, setWorked] = useState(linesOf(year.workedDays));
  const saved = (r: CalendarChange) =>
    onSaved(`${t('saved')} ${r.rescheduled.length} ${t('rescheduledCount')}.`);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    api<CalendarChange>('PUT', `/calendar/years/${year.year}`, {
      state: 'official',
      source,
      daysOff: parseLines(off),
      workedDays: parseLines(worked),
    }).then(saved, (err: Error) => onError(err.message));
  };
  const confirm = () =>
    api<CalendarChange>('POST', `/calendar/years/${year.year}/confirm`, { source }).then(
      saved,
      (err: Error) => onError(err.message),
    );
  const days = (list: Day[], testId: string) => (
    <table data-testid={testId}>
      <thead>
        <tr>
          <th>{t('date')}</th>
          <th>{t('dayName')}</th>
          <th>{t('source')}</th>
        </tr>
      </thead>
      <tbody>
        {list.map((d) => (
          <tr key={d.date}>
            <td>
              {weekday(d.date)} {vnDate(d.date)}
            </td>
            <td>{d.name}</td>
            <td>{d.source ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <article>
      <h2>
        {year.year}: {year.state === 'official' ? t('official') : t('provisional')}
      </h2>
      <p>
        {t('source')}: {year.source}
      </p>
      {year.state === 'provisional' && <p className="note">{t('provisionalHint')}</p>}
      <h3>{t('daysOff')}</h3>
      {days(year.daysOff, 'days-off')}
      <h3>{t('workedDays')}</h3>
      {days(year.workedDays, 'worked-days')}
      {admin ? (
        <form onSubmit={submit} data-testid="calendar-edit">
          <h3>{t('editYear')}</h3>
          <label>
            {t('source')}
            <input
              value={source}
              onChange={(e) => setSource(e.target.value)}
              placeholder="Thông báo …/TB-BNV ngày …"
            />
          </label>
          <label>
            {t('daysOffLines')}
            <textarea rows={12} value={off} onChange={(e) => setOff(e.target.value)} />
          </label>
          <label>
            {t('workedLines')}
            <textarea rows={3} value={worked} onChange={(e) => setWorked(e.target.value)} />
          </label>
          <button type="submit">{t('saveYear')}</button>
          {year.state === 'provisional' && (
            <button type="button" onClick={() => void confirm()}>
              {t('confirmYear')}
            </button>
          )}
        </form>
      ) : (
        <p className="note">{t('adminOnlyCalendar')}</p>
      )}
    </article>
  );
}
