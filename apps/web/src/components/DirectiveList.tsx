import type { RegisterItem } from '@cascade/contracts';
import { useApp } from '../context';

export function DirectiveList({ items, received }: { items: RegisterItem[]; received?: boolean }) {
  const { t } = useApp();
  if (!items.length) return <p>{t('nothing')}</p>;
  return (
    <ul className="list">
      {items.map((d) => (
        <li key={d.id}>
          <a href={received ? `#/received/${d.id}` : `#/d/${d.id}`}>
            <strong>{d.symbol ?? d.type}</strong> {d.subject}
          </a>{' '}
          <span className={`badge ${d.nodeStatus ?? d.status}`}>{d.nodeStatus ?? d.status}</span>
        </li>
      ))}
    </ul>
  );
}
