/** The error codes of batched ingest: the batch's own, and those its items answer besides the routes' usual ones. */
export enum BulkErrorCode {
  /** More than BATCH_MAX_ITEMS items in one request (413). */
  BATCH_TOO_LARGE = 'BATCH_TOO_LARGE',
  /** An item that is not what the route takes (400), its field named `items.N.field`. */
  BATCH_ITEM_INVALID = 'BATCH_ITEM_INVALID',
  /** Another item of the batch answers the same unit (acknowledgements) (422). */
  BATCH_ITEM_REPEATED = 'BATCH_ITEM_REPEATED',
}

/** The most items one batch request takes. */
export const BATCH_MAX_ITEMS = 1000;
