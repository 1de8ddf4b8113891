import { randomBytes } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '#libs/errors';
import { testEnvironment } from '#libs/testing';
import { migrateServiceSchema, openServiceOrm, translateDbError, uuidv7, type ServiceOrmOptions } from '../index.ts';

const Widget = defineEntity({
  name: 'Widget',
  tableName: 'widgets',
  properties: {
    id: p.uuid().primary(),
    name: p.string(),
  },
});

/** Counts its own runs in a table, so running twice would be visible. */
class CreateWidgets extends Migration {
  override up(): void {
    this.addSql(`create table widgets (id uuid primary key, name text not null constraint widgets_name_key unique)`);
    this.addSql(`create table migration_runs (ran_at timestamptz not null default now())`);
    this.addSql(`insert into migration_runs default values`);
  }
}

class SlowSecondMigration extends Migration {
  override async up(): Promise<void> {
    // Long enough that an unserialised concurrent run would overlap this one.
    await this.execute('select pg_sleep(0.2)');
    this.addSql(`insert into migration_runs default values`);
  }
}

function optionsFor(schema: string): ServiceOrmOptions {
  return {
    databaseUrl: testEnvironment().databaseUrl,
    schema,
    entities: [Widget],
    migrations: [
      { name: '0001_create_widgets', class: CreateWidgets },
      { name: '0002_slow', class: SlowSecondMigration },
    ],
  };
}

const opened: MikroORM[] = [];
afterAll(async () => {
  await Promise.all(opened.map((orm) => orm.close(true)));
});

describe(openServiceOrm.name, () => {
  const schema = `db_t_${randomBytes(4).toString('hex')}`;

  it('creates the schema and runs each migration once, even when two replicas start together', async () => {
    const [first, second] = await Promise.all([openServiceOrm(optionsFor(schema)), openServiceOrm(optionsFor(schema))]);
    opened.push(first, second);

    const runs = await first.em.getConnection().execute<{ count: string }[]>(`select count(*) as count from "${schema}".migration_runs`);
    expect(Number(runs[0]?.count)).toBe(2);
    const log = await first.em
      .getConnection()
      .execute<{ name: string }[]>(`select name from "${schema}".mikro_orm_migrations order by id`);
    expect(log.map((row) => row.name)).toEqual(['0001_create_widgets', '0002_slow']);
  });

  it('binds entities to the service schema', async () => {
    const sut = opened[0] as MikroORM;
    const em = sut.em.fork();
    em.create(Widget, { id: uuidv7(), name: 'gear' });
    await em.flush();
    const tables = await em.getConnection().execute<{ name: string }[]>(`select name from "${schema}".widgets`);
    expect(tables.map((row) => row.name)).toEqual(['gear']);
  });

  it('maps a unique violation to its registered error, else to a generic CONFLICT', async () => {
    const sut = opened[0] as MikroORM;
    const insertDuplicate = async () => {
      const em = sut.em.fork();
      em.create(Widget, { id: uuidv7(), name: 'gear' });
      await em.flush();
    };
    const error = await insertDuplicate().catch((caught: unknown) => caught);

    const registered = translateDbError(error, { widgets_name_key: () => AppError.conflict('Name taken.') });
    expect(registered).toMatchObject({ code: 'CONFLICT', message: 'Name taken.' });

    const generic = translateDbError(error, { other_key: () => AppError.conflict('nope') });
    expect(generic).toBeInstanceOf(AppError);
    expect(generic).toMatchObject({ code: 'CONFLICT', message: 'Resource already exists.' });

    const unrelated = new Error('boom');
    expect(translateDbError(unrelated)).toBe(unrelated);
  });
});

describe(migrateServiceSchema.name, () => {
  it('applies pending migrations and reports them, then nothing on a second run', async () => {
    const schema = `db_t_${randomBytes(4).toString('hex')}`;
    expect(await migrateServiceSchema(optionsFor(schema))).toEqual(['0001_create_widgets', '0002_slow']);
    expect(await migrateServiceSchema(optionsFor(schema))).toEqual([]);
  });
});
