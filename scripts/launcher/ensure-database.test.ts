import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { processEnvironment } from './config.ts';
import { describeDatabase, ensureDatabase } from './ensure-database.ts';

// Against the real Postgres of this machine (or CI's DATABASE_URL), in a database of its own.
const serverUrl = new URL(processEnvironment().DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test');
const name = `egp_launcher_${randomBytes(4).toString('hex')}`;
const target = new URL(serverUrl);
target.pathname = `/${name}`;

describe(ensureDatabase.name, () => {
  afterAll(async () => {
    type Client = { connect(): Promise<void>; query(sql: string): Promise<unknown>; end(): Promise<void> };
    const pg = createRequire(import.meta.url)('pg') as { Client: new (config: { connectionString: string }) => Client };
    const admin = new pg.Client({ connectionString: serverUrl.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
    await admin.end();
  });

  it('creates a missing database, then finds it there', async () => {
    await expect(ensureDatabase(target.toString())).resolves.toBe('created');
    await expect(ensureDatabase(target.toString())).resolves.toBe('existed');
  });

  it('says which server it could not reach, without credentials', async () => {
    const sut = ensureDatabase('postgres://someone:hunter22@127.0.0.1:1/egp');
    await expect(sut).rejects.toThrow('Postgres at 127.0.0.1:1/egp is not usable');
    await expect(sut).rejects.not.toThrow('hunter22');
    expect(describeDatabase('postgres://u:p@db:5432/egp')).toBe('db:5432/egp');
  });
});
