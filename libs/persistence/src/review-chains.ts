import { DataSource, EntityManager } from 'typeorm';
import type { ReviewerRow } from '@cascade/contracts';

type Db = DataSource | EntityManager;

/** `review_chain`: a unit's reviewers of its drafts, in order. This module is its only writer. */

/** The API's answer, as declared in contracts (the web app and its component tests read it so). */
export type Reviewer = ReviewerRow;

export async function reviewChainOf(db: Db, unitId: string): Promise<Reviewer[]> {
  return db.query(
    `SELECT r.position, r.reviewer_id AS "reviewerId", u.name AS "reviewerName" FROM review_chain r JOIN app_user u ON u.id = r.reviewer_id
      WHERE r.unit_id = $1 ORDER BY r.position`,
    [unitId],
  );
}

/** The reviewers' ids of a unit, in order. */
export async function reviewerIdsOf(db: Db, unitId: string): Promise<string[]> {
  const rows: { reviewer_id: string }[] = await db.query(
    `SELECT reviewer_id FROM review_chain WHERE unit_id = $1 ORDER BY position`,
    [unitId],
  );
  return rows.map((row) => row.reviewer_id);
}

/** Which of the given users are leaders of the unit. */
export async function leadersAmong(db: Db, unitId: string, userIds: string[]): Promise<Set<string>> {
  const rows: { user_id: string }[] = await db.query(
    `SELECT user_id FROM membership WHERE unit_id = $1 AND role = 'leader' AND user_id = ANY($2::uuid[])`,
    [unitId, userIds],
  );
  return new Set(rows.map((row) => row.user_id));
}

export async function replaceReviewChain(
  ds: DataSource,
  unitId: string,
  reviewerIds: string[],
): Promise<void> {
  await ds.transaction(async (m) => {
    await m.query(`DELETE FROM review_chain WHERE unit_id = $1`, [unitId]);
    for (const [position, reviewerId] of reviewerIds.entries()) {
      await m.query(`INSERT INTO review_chain (unit_id, position, reviewer_id) VALUES ($1,$2,$3)`, [
        unitId,
        position,
        reviewerId,
      ]);
    }
  });
}

/**
 * A leader who leaves a unit (its leader membership is deleted) leaves the unit's review chain: no draft is submitted
 * to someone who no longer may review it.
 */
export async function removeReviewer(db: Db, unitId: string, reviewerId: string): Promise<void> {
  await db.query(`DELETE FROM review_chain WHERE unit_id = $1 AND reviewer_id = $2`, [unitId, reviewerId]);
}
