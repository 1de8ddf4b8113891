import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RevokeSessionsRequest } from '#gen/egp/auth/v1/auth_service';
import { AppError } from '#libs/errors';
import type { CallOptions } from '#libs/grpc';
import { connectTestRedis, fakeClients, postJson, startTestGateway, type TestGateway, type TestRedis } from '../testing/harness.ts';
import { createSigningKey, signAccessToken, signServiceToken, type TestSigningKey } from '../testing/tokens.ts';
import { userSessionRoutes } from './user-sessions.ts';

const otherSession = '0196b6c8-0000-7000-8000-0000000000b2';
const session = {
  id: '0196b6c8-0000-7000-8000-0000000000b1',
  amr: ['pwd'],
  createdAt: '2026-11-01T10:00:00.000Z',
  lastActiveAt: '2026-11-02T10:00:00.000Z',
  expiresAt: '2026-12-02T10:00:00.000Z',
  current: true,
};

describe(userSessionRoutes.name, () => {
  let redis: TestRedis;
  let key: TestSigningKey;
  let sut: TestGateway;
  const listed: CallOptions[] = [];
  const revoked: RevokeSessionsRequest[] = [];

  beforeAll(async () => {
    redis = await connectTestRedis();
    key = await createSigningKey();
    const clients = fakeClients({
      auth: {
        listSessions: async (_request, options) => {
          listed.push(options);
          return { sessions: [session, { ...session, id: otherSession, current: false, amr: ['siwe'] }] };
        },
        revokeSessions: async (request) => {
          revoked.push(request);
          if (request.currentPassword !== 'right') {
            throw AppError.validation('The current password is incorrect.', [{ field: 'current_password', message: 'is incorrect' }]);
          }
          return { revokedSessionIds: request.allOthers ? [otherSession] : request.sessionIds.filter((id) => id === otherSession) };
        },
      },
    });
    sut = await startTestGateway({ redis, signingKey: key, clients, revocationMirror: true });
  });

  afterAll(async () => {
    await sut.close();
    await redis.close();
  });

  const bearer = async (sid = 'session-1') => ({ Authorization: `Bearer ${await signAccessToken(key, { claims: { sid } })}` });
  const list = async (headers: Record<string, string>) => fetch(`${sut.url}/api/v1/users/me/sessions`, { headers });
  const revoke = async (body: unknown, headers: Record<string, string>) => postJson(`${sut.url}/api/v1/users/me/sessions/revoke`, body, headers);

  it('lists the sessions in the documented shape, as a retryable read', async () => {
    const response = await list(await bearer());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      sessions: [
        { id: session.id, current: true, amr: ['pwd'], created_at: session.createdAt, last_active_at: session.lastActiveAt, expires_at: session.expiresAt },
        { id: otherSession, current: false, amr: ['siwe'], created_at: session.createdAt, last_active_at: session.lastActiveAt, expires_at: session.expiresAt },
      ],
    });
    expect(listed.at(-1)).toMatchObject({ idempotent: true, principal: { kind: 'user', sessionId: 'session-1', tokenType: 'access' } });
  });

  it('ends the sessions named, and refuses their access tokens on this gateway at once', async () => {
    const before = await list(await bearer(otherSession));
    expect(before.status).toBe(200);
    const response = await revoke({ current_password: 'right', session_ids: [otherSession] }, await bearer());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ revoked_session_ids: [otherSession] });
    expect(revoked.at(-1)).toEqual({ currentPassword: 'right', sessionIds: [otherSession], allOthers: false });
    expect((await list(await bearer(otherSession))).status).toBe(401);
  });

  it('passes all_others on, with no ids', async () => {
    expect((await revoke({ current_password: 'right', all_others: true }, await bearer())).status).toBe(200);
    expect(revoked.at(-1)).toEqual({ currentPassword: 'right', sessionIds: [], allOthers: true });
  });

  it.each([
    ['neither target', { current_password: 'right' }],
    ['both targets', { current_password: 'right', session_ids: [otherSession], all_others: true }],
    ['all_others: false', { current_password: 'right', all_others: false }],
    ['an empty id list', { current_password: 'right', session_ids: [] }],
    ['an id that is not a UUID', { current_password: 'right', session_ids: ['abc'] }],
    ['no password', { session_ids: [otherSession] }],
    ['an unknown field', { current_password: 'right', all_others: true, user_id: otherSession }],
  ])('refuses a body with %s (400), calling nothing', async (_case, body) => {
    const calls = revoked.length;
    const response = await revoke(body, await bearer());
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(revoked).toHaveLength(calls);
  });

  it("answers auth's wrong-password refusal as a 400 on current_password", async () => {
    const response = await revoke({ current_password: 'wrong', all_others: true }, await bearer());
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ field: 'current_password', message: 'is incorrect' }] });
  });

  it("needs the user's own access token: 401 without one, 403 for a service token", async () => {
    expect((await list({})).status).toBe(401);
    expect((await revoke({ current_password: 'right', all_others: true }, {})).status).toBe(401);
    const service = { Authorization: `Bearer ${await signServiceToken(key)}` };
    expect((await list(service)).status).toBe(403);
    expect((await revoke({ current_password: 'right', all_others: true }, service)).status).toBe(403);
  });
});
