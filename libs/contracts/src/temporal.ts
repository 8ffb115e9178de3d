import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Task queue used when TEMPORAL_TASK_QUEUE is not set. */
export const DEFAULT_TASK_QUEUE = 'cascade';

/** Custom search attributes: registered by infra/dev.sh and by the test setup before any workflow runs. */
export const SEARCH_ATTRIBUTES = {
  status: defineSearchAttributeKey('CascadeStatus', SearchAttributeType.KEYWORD),
  directiveId: defineSearchAttributeKey('CascadeDirectiveId', SearchAttributeType.KEYWORD),
  unitCode: defineSearchAttributeKey('CascadeUnitCode', SearchAttributeType.KEYWORD),
} as const;

export const SEARCH_ATTRIBUTE_KEYS = Object.values(SEARCH_ATTRIBUTES);
