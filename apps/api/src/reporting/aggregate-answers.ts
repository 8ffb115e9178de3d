import type { CollectedAnswers } from '@cascade/contracts';
import type { ReportForm } from '@cascade/domain';
import { encodeCursor } from '../common/page';

/**
 * The answers of `collect` fields in an aggregate: a count, the first page, and the cursor of the next page of
 * `GET /directives/:id/aggregate/answers` (a root's list at 10^5 units is megabytes that no dashboard shows whole).
 */
/** How many answers of a collect field the aggregate itself carries. */
export const FIRST_ANSWERS = 100;

/** How many missing units an aggregate's coverage lists (the rest: `GET /directives/:id/aggregate/missing`). */
export const FIRST_MISSING = 100;

/** A page of answers: the revision it reads (null: the live preview) and the position of its first answer. */
export type AnswersKey = [revision: number | null, from: number];

export const collectFields = (form: ReportForm): string[] =>
  form.fields.filter((f) => f.aggregate === 'collect').map((f) => f.key);

export const answersOf = (v: unknown): { unitId: string; value: number | boolean | string }[] =>
  Array.isArray(v) ? (v as { unitId: string; value: number | boolean | string }[]) : [];

export const firstAnswers = (v: unknown) => {
  const all = answersOf(v);
  return { count: all.length, items: all.slice(0, FIRST_ANSWERS) };
};

/** Each collect field's `{ count, items }` with the cursor of its next page (null when the items are all). */
export function withAnswerCursors(
  values: Record<string, unknown>,
  collected: string[],
  revision: number | null,
): Record<string, unknown> {
  const out = { ...values };
  for (const field of collected) {
    const v = out[field] as { count: number; items: unknown[] } | undefined;
    if (!v) continue;
    out[field] = {
      ...v,
      nextCursor: v.count > v.items.length ? encodeCursor('answers', [revision, v.items.length]) : null,
    } satisfies Omit<CollectedAnswers, 'items'> & { items: unknown[] };
  }
  return out;
}
