/** Why review and signing refuse a step: nobody drafts, approves and signs a directive alone. */
export enum ReviewErrorCode {
  /** The review chain would hold only the caller (PUT /units/:id/review-chain). */
  REVIEW_CHAIN_SELF_ONLY = 'REVIEW_CHAIN_SELF_ONLY',
  /** Every reviewer of the chain is the one who submits: nobody else would see the draft before it is signed. */
  REVIEW_CHAIN_ONLY_SUBMITTER = 'REVIEW_CHAIN_ONLY_SUBMITTER',
}
