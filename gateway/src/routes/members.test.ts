import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '#gen/egp/org/v1/org_service';
import { AppError } from '#libs/errors';
import { connectTestRedis, fakeClients, postJson, startTestGateway, type TestGateway, type TestRedis } from '../testing/harness.ts';
import { seedMemberResponse } from '../testing/seeds.ts';
import { createSigningKey, signAccessToken, TEST_ORGANIZATION_ID, type TestSigningKey } from '../testing/tokens.ts';
import { memberRoutes } from './members.ts';

const orgId = seedMemberResponse.organization_id;
const userId = seedMemberResponse.user_id;
const memberUserId = '0196b6c8-0000-7000-8000-000000000007';
const unknownUserId = '0196b6c8-0000-7000-8000-00000000dead';
const seedMember: Member = { organizationId: orgId, userId, role: 'MEMBER', joinedAt: seedMemberResponse.joined_at };

describe(memberRoutes.name, () => {
  let redis: TestRedis;
  let key: TestSigningKey;
  let sut: TestGateway;
  const requests: Array<{ rpc: string; request: unknown }> = [];

  beforeAll(async () => {
    redis = await connectTestRedis();
    key = await createSigningKey();
    const clients = fakeClients({
      org: {
        addMember: async (request) => {
          requests.push({ rpc: 'addMember', request });
          if (request.userId === unknownUserId) throw AppError.notFound('User');
          if (request.userId === memberUserId) throw AppError.conflict('The user is already a member.');
          return { member: { ...seedMember, organizationId: request.organizationId, role: request.role } };
        },
        listMembers: async (request) => {
          requests.push({ rpc: 'listMembers', request });
          return { members: [seedMember], nextCursor: 'next' };
        },
        getMember: async () => ({ member: seedMember }),
        updateMemberRole: async (request) => {
          requests.push({ rpc: 'updateMemberRole', request });
          return { member: { ...seedMember, role: request.role } };
        },
        removeMember: async (request) => {
          requests.push({ rpc: 'removeMember', request });
          return {};
        },
      },
    });
    sut = await startTestGateway({ redis, signingKey: key, clients });
  });

  afterAll(async () => {
    await sut.close();
    await redis.close();
  });

  const url = (path: string) => `${sut.url}/api/v1/organizations/${orgId}/members${path}`;
  const auth = async () => ({ Authorization: `Bearer ${await signAccessToken(key)}` });
  const send = async (method: string, path: string, body?: unknown) =>
    fetch(url(path), { method, headers: { 'content-type': 'application/json', ...(await auth()) }, body: body === undefined ? undefined : JSON.stringify(body) });

  it("adds a member: 201 with the seed's response, to the letter", async () => {
    const response = await postJson(url(''), { user_id: userId, role: 'MEMBER' }, await auth());
    expect(response.status).toBe(201);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual(seedMemberResponse);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(Object.keys(seedMemberResponse));
    expect(requests.at(-1)).toEqual({ rpc: 'addMember', request: { organizationId: orgId, userId, role: 'MEMBER' } });
  });

  it('answers 404 for an unknown user and 409 for a member', async () => {
    expect((await postJson(url(''), { user_id: unknownUserId, role: 'MEMBER' }, await auth())).status).toBe(404);
    expect((await postJson(url(''), { user_id: memberUserId, role: 'ADMIN' }, await auth())).status).toBe(409);
  });

  it("ignores the body's organization_id: the path decides", async () => {
    const response = await postJson(url(''), { user_id: userId, role: 'ADMIN', organization_id: TEST_ORGANIZATION_ID }, await auth());
    expect(response.status).toBe(201);
    expect(requests.at(-1)!.request).toMatchObject({ organizationId: orgId });
  });

  it.each([
    ['OWNER as the role', { user_id: userId, role: 'OWNER' }, 'role'],
    ['an owner_id', { user_id: userId, role: 'MEMBER', owner_id: userId }, 'owner_id'],
    ['custom_data', { user_id: userId, role: 'MEMBER', custom_data: { vip: true } }, 'custom_data'],
  ])('refuses %s when adding', async (_case, body, field) => {
    const response = await postJson(url(''), body, await auth());
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ field }] });
  });

  it('lists members as {data, next_cursor}', async () => {
    const response = await fetch(url('?limit=2'), { headers: await auth() });
    expect(await response.json()).toEqual({ data: [seedMemberResponse], next_cursor: 'next' });
    expect(requests.at(-1)).toEqual({ rpc: 'listMembers', request: { organizationId: orgId, page: { limit: 2, cursor: undefined } } });
  });

  it('gets one member', async () => {
    const response = await fetch(url(`/${userId}`), { headers: await auth() });
    expect(await response.json()).toEqual(seedMemberResponse);
  });

  it('changes a role, and refuses a user_id in the body', async () => {
    const response = await send('PUT', `/${userId}`, { role: 'ADMIN' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ...seedMemberResponse, role: 'ADMIN' });
    expect(requests.at(-1)).toEqual({ rpc: 'updateMemberRole', request: { organizationId: orgId, userId, role: 'ADMIN' } });
    expect((await send('PUT', `/${userId}`, { role: 'ADMIN', user_id: memberUserId })).status).toBe(400);
  });

  it('removes a member with 204 and no body', async () => {
    const response = await send('DELETE', `/${userId}`);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(requests.at(-1)).toEqual({ rpc: 'removeMember', request: { organizationId: orgId, userId } });
  });

  it.each([
    ['GET', '/me'],
    ['PUT', '/1'],
    ['DELETE', '/not-a-user'],
  ])('answers %s of a member path id that is not a UUID (%s) with 404', async (method, path) => {
    const before = requests.length;
    const response = await send(method, path, method === 'PUT' ? { role: 'MEMBER' } : undefined);
    expect(response.status).toBe(404);
    expect(requests.length).toBe(before);
  });
});
