import { useEffect, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { MemberRow, Page } from '@cascade/contracts';
import { api } from './api';

/**
 * A read through the cache (react-query): keyed by what it reads and `deps`, re-read whenever a change is made here
 * or the API's live stream says one was made elsewhere (no fixed polling). Returns the data, the error's words, and a reload.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [T | null, string | null, () => void] {
  const q = useQuery({
    // the loader's own text tells two reads with the same deps apart (it names the path it reads)
    queryKey: ['load', load.toString(), ...deps],
    queryFn: async () => (await load()) ?? null,
    placeholderData: keepPreviousData,
  });
  return [(q.data as T | undefined) ?? null, q.error ? q.error.message : null, () => void q.refetch()];
}

/** A GET of the API through the cache, keyed by its path (null: nothing to read yet). */
export function useGet<T>(path: string | null) {
  return useQuery({
    queryKey: ['GET', path],
    queryFn: () => api<T>('GET', path!),
    enabled: !!path,
    placeholderData: keepPreviousData,
  });
}

/**
 * A list the API pages (`{ items, nextCursor }`): the first page of `path`, then the pages
 * `more` appends, each read by the previous one's cursor. `more` is null on the last page.
 */
export function usePaged<T>(
  path: string | null,
  deps: unknown[],
): { items: T[]; error: string | null; more: (() => void) | null; reload: () => void } {
  const first = useGet<Page<T>>(path);
  const [later, setLater] = useState<Page<T>[]>([]);
  useEffect(() => setLater([]), deps);
  const next = later.length ? later[later.length - 1].nextCursor : (first.data?.nextCursor ?? null);
  const more =
    path && next
      ? () => {
          const sep = path.includes('?') ? '&' : '?';
          void api<Page<T>>('GET', `${path}${sep}cursor=${encodeURIComponent(next)}`).then((p) =>
            setLater((pages) => [...pages, p]),
          );
        }
      : null;
  const items = [...(first.data?.items ?? []), ...later.flatMap((p) => p.items)];
  return {
    items,
    error: first.error ? first.error.message : null,
    more,
    reload: () => (setLater([]), void first.refetch()),
  };
}

/** A unit's members, a page at a time (`GET /units/:id/members`); null: no unit yet. */
export const useMembers = (unitId: string | null | undefined, limit = 100) =>
  usePaged<MemberRow>(unitId ? `/units/${unitId}/members?limit=${limit}` : null, [unitId, limit]);

/** The members who lead the unit (review, sign, grant and receive signing relations), each with a user. */
export const leadersOf = (members: MemberRow[]) =>
  members.filter((m): m is MemberRow & { userId: string } => m.role === 'leader' && !!m.userId);
