import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '#libs/logging';
import { LogCapture } from '#libs/testing';
import { connectTestRedis, fakeClients, startTestGateway, type TestGateway, type TestRedis } from '../testing/harness.ts';
import { createSigningKey, signAccessToken, signServiceToken, TEST_ORGANIZATION_ID, type TestSigningKey } from '../testing/tokens.ts';
import { securityEvents } from './security-log.ts';
import type { RefusalReason } from './token-refusal.ts';

const userId = '0196b6c8-0000-7000-8000-000000000001';
const organizations = '/api/v1/organizations';
const apiKey = 'egp_live_k3y-that-must-never-be-logged';
type Who = { user_id: string | undefined; session_id: string | undefined };
const ours: Who = { user_id: userId, session_id: 'session-1' };
const nobody: Who = { user_id: undefined, session_id: undefined };

describe(securityEvents.name, () => {
  const capture = new LogCapture();
  /** Every credential a test sent, none of which (nor any segment of it) may reach a log line. */
  const secrets: string[] = [apiKey];
  let redis: TestRedis;
  let key: TestSigningKey;
  let sut: TestGateway;

  beforeAll(async () => {
    redis = await connectTestRedis();
    key = await createSigningKey();
    const clients = fakeClients({ org: { listMyOrganizations: async () => ({ organizations: [] }) }, auth: { getJwks: async () => ({ keys: [] }) } });
    sut = await startTestGateway({ redis, signingKey: key, clients, logger: createLogger('gateway', 'debug', capture) });
  });

  afterAll(async () => {
    await sut.close();
    await redis.close();
  });

  const security = () => capture.lines.filter((line) => line.log === 'security');

  /** One request; the security lines it caused. */
  async function send(path: string, headers: Record<string, string>, requestId = crypto.randomUUID()) {
    for (const value of Object.values(headers)) secrets.push(value.replace(/^Bearer /, ''));
    const response = await fetch(`${sut.url}${path}`, { headers: { ...headers, 'X-Request-Id': requestId, 'X-Forwarded-For': '203.0.113.9' } });
    await response.arrayBuffer();
    return { status: response.status, lines: security().filter((line) => line.request_id === requestId) };
  }
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  const rejections: Array<[string, () => Promise<string>, 'info' | 'warn', RefusalReason, Who]> = [
    ['an expired token, at info', () => signAccessToken(key, { expiresIn: -60, issuedAgo: 600 }), 'info', 'expired', ours],
    ['a wrong audience', () => signAccessToken(key, { claims: { aud: 'another-app' } }), 'warn', 'wrong_audience', ours],
    ['a refresh token as bearer', () => signAccessToken(key, { header: { typ: 'refresh+jwt' } }), 'warn', 'wrong_type', ours],
    ['an unknown kid', async () => signAccessToken(await createSigningKey('someone-else')), 'warn', 'unknown_kid', nobody],
    ['a forged signature', async () => signAccessToken(await createSigningKey(key.kid)), 'warn', 'bad_signature', nobody],
    ['garbage', async () => 'not.a.jwt', 'warn', 'malformed', nobody],
  ];

  it.each(rejections)('logs token.rejected for %s, with its real reason', async (_case, token, level, reason, who) => {
    const { status, lines } = await send(organizations, bearer(await token()));
    expect(status).toBe(401);
    expect(lines).toEqual([
      expect.objectContaining({ log: 'security', event: 'token.rejected', level, reason, credential: 'bearer', method: 'GET', route: organizations, ip: '203.0.113.9' }),
    ]);
    // Whose token it was, only when auth's signature on it checked out.
    expect({ user_id: lines[0]?.user_id, session_id: lines[0]?.session_id }).toEqual(who);
  });

  it("logs a revoked session's token at info, with whose it was", async () => {
    await redis.set(`${sut.prefix}revoked-session:session-gone`, '1', { EX: 60 });
    const { status, lines } = await send(organizations, bearer(await signAccessToken(key, { claims: { sid: 'session-gone' } })));
    expect(status).toBe(401);
    expect(lines).toEqual([expect.objectContaining({ event: 'token.rejected', level: 'info', reason: 'session_revoked', user_id: userId, session_id: 'session-gone' })]);
  });

  it.each([
    ['an API key', { 'X-API-Key': apiKey }, 'api_key', 'api_key_not_accepted'],
    ['a bearer and an API key', { Authorization: 'Bearer abc.def.ghi', 'X-API-Key': apiKey }, 'both', 'both_credentials'],
    ['a header of another scheme', { Authorization: 'Basic dXNlcjpodW50ZXIy' }, 'bearer', 'malformed'],
  ])('logs token.rejected at warn for %s', async (_case, headers, credential, reason) => {
    const { status, lines } = await send(organizations, headers);
    expect(status).toBe(401);
    expect(lines).toEqual([expect.objectContaining({ event: 'token.rejected', level: 'warn', credential, reason })]);
  });

  it("logs access.denied when a service token calls a route for the user's own token", async () => {
    const { status, lines } = await send('/api/v1/users/me', bearer(await signServiceToken(key)));
    expect(status).toBe(403);
    expect(lines).toEqual([
      expect.objectContaining({
        event: 'access.denied',
        level: 'warn',
        reason: 'service_token_on_user_route',
        user_id: userId,
        session_id: 'session-1',
        token_type: 'service',
        organization_id: TEST_ORGANIZATION_ID,
        route: '/api/v1/users/me',
        ip: '203.0.113.9',
      }),
    ]);
  });

  it('logs only refusals: nothing for valid tokens, requests without credentials, or routes anyone may call', async () => {
    const expired = await signAccessToken(key, { expiresIn: -60, issuedAgo: 600 });
    const quiet = [
      await send(organizations, bearer(await signAccessToken(key))),
      await send(organizations, bearer(await signServiceToken(key))),
      await send(organizations, {}),
      await send('/.well-known/jwks.json', bearer(expired)),
      await send('/.well-known/jwks.json', { 'X-API-Key': apiKey }),
    ];
    expect(quiet).toEqual([200, 200, 401, 200, 200].map((status) => ({ status, lines: [] })));
    // The same expired token where a caller is needed: the one line of the lot.
    expect((await send(organizations, bearer(expired))).lines).toEqual([expect.objectContaining({ event: 'token.rejected', reason: 'expired' })]);
  });

  it('never writes a token or key, nor any segment of one, in any line', () => {
    const written = capture.text.join('\n');
    expect(security().length).toBeGreaterThan(8);
    for (const secret of secrets) {
      for (const part of [secret, ...secret.split('.').filter((segment) => segment.length >= 8)]) expect(written).not.toContain(part);
    }
  });
});
