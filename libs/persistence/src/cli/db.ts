/**
 * `node dist/libs/persistence/src/cli/db.js ensure` — creates the database named by DATABASE_URL when missing and
 * runs the pending migrations. Used by infra/dev.sh and by deployments before the apps start. With
 * MIGRATION_DATABASE_URL, migrations connect as that (the schema's owner) instead of DATABASE_URL, and with
 * CASCADE_RUNTIME_ROLE the role the services connect as gets its grants afterwards (`grantRuntimeRole`).
 * `… bootstrap-admin` — creates (or resets the password of) the system administrator named by CASCADE_ADMIN_EMAIL,
 * CASCADE_ADMIN_PASSWORD and CASCADE_ADMIN_NAME: the first account, from which every other is made through the API.
 */
import { loadConfig, loadDotEnvFile } from '@cascade/config';
import { bootstrapAdmin } from '../bootstrap-admin';
import { ensureDatabase, grantRuntimeRole, runMigrations } from '../database-admin';

async function main(command: string | undefined): Promise<void> {
  loadDotEnvFile();
  const config = loadConfig(process.env);
  if (command === 'ensure' || command === 'migrate') {
    const ownerUrl = process.env.MIGRATION_DATABASE_URL || config.DATABASE_URL;
    if (command === 'ensure' && (await ensureDatabase(ownerUrl))) console.log('database created');
    const applied = await runMigrations(ownerUrl);
    console.log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'migrations: up to date');
    const runtimeRole = process.env.CASCADE_RUNTIME_ROLE;
    if (runtimeRole) {
      await grantRuntimeRole(ownerUrl, runtimeRole);
      console.log(`runtime role ${runtimeRole}: granted`);
    }
    return;
  }
  if (command === 'bootstrap-admin') {
    const {
      CASCADE_ADMIN_EMAIL: email,
      CASCADE_ADMIN_PASSWORD: password,
      CASCADE_ADMIN_NAME: name,
    } = process.env;
    if (!email || !password) throw new Error('CASCADE_ADMIN_EMAIL and CASCADE_ADMIN_PASSWORD are required');
    const id = await bootstrapAdmin(config.DATABASE_URL, email, password, name ?? 'System administrator');
    console.log(`system administrator ${email} (${id}) ready`);
    return;
  }
  console.error('usage: db (ensure|migrate|bootstrap-admin)');
  process.exitCode = 2;
}

main(process.argv[2]).catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
