import { createRequire } from 'node:module';

/** The slice of `pg` used here; `pg` ships no types and comes with @mikro-orm/postgresql. */
interface PgClient {
  connect(): Promise<void>;
  query(sql: string, values?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
}
interface PgModule {
  Client: new (config: { connectionString: string; connectionTimeoutMillis: number }) => PgClient;
}

const INVALID_CATALOG_NAME = '3D000'; // the database does not exist
const DUPLICATE_DATABASE = '42P04'; // someone created it in the meantime

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** host:port/database, without credentials, for messages. */
export function describeDatabase(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.host}${url.pathname}`;
}

async function withClient(connectionString: string, use: (client: PgClient) => Promise<void>): Promise<void> {
  const { Client } = createRequire(import.meta.url)('pg') as PgModule;
  const client = new Client({ connectionString, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await use(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates the database DATABASE_URL names if it does not exist yet, so a fresh machine can
 * `npm start` without a manual `createdb`. Connects to the target first, and only when that
 * says "does not exist" to the server's `postgres` database to create it.
 */
export async function ensureDatabase(databaseUrl: string): Promise<'existed' | 'created'> {
  try {
    await withClient(databaseUrl, async (client) => {
      await client.query('SELECT 1');
    });
    return 'existed';
  } catch (error) {
    if (errorCode(error) !== INVALID_CATALOG_NAME) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Postgres at ${describeDatabase(databaseUrl)} is not usable: ${reason}`, { cause: error });
    }
  }
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  try {
    await withClient(maintenance.toString(), async (client) => {
      await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
    });
  } catch (error) {
    if (errorCode(error) !== DUPLICATE_DATABASE) throw error;
  }
  return 'created';
}
