import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invitation } from '#gen/egp/org/v1/org_service';
import { AppError } from '#libs/errors';
import { connectTestRedis, fakeClients, postJson, startTestGateway, type TestGateway, type TestRedis } from '../testing/harness.ts';
import { createSigningKey, signAccessToken, signServiceToken, TEST_ORGANIZATION_ID, type TestSigningKey } from '../testing/tokens.ts';
import { invitationRoutes } from './invitations.ts';

const invitationId = '0196b6c8-0000-7000-8000-0000000000b1';
const invitation: Invitation = {
  id: invitationId,
  organizationId: TEST_ORGANIZATION_ID,
  email: 'bob@example.com',
  role: 'ADMIN',
  status: 'PENDING',
  expiresAt: '2026-01-08T00:00:00.000Z',
  createdAt: '2026-01-01T00:00:00.000Z',
};
const invitationView = {
  id: invitationId,
  organization_id: TEST_ORGANIZATION_ID,
  email: 'bob@example.com',
  role: 'ADMIN',
  status: 'PENDING',
  expires_at: '2026-01-08T00:00:00.000Z',
  created_at: '2026-01-01T00:00:00.000Z',
};

describe(invitationRoutes.name, () => {
  let redis: TestRedis;
  let key: TestSigningKey;
  let sut: TestGateway;
  const requests: Array<{ rpc: string; request: unknown }> = [];

  beforeAll(async () => {
    redis = await connectTestRedis();
    key = await createSigningKey();
    const clients = fakeClients({
      org: {
        createInvitation: async (request) => {
          requests.push({ rpc: 'createInvitation', request });
          return { invitation, token: 'inv_secret' };
        },
        listInvitations: async () => ({ invitations: [invitation] }),
        revokeInvitation: async (request) => {
          requests.push({ rpc: 'revokeInvitation', request });
          return {};
        },
        acceptInvitation: async (request) => {
          if (request.token !== 'inv_secret') throw AppError.notFound('Invitation');
          return { member: { organizationId: TEST_ORGANIZATION_ID, userId: '0196b6c8-0000-7000-8000-000000000001', role: 'ADMIN', joinedAt: '2026-01-02T00:00:00.000Z' } };
        },
        listMyInvitations: async () => ({ invitations: [invitation] }),
      },
    });
    sut = await startTestGateway({ redis, signingKey: key, clients });
  });

  afterAll(async () => {
    await sut.close();
    await redis.close();
  });

  const url = (path: string) => `${sut.url}/api/v1${path}`;
  const auth = async (token?: string) => ({ Authorization: `Bearer ${token ?? (await signAccessToken(key))}` });
  const orgInvitations = `/organizations/${TEST_ORGANIZATION_ID}/invitations`;

  it('sends one: 201 with the token, shown this once', async () => {
    const response = await postJson(url(orgInvitations), { email: ' bob@example.com ', role: 'ADMIN' }, await auth());
    expect(response.status).toBe(201);
    const { created_at: _createdAt, ...shown } = invitationView;
    expect(await response.json()).toEqual({ ...shown, token: 'inv_secret' });
    expect(requests.at(-1)).toEqual({ rpc: 'createInvitation', request: { organizationId: TEST_ORGANIZATION_ID, email: 'bob@example.com', role: 'ADMIN' } });
  });

  it.each([
    [{ email: 'bob@example.com', role: 'OWNER' }, 'role'],
    [{ email: 'bob@example.com', role: 'MEMBER', user_id: '0196b6c8-0000-7000-8000-000000000001' }, 'user_id'],
  ])('refuses %j', async (body, field) => {
    const response = await postJson(url(orgInvitations), body, await auth());
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ field }] });
  });

  it('lists without tokens', async () => {
    const response = await fetch(url(orgInvitations), { headers: await auth() });
    expect(await response.json()).toEqual({ data: [invitationView], next_cursor: null });
  });

  it('revokes with 204; a non-UUID invitation id is a 404', async () => {
    const revoke = async (id: string) => fetch(url(`${orgInvitations}/${id}`), { method: 'DELETE', headers: await auth() });
    expect((await revoke(invitationId)).status).toBe(204);
    expect(requests.at(-1)).toEqual({ rpc: 'revokeInvitation', request: { organizationId: TEST_ORGANIZATION_ID, invitationId } });
    expect((await revoke('inv-1')).status).toBe(404);
  });

  it('accepts with the user token: 200 member; a spent token is a 404', async () => {
    const response = await postJson(url('/invitations/accept'), { token: 'inv_secret' }, await auth());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      custom_data: {},
      joined_at: '2026-01-02T00:00:00.000Z',
      organization_id: TEST_ORGANIZATION_ID,
      role: 'ADMIN',
      user_id: '0196b6c8-0000-7000-8000-000000000001',
    });
    expect((await postJson(url('/invitations/accept'), { token: 'spent' }, await auth())).status).toBe(404);
  });

  it('needs a signed-in caller', async () => {
    expect((await fetch(url(`${orgInvitations}/${invitationId}`), { method: 'DELETE' })).status).toBe(401);
    expect((await fetch(url('/invitations'))).status).toBe(401);
  });

  it("does not accept with a service token: that is not the user's own sign-in", async () => {
    expect((await postJson(url('/invitations/accept'), { token: 'inv_secret' }, await auth(await signServiceToken(key)))).status).toBe(403);
  });

  it("lists the caller's pending invitations", async () => {
    const response = await fetch(url('/invitations'), { headers: await auth() });
    expect(await response.json()).toEqual({ data: [invitationView], next_cursor: null });
  });
});
