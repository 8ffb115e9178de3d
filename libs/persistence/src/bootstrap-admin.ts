import { randomUUID } from 'node:crypto';
import { hashPassword } from '@cascade/auth';
import { passwordProblems } from '@cascade/domain';
import { createDataSource } from './data-source';
import { upsertSystemAdmin } from './people';

/** Creates the system administrator, or resets its password and rights: idempotent. Returns its id. */
export async function bootstrapAdmin(
  url: string,
  email: string,
  password: string,
  name: string,
): Promise<string> {
  const problems = passwordProblems(password, { email });
  if (problems.length) throw new Error(`CASCADE_ADMIN_PASSWORD: ${problems.join('; ')}`);
  const dataSource = createDataSource({ url, poolSize: 1, applicationName: 'cascade-bootstrap' });
  await dataSource.initialize();
  try {
    return await upsertSystemAdmin(dataSource, {
      id: randomUUID(),
      email,
      name,
      passwordHash: await hashPassword(password),
    });
  } finally {
    await dataSource.destroy();
  }
}
