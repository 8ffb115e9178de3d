import { useEffect, useState } from 'react';
import type { ReportRoute } from '@cascade/contracts';
import { api } from '../api';
import { useApp } from '../context';
import { joinAnd } from '../format';

/** The names of units a route names, as far as the user can see them (others shown by the start of their id). */
function useUnitNames(ids: string[]): Record<string, string> {
  const [names, setNames] = useState<Record<string, string>>({});
  const wanted = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    let live = true;
    void Promise.all(
      wanted
        .split(',')
        .filter(Boolean)
        .map((id) =>
          api<{ name: string }>('GET', `/units/${id}`).then(
            (u) => [id, u.name] as const,
            () => [id, `${id.slice(0, 8)}…`] as const,
          ),
        ),
    ).then((pairs) => live && setNames(Object.fromEntries(pairs)));
    return () => {
      live = false;
    };
  }, [wanted]);
  return names;
}

/**
 * A directive's report routes in words: "Báo cáo về <hub> qua <department>; tổng hợp gửi <A> và <B> (qua <dept>)".
 */
export function RouteWords({ routes, issuerId }: { routes: ReportRoute[]; issuerId: string }) {
  const { t } = useApp();
  const names = useUnitNames(
    routes.flatMap((r) => [
      r.hubUnitId ?? issuerId,
      ...(r.viaUnitId ? [r.viaUnitId] : []),
      ...(r.to ?? []).flatMap((x) => [x.unitId, ...(x.viaUnitId ? [x.viaUnitId] : [])]),
    ]),
  );
  if (!routes.length) return null;
  const name = (id: string) => names[id] ?? '…';
  return (
    <section aria-labelledby="routes">
      <h3 id="routes">{t('route')}</h3>
      <ul data-testid="routes">
        {routes.map((r, i) => {
          const parts = [
            `${t('reportsTo')} ${name(r.hubUnitId ?? issuerId)}${r.viaUnitId ? ` ${t('through')} ${name(r.viaUnitId)}` : ''}`,
          ];
          if (r.to?.length)
            parts.push(
              `${t('aggregateTo')} ${joinAnd(
                r.to.map(
                  (x) => `${name(x.unitId)}${x.viaUnitId ? ` (${t('through')} ${name(x.viaUnitId)})` : ''}`,
                ),
                t('and'),
              )}`,
            );
          return <li key={i}>{parts.join('; ')}</li>;
        })}
      </ul>
    </section>
  );
}
