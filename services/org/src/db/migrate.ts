import { migrateServiceSchema } from '#libs/db';
import { orgEntities } from './entities/index.ts';
import { orgMigrations } from './migrations/index.ts';

/** Applies the org schema's migrations (used by `npm run db:migrate`). */
export async function migrate(databaseUrl: string): Promise<void> {
  await migrateServiceSchema({ databaseUrl, schema: 'org', entities: orgEntities, migrations: orgMigrations });
}
