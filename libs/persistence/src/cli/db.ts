/**
 * `node dist/libs/persistence/src/cli/db.js ensure` — creates the database named by DATABASE_URL when missing and
 * runs the pending migrations. Used by infra/dev.sh and by deployments before the apps start.
 */
import { loadConfig, loadDotEnvFile } from '@cascade/config';
import { ensureDatabase, runMigrations } from '../database-admin';

async function main(command: string | undefined): Promise<void> {
  loadDotEnvFile();
  const config = loadConfig(process.env);
  if (command === 'ensure' || command === 'migrate') {
    if (command === 'ensure' && (await ensureDatabase(config.DATABASE_URL))) console.log('database created');
    const applied = await runMigrations(config.DATABASE_URL);
    console.log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'migrations: up to date');
    return;
  }
  console.error('usage: db (ensure|migrate)');
  process.exitCode = 2;
}

main(process.argv[2]).catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
