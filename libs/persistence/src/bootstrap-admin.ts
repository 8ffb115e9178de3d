import { randomUUID } from 'node:crypto';
import { hashPassword } from '@cascade/auth';
import { passwordProblems } from '@cascade/domain';
import { createDataSource } from './data-source';

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
    const rows: { id: string }[] = await dataSource.query(
      `INSERT INTO app_user (id, email, name, password_hash, system_admin) VALUES ($1, lower($2), $3, $4, true)
       ON CONFLICT (lower(email)) DO UPDATE SET password_hash = EXCLUDED.password_hash, system_admin = true, active = true,
         updated_at = now()
       RETURNING id`,
      [randomUUID(), email, name, await hashPassword(password)],
    );
    return rows[0].id;
  } finally {
    await dataSource.destroy();
  }
}
