import { MikroORM } from '@mikro-orm/postgresql';

/** A short-lived connection to a Postgres server for statements no ORM entity covers. */
export async function withAdminConnection<T>(
  databaseUrl: string,
  fn: (query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>) => Promise<T>,
): Promise<T> {
  const orm = await MikroORM.init({
    clientUrl: databaseUrl,
    entities: [],
    discovery: { warnWhenNoEntities: false },
    ensureDatabase: false,
    pool: { min: 0, max: 1 },
    debug: false,
  });
  try {
    const connection = orm.em.getConnection();
    return await fn((sql, params = []) => connection.execute<Record<string, unknown>[]>(sql, params, 'all'));
  } finally {
    await orm.close(true);
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The same server URL pointing at another database. */
export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
