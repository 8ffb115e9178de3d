import { useEffect } from 'react';
import { api, queryClient } from './api';

/** Lists that any directive's change may alter (they are not keyed by one directive). */
const LISTS = /\/(inbox|registers|overdue|reports-received|search)\b/;

/** Re-reads what a change of `directiveId` may have altered: reads naming it, and the lists. */
export function invalidateFor(directiveId: string): void {
  void queryClient.invalidateQueries({
    predicate: (q) => {
      const key = JSON.stringify(q.queryKey);
      return key.includes(directiveId) || LISTS.test(key);
    },
  });
}

/**
 * Live updates pushed by the API instead of polling: a ticket from an authenticated POST (an EventSource cannot send
 * the token, and the token never goes in a URL) opens `GET /events/stream`; each `changed` notice re-reads what it
 * concerns. A closed or failed stream is opened again with a new ticket, a little later each time.
 */
export function useLiveUpdates(enabled: boolean): void {
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let wait = 1_000;
    const connect = async () => {
      try {
        const { ticket } = await api<{ ticket: string }>('POST', '/events/ticket');
        if (stopped) return;
        source = new EventSource(`/events/stream?ticket=${encodeURIComponent(ticket)}`);
        source.onopen = () => (wait = 1_000);
        source.addEventListener('changed', (e) => {
          try {
            const notice = JSON.parse((e as MessageEvent<string>).data) as { directiveId?: string };
            if (typeof notice.directiveId === 'string') invalidateFor(notice.directiveId);
          } catch {
            // not a notice
          }
        });
        source.onerror = () => {
          source?.close();
          retry();
        };
      } catch {
        retry();
      }
    };
    const retry = () => {
      if (stopped) return;
      timer = setTimeout(() => void connect(), wait);
      wait = Math.min(wait * 2, 30_000);
    };
    void connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
    };
  }, [enabled]);
}
