import { useEffect, useState } from 'react';
import type { ReportRoute } from '@cascade/contracts';
import { api } from '../api';
import { useApp } from '../context';
import { joinAnd } from '../format';

/** The names of the units the directive's routes name, as the API gives them to a unit that sees the directive. */
function useRouteNames(directiveId: string, unitId: string | undefined): Record<string, string> {
  const [names, setNames] = useState<Record<string, string>>({});
  useEffect(() => {
    let live = true;
    if (unitId)
      api<{ names: Record<string, string> }>(
        'GET',
        `/directives/${directiveId}/route-names?unitId=${unitId}`,
      ).then(
        (r) => live && setNames(r.names),
        () => undefined,
      );
    return () => {
      live = false;
    };
  }, [directiveId, unitId]);
  return names;
}

/**
 * A directive's report routes in words: "Báo cáo về <hub> qua <department>; tổng hợp gửi <A> và <B> (qua <dept>)".
 */
export function RouteWords({
  routes,
  issuerId,
  directiveId,
}: {
  routes: ReportRoute[];
  issuerId: string;
  directiveId: string;
}) {
  const { t, unit } = useApp();
  const names = useRouteNames(directiveId, routes.length ? unit?.unitId : undefined);
  if (!routes.length) return null;
  const name = (id: string) => names[id] ?? `${id.slice(0, 8)}…`;
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
