/** What arrived (a directive delivered to one of my units), what is due (a deadline coming), what was escalated. */
export type InboxKind = 'arrived' | 'due' | 'escalated';

/** One notification of a person's inbox, as `GET /inbox` answers it. */
export type InboxItem = {
  /** The item's stable key: what `POST /inbox/read` takes. */
  item: string;
  kind: InboxKind;
  directiveId: string;
  symbol: string | null;
  subject: string | null;
  /** The unit of mine it concerns (the late unit, for a rung). */
  unitId: string;
  unitName: string;
  /** Delivered at, the deadline, or when the rung was written. */
  at: Date | string;
  cycle: number | null;
  /** A ladder rung's level (reminded, overdue, parent, issuer, above). */
  level: string | null;
  read: boolean;
};

/** Unread items per kind (`GET /inbox/unread`), each up to 100. */
export type InboxUnread = Record<InboxKind, number>;
