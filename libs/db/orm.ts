import type { AnyEntity, Constructor, EntityClass, EntitySchema } from '@mikro-orm/core';
import { Migrator, type Migration } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '#libs/logging';
import { ormLoggerFactory } from './orm-logger.ts';
import { releaseDeadClients } from './pool-hygiene.ts';
import { DeadlineGuard } from './deadline-guard.ts';

/** A migration given by name, so renaming a class never re-runs it. */
export interface ServiceMigration {
  name: string;
  class: Constructor<Migration>;
}

export interface ServiceOrmOptions {
  databaseUrl: string;
  /** The Postgres schema the service owns: its tables and its migration log live there. */
  schema: string;
  /** Entity schemas made with `defineEntity` or `EntitySchema`; nothing is discovered from files. */
  entities: ReadonlyArray<EntitySchema | EntityClass<AnyEntity>>;
  /** Every migration of the service, oldest first. */
  migrations: ServiceMigration[];
  logger?: Logger;
  poolMax?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A key in the two-int advisory-lock space so our locks never collide with anyone else's. */
const MIGRATION_LOCK_CLASS = 0x45_47_50; // "EGP"

function ormConfig(options: ServiceOrmOptions) {
  if (!SCHEMA_NAME.test(options.schema)) throw new Error(`Invalid schema name "${options.schema}".`);
  return {
    clientUrl: options.databaseUrl,
    schema: options.schema,
    entities: [...options.entities],
    extensions: [Migrator],
    subscribers: [new DeadlineGuard()],
    // The ORM never creates the database; the harness or the platform does.
    ensureDatabase: false,
    discovery: { warnWhenNoEntities: false },
    // Unqualified names in raw SQL resolve to the service's own schema first.
    driverOptions: { options: `-c search_path=${options.schema},public`, onPoolCreated: releaseDeadClients },
    // One connection holds the migration lock while another migrates, so never fewer than two.
    pool: { min: 0, max: Math.max(2, options.poolMax ?? 10) },
    migrations: {
      migrationsList: options.migrations.map((migration) => ({ name: migration.name, class: migration.class })),
      schema: options.schema,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    ...(options.logger ? { loggerFactory: ormLoggerFactory(options.logger) } : {}),
    debug: false,
    colors: false,
  };
}

/**
 * Creates the schema if missing and applies pending migrations, serialised across every
 * process that migrates the same schema: a transaction-scoped advisory lock is held on one
 * pooled connection while the migrator works on another, and is released when that
 * transaction ends, also when the process dies mid-way.
 */
async function migrateUnderLock(orm: MikroORM, options: ServiceOrmOptions): Promise<string[]> {
  const connection = orm.em.getConnection();
  return connection.transactional(async (lock) => {
    await connection.execute('select pg_advisory_xact_lock(?, hashtext(?))', [MIGRATION_LOCK_CLASS, options.schema], 'get', lock);
    await connection.execute(`create schema if not exists "${options.schema}"`);
    const applied = await orm.migrator.up();
    return applied.map((migration) => migration.name);
  });
}

/** Opens the ORM of one service, bound to its own schema, with its migrations applied. */
export async function openServiceOrm(options: ServiceOrmOptions): Promise<MikroORM> {
  const orm = await MikroORM.init(ormConfig(options));
  try {
    const applied = await migrateUnderLock(orm, options);
    if (applied.length > 0) options.logger?.info({ schema: options.schema, migrations: applied }, 'migrations applied');
    return orm;
  } catch (error) {
    await orm.close(true);
    throw error;
  }
}

/** Applies pending migrations and closes; for `npm run db:migrate` and deploy jobs. */
export async function migrateServiceSchema(options: ServiceOrmOptions): Promise<string[]> {
  const orm = await MikroORM.init(ormConfig(options));
  try {
    return await migrateUnderLock(orm, options);
  } finally {
    await orm.close(true);
  }
}
