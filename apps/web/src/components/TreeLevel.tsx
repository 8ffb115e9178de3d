import { useState } from 'react';
import type { TreeNode } from '@cascade/contracts';
import { api } from '../api';
import { useApp } from '../context';
import { useLoad } from '../hooks';

export function TreeLevel({ id, parent, cycle }: { id: string; parent: string | null; cycle: number }) {
  const { t } = useApp();
  const [open, setOpen] = useState<Record<string, boolean>>({});
  // a wide level comes 100 units at a time (up to 1,000), so that a 10,000-unit directive keeps a small page
  const [pages, setPages] = useState(1);
  const [data] = useLoad(
    () =>
      api<{ items: TreeNode[]; nextCursor: string | null }>(
        'GET',
        `/directives/${id}/tree?cycle=${cycle}${parent ? `&parentUnitId=${parent}` : ''}&limit=${100 * pages}`,
      ),
    [id, parent, cycle, pages],
    3000,
  );
  return (
    <ul className="tree" role={parent ? 'group' : 'tree'}>
      {data?.items.map((n) => (
        <li key={n.unitId} role="treeitem" aria-expanded={n.isHub ? !!open[n.unitId] : undefined}>
          {n.isHub ? (
            <button className="toggle" onClick={() => setOpen({ ...open, [n.unitId]: !open[n.unitId] })}>
              {open[n.unitId] ? '▾' : '▸'}
            </button>
          ) : (
            <span className="toggle" />
          )}
          <span className={`badge ${n.status}`}>{n.status}</span> {n.unitName}{' '}
          <span className="rollup" data-testid={`rollup-${n.unitCode}`}>
            {n.onTime} {t('onTime')} · {n.late} {t('late')} · {n.missing} {t('missing')}
          </span>
          <progress max={Math.max(1, n.expected)} value={n.onTime + n.late} aria-label={n.unitName} />
          {n.isHub && open[n.unitId] && <TreeLevel id={id} parent={n.unitId} cycle={cycle} />}
        </li>
      ))}
      {data?.nextCursor && pages < 10 && (
        <li>
          <button className="link dark" onClick={() => setPages(pages + 1)}>
            {t('more')}
          </button>
        </li>
      )}
    </ul>
  );
}
