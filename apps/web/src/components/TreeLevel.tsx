import { useState } from 'react';
import type { TreeNode } from '@cascade/contracts';
import { api } from '../api';
import { useApp } from '../context';
import { useLoad } from '../hooks';
import { NODE_STATUS } from '../words/vocabulary';

export function TreeLevel({ id, parent, cycle }: { id: string; parent: string | null; cycle: number }) {
  const { t, say, num } = useApp();
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
  );
  return (
    <ul className="tree" role={parent ? 'group' : 'tree'}>
      {data?.items.map((n) => (
        <li
          key={n.unitId}
          role="treeitem"
          aria-expanded={n.isHub ? !!open[n.unitId] : undefined}
          aria-label={n.unitName}
        >
          {n.isHub ? (
            <button
              className="toggle"
              aria-label={`${open[n.unitId] ? t('collapse') : t('expand')} ${n.unitName}`}
              onClick={() => setOpen({ ...open, [n.unitId]: !open[n.unitId] })}
            >
              {open[n.unitId] ? '▾' : '▸'}
            </button>
          ) : (
            <span className="toggle" />
          )}
          <span className={`badge ${n.status}`}>{say(NODE_STATUS, n.status)}</span> {n.unitName}{' '}
          <span className="rollup" data-testid={`rollup-${n.unitCode}`}>
            {num(n.onTime)} {t('onTime')} · {num(n.late)} {t('late')} · {num(n.missing)} {t('missing')}
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
