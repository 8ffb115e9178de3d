import { useEffect, useState } from 'react';

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
