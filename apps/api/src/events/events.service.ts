import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decide } from '@cascade/domain';
import { directiveAudience, listenDirectiveEvents, type DirectiveNotice } from '@cascade/persistence';
import type { RequestPrincipal } from '../auth/principal';
import { PrincipalService } from '../auth/principal.service';

/** One open stream: whose it is, and where its notices go, in the order they came. */
interface Subscriber {
  principal: RequestPrincipal;
  send: (notice: DirectiveNotice) => void;
  /** Each notice waits for the previous one's check, so a stream sees changes in order. */
  queue: Promise<void>;
  /** Directives this stream may see or not, decided once each. */
  seen: Map<string, boolean>;
}

/**
 * The trail's notices (PostgreSQL LISTEN), fanned out to the open streams: a stream is told of a directive only when
 * its caller may see it (its view of the issuer, or the directive is routed to one of its units).
 */
@Injectable()
export class EventsService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('Events');
  private readonly subscribers = new Set<Subscriber>();
  private stop: (() => Promise<void>) | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly principals: PrincipalService,
  ) {}

  onModuleInit(): void {
    this.stop = listenDirectiveEvents(
      this.db,
      (notice) => this.fanOut(notice),
      (error) => this.log.warn(`live notices: ${error.message}`),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop?.();
  }

  subscribe(principal: RequestPrincipal, send: (notice: DirectiveNotice) => void): () => void {
    const s: Subscriber = { principal, send, queue: Promise.resolve(), seen: new Map() };
    this.subscribers.add(s);
    return () => this.subscribers.delete(s);
  }

  private fanOut(notice: DirectiveNotice): void {
    for (const s of this.subscribers)
      s.queue = s.queue.then(async () => {
        if (await this.visible(s, notice.directiveId).catch(() => false)) s.send(notice);
      });
  }

  private async visible(s: Subscriber, directiveId: string): Promise<boolean> {
    const known = s.seen.get(directiveId);
    if (known !== undefined) return known;
    const units = s.principal.grants.map((g) => g.unitPath[g.unitPath.length - 1]);
    const audience = await directiveAudience(this.db, directiveId, units);
    let yes = false;
    if (audience) {
      if (audience.routedToMine) yes = true;
      else {
        const path = await this.principals.unitPath(audience.issuerId);
        yes = !!path && decide(s.principal, 'view', path) !== 'hidden';
      }
    }
    if (s.seen.size > 10_000) s.seen.clear();
    s.seen.set(directiveId, yes);
    return yes;
  }
}
