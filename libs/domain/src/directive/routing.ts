/**
 * The routing tree of a dispatched directive: every addressee hangs under its nearest addressee ancestor, or under
 * the issuer. Levels fan out to their own subordinates, so a hub's children are delivered in batches of at most
 * `maxBatch` — the bound that keeps every workflow execution far from the engine's limits (children in flight,
 * history length) even for a directive reaching 10^5 units.
 */
export interface AddresseeUnit {
  id: string;
  /** Unit ids from the root down to the unit. */
  path: readonly string[];
  active: boolean;
}

export interface RoutingNode {
  unitId: string;
  /** The issuer, or the nearest addressee above the unit: who forwards to it and whom it reports to. */
  parentUnitId: string;
  /** 1 for units hanging directly under the issuer. */
  depth: number;
  /** Height from the bottom of the routing tree: 0 for units with no routed subordinate (grassroots first). */
  tier: number;
}

export interface RoutingPlan {
  nodes: RoutingNode[];
  /** Units with routed children (the issuer first), each with its children in batches. */
  hubs: { unitId: string; batches: string[][] }[];
  skipped: { unitId: string; reason: 'inactive' | 'not below the issuer' | 'duplicate' | 'the issuer' }[];
  /** The issuer's tier: the height of the whole tree. */
  issuerTier: number;
}

export function planRouting(
  issuer: { id: string; path: readonly string[] },
  addressees: readonly AddresseeUnit[],
  { maxBatch = 1000 }: { maxBatch?: number } = {},
): RoutingPlan {
  const skipped: RoutingPlan['skipped'] = [];
  const chosen = new Map<string, AddresseeUnit>();
  for (const unit of addressees) {
    if (unit.id === issuer.id) {
      skipped.push({ unitId: unit.id, reason: 'the issuer' });
    } else if (chosen.has(unit.id)) {
      skipped.push({ unitId: unit.id, reason: 'duplicate' });
    } else if (!unit.active) {
      skipped.push({ unitId: unit.id, reason: 'inactive' });
    } else if (unit.path.length <= issuer.path.length || !issuer.path.every((id, i) => unit.path[i] === id)) {
      skipped.push({ unitId: unit.id, reason: 'not below the issuer' });
    } else {
      chosen.set(unit.id, unit);
    }
  }

  const parentOf = new Map<string, string>();
  for (const unit of chosen.values()) {
    let parent = issuer.id;
    for (let i = unit.path.length - 2; i >= issuer.path.length; i--) {
      if (chosen.has(unit.path[i])) {
        parent = unit.path[i];
        break;
      }
    }
    parentOf.set(unit.id, parent);
  }

  const children = new Map<string, string[]>();
  for (const [unitId, parent] of parentOf) {
    const list = children.get(parent) ?? [];
    list.push(unitId);
    children.set(parent, list);
  }

  const depthOf = new Map<string, number>([[issuer.id, 0]]);
  const order: string[] = [];
  const queue = [issuer.id];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head];
    order.push(id);
    for (const child of (children.get(id) ?? []).sort()) {
      depthOf.set(child, depthOf.get(id)! + 1);
      queue.push(child);
    }
  }
  const tierOf = new Map<string, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const id = order[i];
    const kids = children.get(id) ?? [];
    tierOf.set(id, kids.length ? Math.max(...kids.map((k) => tierOf.get(k)!)) + 1 : 0);
  }

  const nodes: RoutingNode[] = order
    .filter((id) => id !== issuer.id)
    .map((unitId) => ({
      unitId,
      parentUnitId: parentOf.get(unitId)!,
      depth: depthOf.get(unitId)!,
      tier: tierOf.get(unitId)!,
    }));
  const hubs = order
    .filter((id) => (children.get(id) ?? []).length > 0)
    .map((unitId) => {
      const kids = children.get(unitId)!;
      const batches: string[][] = [];
      for (let i = 0; i < kids.length; i += maxBatch) batches.push(kids.slice(i, i + maxBatch));
      return { unitId, batches };
    });
  return { nodes, hubs, skipped, issuerTier: tierOf.get(issuer.id) ?? 0 };
}
