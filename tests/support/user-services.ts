import pg from 'pg';
import { testEnvironment } from '#libs/testing';
import { startAuthHarness, type AuthHarness } from './auth-harness.ts';
import { startProfileDataHarness, type ProfileDataHarness } from './profile-data-harness.ts';

/** auth and a profile-data that reads from it, plus a direct line to the test database. */
export interface UserServices {
  auth: AuthHarness;
  profiles: ProfileDataHarness;
  db: pg.Client;
  stop(): Promise<void>;
}

export async function startUserServices(): Promise<UserServices> {
  const auth = await startAuthHarness();
  const profiles = await startProfileDataHarness(`127.0.0.1:${auth.service.port}`);
  const db = new pg.Client({ connectionString: testEnvironment().databaseUrl });
  await db.connect();
  return {
    auth,
    profiles,
    db,
    async stop() {
      await db.end();
      await profiles.stop();
      await auth.stop();
    },
  };
}
