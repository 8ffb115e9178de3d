import type { EscalationKey, RollupKey } from '@cascade/persistence';
import type { AnswersKey } from './aggregate-answers';
import { isCount, isExactTime, isUuid, tupleOf } from '../common/page';

/** The keys reporting's cursors carry, checked before a query reads them (anything else is 400 naming `cursor`). */
export const ESCALATION_KEY = tupleOf<EscalationKey>(
  isCount,
  isExactTime,
  isUuid,
  (v) => typeof v === 'string' && /^[a-z]{1,16}$/.test(v),
);
export const ROLLUP_KEY = tupleOf<RollupKey>(isExactTime, isUuid, isCount, isCount);
export const ANSWERS_KEY = tupleOf<AnswersKey>((v) => v === null || isCount(v), isCount);
