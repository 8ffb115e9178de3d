import type { DataSource } from 'typeorm';
import { can, idsFromPath, pathFromIds, viewScope } from '@cascade/domain';
import { directiveRow, routedWithinView, unitPathText, type DirectiveRow } from '@cascade/persistence';
import type { RequestPrincipal } from '../auth/principal';
import { directiveNotFound } from './directive-errors';

/**
 * The directive's row, if the caller views its issuer or a unit it was routed to (a receiving unit reads what it
 * received: its official document, its attachments); else 404 DIRECTIVE_NOT_FOUND, as if it did not exist.
 */
export async function visibleDirective(
  db: DataSource,
  principal: RequestPrincipal,
  id: string,
): Promise<DirectiveRow> {
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await directiveRow(db, id) : null;
  if (!row) throw directiveNotFound(id);
  if (principal.systemAdmin) return row;
  const issuerPath = await unitPathText(db, row.issuer_id);
  if (issuerPath && can(principal, 'view', idsFromPath(issuerPath))) return row;
  const scope = viewScope(principal);
  const routed = await routedWithinView(db, id, {
    subtreePaths: scope.subtrees.map((ids) => pathFromIds(ids)),
    unitIds: scope.units,
  });
  if (!routed) throw directiveNotFound(id);
  return row;
}
