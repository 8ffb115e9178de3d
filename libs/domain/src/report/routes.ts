const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface RouteShape {
  hubUnitId?: unknown;
  viaUnitId?: unknown;
  to?: unknown;
}

/**
 * Problems with the shape of a directive's report routes, `routes.N.field: message`; empty when valid. Whether the
 * units exist, are departments of the right body and may be routed to is the API's check against the organisation.
 */
export function reportRouteProblems(routes: unknown): string[] {
  if (routes === undefined || routes === null) return [];
  if (!Array.isArray(routes) || routes.length > 100) return ['routes: must be a list of at most 100 routes'];
  const problems: string[] = [];
  const hubs = new Set<string>();
  const id = (v: unknown) => typeof v === 'string' && UUID.test(v);
  routes.forEach((r: RouteShape | null, i) => {
    const at = `routes.${i}`;
    if (!r || typeof r !== 'object' || Array.isArray(r))
      return void problems.push(`${at}: must be { hubUnitId?, viaUnitId?, to? }`);
    for (const key of Object.keys(r))
      if (!['hubUnitId', 'viaUnitId', 'to'].includes(key)) problems.push(`${at}.${key}: not a route field`);
    if (r.hubUnitId !== undefined && !id(r.hubUnitId)) problems.push(`${at}.hubUnitId: must be a unit id`);
    const hub = typeof r.hubUnitId === 'string' ? r.hubUnitId : '(issuer)';
    if (hubs.has(hub)) problems.push(`${at}.hubUnitId: a second route for the same hub`);
    hubs.add(hub);
    if (r.viaUnitId !== undefined && !id(r.viaUnitId)) problems.push(`${at}.viaUnitId: must be a unit id`);
    if (r.to === undefined) {
      if (r.viaUnitId === undefined)
        problems.push(`${at}: names neither a collecting department nor targets`);
      return;
    }
    if (!Array.isArray(r.to) || r.to.length === 0 || r.to.length > 10)
      return void problems.push(`${at}.to: must be a list of 1-10 targets`);
    const seen = new Set<string>();
    (r.to as { unitId?: unknown; viaUnitId?: unknown }[]).forEach((t, j) => {
      if (!t || typeof t !== 'object')
        return void problems.push(`${at}.to.${j}: must be { unitId, viaUnitId? }`);
      if (!id(t.unitId)) problems.push(`${at}.to.${j}.unitId: must be a unit id`);
      else if (seen.has(t.unitId as string)) problems.push(`${at}.to.${j}.unitId: listed twice`);
      else seen.add(t.unitId as string);
      if (t.viaUnitId !== undefined && !id(t.viaUnitId))
        problems.push(`${at}.to.${j}.viaUnitId: must be a unit id`);
    });
  });
  return problems;
}
