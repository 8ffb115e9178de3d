import { DataSource } from 'typeorm';

/** Answers when PostgreSQL answers a statement (for the health check); throws its error otherwise. */
export async function databaseHealth(db: DataSource): Promise<void> {
  await db.query('SELECT 1');
}
