import { migrateServiceSchema } from '#libs/db';
import { authEntities } from './entities/index.ts';
import { authMigrations } from './migrations/index.ts';

/** Applies the auth schema's migrations (used by `npm run db:migrate`). */
export async function migrate(databaseUrl: string): Promise<void> {
  await migrateServiceSchema({ databaseUrl, schema: 'auth', entities: authEntities, migrations: authMigrations });
}
