import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SessionRevocationList } from '#libs/session-revocation';
import { connectTestRedis, fakeClients, postJson, startTestGateway, type TestGateway, type TestRedis } from '../testing/harness.ts';
import { createSigningKey, signAccessToken, type TestSigningKey } from '../testing/tokens.ts';
import { startRevocationMirror } from './revocation-mirror.ts';

const patiently = { timeout: 15_000, interval: 20 };

describe(`the gateway with ${startRevocationMirror.name}`, { timeout: 30_000 }, () => {
  let redis: TestRedis;
  let key: TestSigningKey;
  let sut: TestGateway;
  /** The auth service's writer, on the gateway's prefix. */
  let auth: SessionRevocationList;
  /** Sessions the fake auth service ends on a password change (besides the caller's). */
  let otherSessions: string[] = [];

  beforeAll(async () => {
    redis = await connectTestRedis();
    key = await createSigningKey();
    const clients = fakeClients({
      org: { listMyOrganizations: async () => ({ organizations: [] }) },
      auth: {
        // Stores nothing: only the gateway's own bookkeeping can refuse the session next.
        logout: async () => ({}),
        changePassword: async () => {
          await auth.revoke(otherSessions);
          return {};
        },
      },
    });
    sut = await startTestGateway({ redis, signingKey: key, clients, revocationMirror: true });
    auth = new SessionRevocationList(redis, sut.prefix, 900);
  });

  afterAll(async () => {
    await sut.close();
    await redis.close();
  });

  const tokenFor = (sessionId: string) => signAccessToken(key, { claims: { sid: sessionId } });
  const organizations = async (sessionId: string) =>
    (await fetch(`${sut.url}/api/v1/organizations`, { headers: { Authorization: `Bearer ${await tokenFor(sessionId)}` } })).status;

  it('refuses the session it just logged out on the very next request', async () => {
    const sessionId = randomUUID();
    expect(await organizations(sessionId)).toBe(200);
    const logout = await postJson(`${sut.url}/api/v1/auth/logout`, { refresh_token: 'rt' }, { Authorization: `Bearer ${await tokenFor(sessionId)}` });
    expect(logout.status).toBe(204);
    expect(await organizations(sessionId)).toBe(401);
    expect(await organizations(randomUUID())).toBe(200);
  });

  it('refuses the other sessions a password change ended on the very next request', async () => {
    const own = randomUUID();
    otherSessions = [randomUUID(), randomUUID()];
    for (const sessionId of [own, ...otherSessions]) expect(await organizations(sessionId)).toBe(200);
    const response = await fetch(`${sut.url}/api/v1/users/me/password`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', Authorization: `Bearer ${await tokenFor(own)}` },
      body: JSON.stringify({ current_password: 'violet-anvil-73-harbor', new_password: 'quiet-lantern-58-meadow' }),
    });
    expect(response.status).toBe(204);
    for (const sessionId of otherSessions) expect(await organizations(sessionId)).toBe(401);
    expect(await organizations(own)).toBe(200);
  });

  it('refuses sessions revoked elsewhere, through pub/sub', async () => {
    const sessionId = randomUUID();
    expect(await organizations(sessionId)).toBe(200);
    await auth.revoke([sessionId]);
    await vi.waitFor(async () => expect(await organizations(sessionId)).toBe(401), patiently);
  });

  it('still reports Redis in readiness', async () => {
    expect((await fetch(`${sut.url}/readyz`)).status).toBe(200);
  });
});
