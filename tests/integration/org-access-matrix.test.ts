import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '#libs/identity';
import {
  anonymousPrincipal,
  apiKeyPrincipal,
  as,
  internalPrincipal,
  serviceTokenPrincipal,
  startOrgHarness,
  type OrgHarness,
  type TestUser,
} from '../support/org-harness.ts';

type Role = 'OWNER' | 'ADMIN' | 'MEMBER';
const rank: Record<Role, number> = { MEMBER: 1, ADMIN: 2, OWNER: 3 };

const validSettings = (organizationId: string) => ({
  organizationId,
  loginMethods: ['email_password'],
  passwordPolicy: '{"minLength":10}',
  require2fa: false,
  ssoEnabled: false,
  updatedAt: '',
});

describe('org service authorization (role × RPC, cross-tenant)', () => {
  let sut: OrgHarness;
  let owner: TestUser, admin: TestUser, member: TestUser, stranger: TestUser;
  let orgA: string, orgB: string;

  beforeAll(async () => {
    sut = await startOrgHarness();
    [owner, admin, member, stranger] = await sut.registerUsers('owner', 'admin', 'member', 'stranger');
    orgA = (await sut.client.createOrganization({ name: 'Tenant A' }, as(owner.principal))).organization?.id ?? '';
    orgB = (await sut.client.createOrganization({ name: 'Tenant B' }, as(stranger.principal))).organization?.id ?? '';
    await sut.client.addMember({ organizationId: orgA, userId: admin.userId, role: 'ADMIN' }, as(owner.principal));
    await sut.client.addMember({ organizationId: orgA, userId: member.userId, role: 'MEMBER' }, as(owner.principal));
    // The owner of A is also an ADMIN of B: a service token bound to B must still not reach A.
    await sut.client.addMember({ organizationId: orgB, userId: owner.userId, role: 'ADMIN' }, as(stranger.principal));
  });
  afterAll(() => sut.stop());

  /** A user added to org A by its owner, so calls that change a member have a fresh target. */
  async function freshMember(): Promise<string> {
    const user = await sut.registerUser('target');
    await sut.client.addMember({ organizationId: orgA, userId: user.userId, role: 'MEMBER' }, as(owner.principal));
    return user.userId;
  }

  async function freshInvitation(): Promise<string> {
    const { invitation } = await sut.client.createInvitation({ organizationId: orgA, email: `inv-${crypto.randomUUID()}@example.test`, role: 'MEMBER' }, as(owner.principal));
    return invitation?.id ?? '';
  }

  /** Every RPC scoped to org A, with the lowest role allowed to call it. */
  const orgRpcs: { rpc: string; minimum: Role; call: (principal: Principal) => Promise<unknown> }[] = [
    { rpc: 'GetOrganization', minimum: 'MEMBER', call: (p) => sut.client.getOrganization({ organizationId: orgA }, as(p)) },
    { rpc: 'ListMembers', minimum: 'MEMBER', call: (p) => sut.client.listMembers({ organizationId: orgA }, as(p)) },
    { rpc: 'GetMember', minimum: 'MEMBER', call: (p) => sut.client.getMember({ organizationId: orgA, userId: owner.userId }, as(p)) },
    { rpc: 'GetSettings', minimum: 'ADMIN', call: (p) => sut.client.getSettings({ organizationId: orgA }, as(p)) },
    { rpc: 'UpdateSettings', minimum: 'ADMIN', call: (p) => sut.client.updateSettings({ settings: validSettings(orgA) }, as(p)) },
    {
      rpc: 'AddMember',
      minimum: 'ADMIN',
      call: async (p) => sut.client.addMember({ organizationId: orgA, userId: (await sut.registerUser('add')).userId, role: 'MEMBER' }, as(p)),
    },
    { rpc: 'UpdateMemberRole', minimum: 'ADMIN', call: async (p) => sut.client.updateMemberRole({ organizationId: orgA, userId: await freshMember(), role: 'ADMIN' }, as(p)) },
    { rpc: 'RemoveMember', minimum: 'ADMIN', call: async (p) => sut.client.removeMember({ organizationId: orgA, userId: await freshMember() }, as(p)) },
    { rpc: 'CreateInvitation', minimum: 'ADMIN', call: (p) => sut.client.createInvitation({ organizationId: orgA, email: 'matrix@example.test', role: 'MEMBER' }, as(p)) },
    { rpc: 'ListInvitations', minimum: 'ADMIN', call: (p) => sut.client.listInvitations({ organizationId: orgA }, as(p)) },
    { rpc: 'RevokeInvitation', minimum: 'ADMIN', call: async (p) => sut.client.revokeInvitation({ organizationId: orgA, invitationId: await freshInvitation() }, as(p)) },
  ];

  it.each(orgRpcs)('$rpc: allowed from $minimum up, FORBIDDEN below, NOT_FOUND for a stranger', async ({ minimum, call }) => {
    const callers: [Role | 'STRANGER', TestUser][] = [['OWNER', owner], ['ADMIN', admin], ['MEMBER', member], ['STRANGER', stranger]];
    for (const [role, user] of callers) {
      const outcome = call(user.principal);
      if (role === 'STRANGER') await expect(outcome, role).rejects.toMatchObject({ code: 'NOT_FOUND' });
      else if (rank[role] >= rank[minimum]) await expect(outcome, role).resolves.toBeDefined();
      else await expect(outcome, role).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it.each(orgRpcs)('$rpc: NOT_FOUND for a service token bound to another organization and for another tenant\'s API key', async ({ call }) => {
    await expect(call(serviceTokenPrincipal(owner.userId, orgB))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call(apiKeyPrincipal(orgB, ['members:read', 'system_data:write']))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call(anonymousPrincipal)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(call(internalPrincipal)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('lets a service token act as its user inside the organization it is bound to', async () => {
    const bound = serviceTokenPrincipal(owner.userId, orgA);
    await expect(sut.client.getSettings({ organizationId: orgA }, as(bound))).resolves.toBeDefined();
    const { organizations } = await sut.client.listMyOrganizations({}, as(bound));
    expect(organizations.map((organization) => organization.id)).toEqual([orgA]);
    await expect(sut.client.createOrganization({ name: 'Via service token' }, as(bound))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const unbound: Principal = { kind: 'user', userId: owner.userId, sessionId: 'test-session', tokenType: 'service' };
    await expect(sut.client.listMyOrganizations({}, as(unbound))).resolves.toMatchObject({ organizations: [] });
    await expect(sut.client.getOrganization({ organizationId: orgA }, as(unbound))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("never lets a service token exceed the scopes it was narrowed to, whatever the user's role", async () => {
    const readOnly = serviceTokenPrincipal(owner.userId, orgA, ['members:read']);
    await expect(sut.client.getOrganization({ organizationId: orgA }, as(readOnly))).resolves.toBeDefined();
    await expect(sut.client.listMembers({ organizationId: orgA }, as(readOnly))).resolves.toBeDefined();
    await expect(sut.client.getSettings({ organizationId: orgA }, as(readOnly))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(sut.client.createInvitation({ organizationId: orgA, email: 'scoped@example.test', role: 'ADMIN' }, as(readOnly))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(sut.client.updateMemberRole({ organizationId: orgA, userId: owner.userId, role: 'ADMIN' }, as(readOnly))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const noScopes = serviceTokenPrincipal(owner.userId, orgA, []);
    await expect(sut.client.getOrganization({ organizationId: orgA }, as(noScopes))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // Scope checks come after membership: another tenant still sees NOT_FOUND.
    await expect(sut.client.getOrganization({ organizationId: orgB }, as(readOnly))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lets an API key read members only with members:read, and nothing else', async () => {
    const reader = apiKeyPrincipal(orgA, ['members:read']);
    const { members } = await sut.client.listMembers({ organizationId: orgA }, as(reader));
    expect(members.map((m) => m.userId)).toEqual(expect.arrayContaining([owner.userId, admin.userId, member.userId]));
    await expect(sut.client.getMember({ organizationId: orgA, userId: admin.userId }, as(reader))).resolves.toMatchObject({ member: { role: 'ADMIN' } });
    await expect(sut.client.listMembers({ organizationId: orgA }, as(apiKeyPrincipal(orgA, ['system_data:read'])))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    for (const rpc of orgRpcs.filter(({ rpc }) => rpc !== 'ListMembers' && rpc !== 'GetMember')) {
      await expect(rpc.call(reader), rpc.rpc).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it('turns every unknown or malformed organization id into NOT_FOUND', async () => {
    await expect(sut.client.getOrganization({ organizationId: '0190f0f0-0000-7000-8000-000000000000' }, as(owner.principal))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(sut.client.getOrganization({ organizationId: "' or 1=1 --" }, as(owner.principal))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(sut.client.getMember({ organizationId: orgA, userId: 'nope' }, as(owner.principal))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reads roles from the database on every call: a demoted admin loses access at once', async () => {
    const user = await sut.registerUser('demoted');
    await sut.client.addMember({ organizationId: orgA, userId: user.userId, role: 'ADMIN' }, as(owner.principal));
    await expect(sut.client.getSettings({ organizationId: orgA }, as(user.principal))).resolves.toBeDefined();
    await sut.client.updateMemberRole({ organizationId: orgA, userId: user.userId, role: 'MEMBER' }, as(owner.principal));
    await expect(sut.client.getSettings({ organizationId: orgA }, as(user.principal))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await sut.client.removeMember({ organizationId: orgA, userId: user.userId }, as(owner.principal));
    await expect(sut.client.getOrganization({ organizationId: orgA }, as(user.principal))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps user-only RPCs for users and internal RPCs for services', async () => {
    for (const principal of [apiKeyPrincipal(orgA, ['members:read']), internalPrincipal]) {
      await expect(sut.client.createOrganization({ name: 'x' }, as(principal))).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(sut.client.listMyOrganizations({}, as(principal))).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(sut.client.listMyInvitations({}, as(principal))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    await expect(sut.client.createOrganization({ name: 'x' }, as(anonymousPrincipal))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(sut.client.acceptInvitation({ token: 'x' }, as(anonymousPrincipal))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(sut.client.getAccess({ organizationId: orgA, userId: owner.userId }, as(owner.principal))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(sut.client.getPasswordPolicyForUser({ userId: owner.userId }, as(owner.principal))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(sut.client.getAccess({ organizationId: orgA, userId: stranger.userId }, as(internalPrincipal))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(sut.client.getAccess({ organizationId: orgA, userId: admin.userId }, as(internalPrincipal))).resolves.toMatchObject({ role: 'ADMIN' });
  });
});
