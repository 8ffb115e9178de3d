// Lint fixture (never built into an app): the API reaching into the worker's code, which the lint rule forbids.
import { WorkerModule } from '../../../../../apps/worker/src/worker.module';
import { workflowBundleOptions } from '@cascade/temporal';

export const both = [WorkerModule, workflowBundleOptions];
