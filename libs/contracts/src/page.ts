/**
 * A page of a list that grows with the units (`GET /directives/:id/escalations`, `/reports`, `/events`,
 * `/audit/timeline`, `/aggregate/answers`): up to `limit` items (default 100, at most 1,000), and `nextCursor`, opaque,
 * to pass as `cursor` for the next page (null on the last).
 */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A `collect` field of `GET /directives/:id/aggregate`: how many answers the aggregate holds, the first page of them,
 * and the cursor of the next page of `GET /directives/:id/aggregate/answers`.
 */
export interface CollectedAnswers {
  count: number;
  items: { unitId: string; value: number | boolean | string }[];
  nextCursor: string | null;
}
