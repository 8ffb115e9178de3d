import { randomUUID } from 'node:crypto';

/** A fresh Idempotency-Key per test, so that no test depends on another's workflows. */
export const newKey = (prefix = 'test'): string => `${prefix}-${randomUUID()}`;
