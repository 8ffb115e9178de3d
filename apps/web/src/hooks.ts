import { useEffect, useState } from 'react';
import type { Page } from '@cascade/contracts';
import { api } from './api';

export function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

/** Loads on mount and whenever `deps` change; `every` ms re-reads (live dashboards). */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
  every?: number,
): [T | null, string | null, () => void] {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => live && (setData(d), setError(null)),
      (e: Error) => live && setError(e.message),
    );
    const timer = every ? setTimeout(() => setTick((n) => n + 1), every) : undefined;
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [...deps, tick]);
  return [data, error, () => setTick((n) => n + 1)];
}

/**
 * A list the API pages (`{ items, nextCursor }`): the first page of `path` (re-read every `every` ms), then the pages
 * `more` appends, each read by the previous one's cursor. `more` is null on the last page.
 */
export function usePaged<T>(
  path: string | null,
  deps: unknown[],
  every?: number,
): { items: T[]; error: string | null; more: (() => void) | null; reload: () => void } {
  const [first, error, reload] = useLoad(
    () => (path ? api<Page<T>>('GET', path) : Promise.resolve(null)),
    deps,
    every,
  );
  const [later, setLater] = useState<Page<T>[]>([]);
  useEffect(() => setLater([]), deps);
  const next = later.length ? later[later.length - 1].nextCursor : (first?.nextCursor ?? null);
  const more =
    path && next
      ? () => {
          const sep = path.includes('?') ? '&' : '?';
          void api<Page<T>>('GET', `${path}${sep}cursor=${encodeURIComponent(next)}`).then((p) =>
            setLater((pages) => [...pages, p]),
          );
        }
      : null;
  const items = [...(first?.items ?? []), ...later.flatMap((p) => p.items)];
  return { items, error, more, reload: () => (setLater([]), reload()) };
}
