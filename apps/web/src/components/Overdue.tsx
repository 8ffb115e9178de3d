import { useApp } from '../context';
import { usePaged } from '../hooks';
import { More } from './More';

/** The directive's overdue units below the issuer, most late first, with the ladder level each has reached. */
export function Overdue({ id, unitId }: { id: string; unitId: string }) {
  const { t } = useApp();
  const { items, more } = usePaged<{
    directiveId: string;
    unitName: string;
    cycle: number;
    level: string;
    lateSeconds: number;
  }>(`/overdue?unitId=${unitId}&limit=100`, [id, unitId], 5000);
  const mine = items.filter((o) => o.directiveId === id);
  return (
    <section aria-labelledby="overdue">
      <h3 id="overdue">{t('overdueUnits')}</h3>
      {mine.length ? (
        <ul data-testid="overdue">
          {mine.map((o, i) => (
            <li key={i}>
              <span className="badge late">{o.level}</span> {o.unitName} — #{o.cycle + 1} (
              {Math.round(o.lateSeconds / 3600)} h)
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('nothing')}</p>
      )}
      <More more={more} />
    </section>
  );
}
