import { migrateServiceSchema } from '#libs/db';
import { profileDataEntities } from './entities/index.ts';
import { profileDataMigrations } from './migrations/index.ts';

/** Applies the profile_data schema's migrations (used by `npm run db:migrate`). */
export async function migrate(databaseUrl: string): Promise<void> {
  await migrateServiceSchema({ databaseUrl, schema: 'profile_data', entities: profileDataEntities, migrations: profileDataMigrations });
}
