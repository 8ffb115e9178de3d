import { rmSync } from 'node:fs';
import { dropDatabase } from '../../libs/persistence/src/database-admin';
import type { TestStack } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as { __CASCADE_STACK__?: TestStack }).__CASCADE_STACK__;
  if (!stack) return;
  await stack.env?.teardown();
  await dropDatabase(stack.databaseUrl);
  for (const suffix of ['', '-wal', '-shm']) rmSync(stack.temporalDbFile + suffix, { force: true });
  rmSync(stack.workflowBundle, { force: true });
  if (stack.cluster) {
    const { options } = stack.cluster;
    stack.cluster.stop();
    for (const database of [options.database, `${options.database}_visibility`])
      await dropDatabase(`${options.pgServer}/${database}`);
    rmSync(options.dir, { recursive: true, force: true });
  }
}
