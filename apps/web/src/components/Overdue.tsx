import { useState } from 'react';
import { Button, List, Tag } from 'antd';
import { api } from '../api';
import { Problem } from './Problem';
import { Link } from 'react-router';
import { useApp } from '../context';
import { usePaged } from '../hooks';
import { LADDER_LEVEL } from '../words/vocabulary';
import { More } from './More';

export interface OverdueRow {
  directiveId: string;
  unitId: string;
  unitName: string;
  symbol?: string | null;
  cycle: number;
  level: string;
  lateSeconds: number;
}

/** "3 ngày 4 giờ", "dưới 1 giờ": how late, in words. */
export function lateWords(seconds: number, t: (k: 'days' | 'hours' | 'underAnHour') => string): string {
  const hours = Math.floor(seconds / 3600);
  if (hours < 1) return t('underAnHour');
  const days = Math.floor(hours / 24);
  return days
    ? `${days} ${t('days')}${hours % 24 ? ` ${hours % 24} ${t('hours')}` : ''}`
    : `${hours} ${t('hours')}`;
}

/** Rows per unit: one line each, its cycles late and the highest rung of the ladder it has reached. */
export function groupByUnit(rows: OverdueRow[]) {
  const RANK = ['reminded', 'overdue', 'parent', 'issuer', 'above'];
  const by = new Map<
    string,
    {
      unitId: string;
      unitName: string;
      directiveId: string;
      symbol?: string | null;
      cycles: number[];
      level: string;
      lateSeconds: number;
    }
  >();
  for (const r of rows) {
    const key = `${r.directiveId}/${r.unitId}`;
    const g = by.get(key);
    if (!g) by.set(key, { ...r, cycles: [r.cycle] });
    else {
      g.cycles.push(r.cycle);
      if (RANK.indexOf(r.level) > RANK.indexOf(g.level)) g.level = r.level;
      g.lateSeconds = Math.max(g.lateSeconds, r.lateSeconds);
    }
  }
  return [...by.values()];
}

/** The directive's overdue units below the issuer for the chosen cycle, one line per unit, most late first. */
export function Overdue({ id, unitId, cycle }: { id: string; unitId: string; cycle: number }) {
  const { t, say, unit } = useApp();
  const mayRemind = unit?.unitId === unitId && ['clerk', 'leader'].includes(unit.role);
  const [told, setTold] = useState<Record<string, 'remindedNow' | 'remindedBefore'>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const remind = (unit: string) =>
    api<{ reminded: boolean }>('POST', `/directives/${id}/remind`, { unitId: unit, cycle }).then(
      (r) => (
        setProblem(null),
        setTold((x) => ({ ...x, [unit]: r.reminded ? 'remindedNow' : 'remindedBefore' }))
      ),
      (e: Error) => setProblem(e.message),
    );
  const { items, more } = usePaged<OverdueRow>(`/overdue?unitId=${unitId}&limit=100`, [id, unitId]);
  const mine = groupByUnit(items.filter((o) => o.directiveId === id && o.cycle === cycle));
  return (
    <section aria-labelledby="overdue">
      <h3 id="overdue">{t('overdueUnits')}</h3>
      <Problem text={problem} />
      <List
        data-testid="overdue"
        className="in-text"
        size="small"
        dataSource={mine}
        locale={{ emptyText: t('nothing') }}
        renderItem={(o) => (
          <List.Item>
            <Tag className="tag-late">{say(LADDER_LEVEL, o.level)}</Tag>
            <Link to={`/d/${o.directiveId}?cycle=${cycle + 1}`}>{o.unitName}</Link> — {t('lateBy')}{' '}
            {lateWords(o.lateSeconds, t)}{' '}
            {mayRemind &&
              (told[o.unitId] ? (
                <span role="status">{t(told[o.unitId])}</span>
              ) : (
                <Button
                  size="small"
                  onClick={() => void remind(o.unitId)}
                  aria-label={`${t('remindNow')} ${o.unitName}`}
                >
                  {t('remindNow')}
                </Button>
              ))}
          </List.Item>
        )}
      />
      <More more={more} />
    </section>
  );
}
