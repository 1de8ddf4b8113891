/**
 * `npm run db:migrate`: applies every service's pending database migrations, one service
 * after another, then exits. Services also migrate at start-up; this is for deployments
 * that migrate as a separate step (a release job) and for developers.
 *
 * Contract for each service: `services/<name>/src/db/migrate.ts` may export
 *
 *     export async function migrate(databaseUrl: string): Promise<void>
 *
 * which applies that service's pending migrations (its own schema only) against the given
 * database, is safe to run again when nothing is pending, and closes every connection it
 * opened before resolving. A service without that file has no database and is skipped.
 *
 * DATABASE_URL comes from the environment or `.env`, defaulting outside production to this
 * machine's Postgres like `npm start`; the database is created if it does not exist.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, services } from './launcher/components.ts';
import { loadDatabaseConfig, loadEnvFileIfPresent, processEnvironment, withLocalDefaults } from './launcher/config.ts';
import { describeDatabase, ensureDatabase } from './launcher/ensure-database.ts';

type Migrate = (databaseUrl: string) => Promise<void>;

async function migrateService(name: string, databaseUrl: string): Promise<void> {
  const file = join(repoRoot, 'services', name, 'src', 'db', 'migrate.ts');
  if (!existsSync(file)) {
    console.log(`${name}: no src/db/migrate.ts, skipped`);
    return;
  }
  const module = (await import(pathToFileURL(file).href)) as { migrate?: unknown };
  if (typeof module.migrate !== 'function') throw new Error(`${file} does not export a migrate(databaseUrl) function`);
  await (module.migrate as Migrate)(databaseUrl);
  console.log(`${name}: migrated`);
}

async function main(): Promise<void> {
  loadEnvFileIfPresent(join(repoRoot, '.env'));
  const { DATABASE_URL } = loadDatabaseConfig(withLocalDefaults(processEnvironment()));
  if ((await ensureDatabase(DATABASE_URL)) === 'created') console.log(`created ${describeDatabase(DATABASE_URL)}`);
  for (const service of services) await migrateService(service.name, DATABASE_URL);
}

main().catch((error: unknown) => {
  console.error(`db:migrate failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
