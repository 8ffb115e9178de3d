import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Page } from '@cascade/contracts';
import {
  inboxPage,
  inboxUnread,
  markInboxRead,
  type InboxItem,
  type InboxKey,
  type InboxKind,
  type InboxScope,
} from '@cascade/persistence';
import type { RequestPrincipal } from '../auth/principal';
import { ApiError, CommonErrorCode } from '../common/api-error';
import { decodeCursor, isExactTime, pageOf, tupleOf } from '../common/page';
import type { InboxQueryDto, MarkReadDto } from './inbox.dto';

const isItemKey = (v: unknown): v is string => typeof v === 'string' && v.length <= 200;

@Injectable()
export class InboxService {
  constructor(private readonly db: DataSource) {}

  /** A person's inbox: the units it holds a role at (a connector's reach is not a person's mail). */
  private scope(principal: RequestPrincipal): InboxScope {
    if (principal.kind !== 'user')
      throw new ApiError(HttpStatus.NOT_FOUND, CommonErrorCode.NOT_FOUND, 'inbox: not found');
    const own = (g: { unitPath: readonly string[] }) => g.unitPath[g.unitPath.length - 1];
    const grants = principal.grants.filter((g) => g.role !== 'connector');
    return {
      userId: principal.id,
      units: [...new Set(grants.map(own))],
      ledUnits: [...new Set(grants.filter((g) => g.role === 'leader').map(own))],
    };
  }

  async page(principal: RequestPrincipal, q: InboxQueryDto): Promise<Page<InboxItem>> {
    const list = `inbox:${q.kind}`;
    const after = decodeCursor<InboxKey>(list, q.cursor, tupleOf<InboxKey>(isExactTime, isItemKey));
    const page = await inboxPage(this.db, this.scope(principal), q.kind, {
      after,
      limit: q.limit,
    });
    return pageOf(list, page);
  }

  unread(principal: RequestPrincipal): Promise<Record<InboxKind, number>> {
    return inboxUnread(this.db, this.scope(principal));
  }

  async markRead(principal: RequestPrincipal, dto: MarkReadDto): Promise<{ read: number }> {
    const items = [...new Set(dto.items)];
    await markInboxRead(this.db, this.scope(principal).userId, items);
    return { read: items.length };
  }
}
