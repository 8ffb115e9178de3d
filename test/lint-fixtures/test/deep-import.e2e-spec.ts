// Lint fixture: a test reaching into a lib's files instead of its public module (test/unit/workflow-lint.spec.ts).
import { runMigrations } from '../../../libs/persistence/src/database-admin';
import { createDataSource } from '@cascade/persistence';

export const both = [runMigrations, createDataSource];
