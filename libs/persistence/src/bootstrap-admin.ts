import { randomUUID } from 'node:crypto';
import { hashPassword } from '@cascade/auth';
import { passwordProblems } from '@cascade/domain';
import { createDataSource } from './data-source';
import { upsertSystemAdmin } from './people';
import { revokeSessionsOfUser } from './sessions';

/**
 * Creates the system administrator, or resets its password and rights: idempotent. Returns its id. A reset ends every
 * session of the account, in the same transaction: whoever signed in with the old password (the reason to reset it,
 * often) is signed out.
 */
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
    const passwordHash = await hashPassword(password);
    return await dataSource.transaction(async (m) => {
      const id = await upsertSystemAdmin(m, { id: randomUUID(), email, name, passwordHash });
      await revokeSessionsOfUser(m, id, 'password reset by bootstrap-admin');
      return id;
    });
  } finally {
    await dataSource.destroy();
  }
}
