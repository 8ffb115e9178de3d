import type { RegisterItem } from '@cascade/contracts';
import { api } from '../api';
import { DirectiveList } from '../components/DirectiveList';
import { useApp } from '../context';
import { More } from '../components/More';
import { useLoad, usePaged } from '../hooks';

/** What needs attention now. */
export function Home() {
  const { t, unit } = useApp();
  const [incoming] = useLoad(
    () =>
      unit
        ? api<{ items: RegisterItem[] }>('GET', `/registers/incoming?unitId=${unit.unitId}`)
        : Promise.resolve(null),
    [unit?.unitId],
    5000,
  );
  const [outgoing] = useLoad(
    () =>
      unit
        ? api<{ items: RegisterItem[] }>('GET', `/registers/outgoing?unitId=${unit.unitId}`)
        : Promise.resolve(null),
    [unit?.unitId],
    5000,
  );
  const overdue = usePaged<{
    directiveId: string;
    unitName: string;
    symbol: string;
    cycle: number;
    level: string;
  }>(unit ? `/overdue?unitId=${unit.unitId}` : null, [unit?.unitId], 5000);
  if (!unit) return null;
  const toAck = incoming?.items.filter((i) => i.nodeStatus === 'delivered') ?? [];
  const toReview = outgoing?.items.filter((i) => ['in_review', 'approved', 'draft'].includes(i.status)) ?? [];
  const received = incoming?.items.filter((i) => i.nodeStatus !== 'delivered') ?? [];
  return (
    <div className="grid">
      <section className="card" aria-labelledby="ack">
        <h2 id="ack">{t('toAcknowledge')}</h2>
        <DirectiveList items={toAck} received />
      </section>
      <section className="card" aria-labelledby="rev">
        <h2 id="rev">{t('toReview')}</h2>
        <DirectiveList items={toReview} />
      </section>
      <section className="card" aria-labelledby="rec">
        <h2 id="rec">{t('received')}</h2>
        <DirectiveList items={received} received />
      </section>
      <section className="card" aria-labelledby="od">
        <h2 id="od">{t('overdueBelow')}</h2>
        {overdue.items.length ? (
          <ul>
            {overdue.items.map((o, i) => (
              <li key={i}>
                <span className="badge late">{o.level}</span> {o.unitName} — {o.symbol} #{o.cycle + 1}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('nothing')}</p>
        )}
        <More more={overdue.more} />
      </section>
    </div>
  );
}
