import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, outboxTypes, startOrgHarness, type OrgHarness, type TestUser } from '../support/org-harness.ts';

describe('org members, roles and the last owner (real Postgres, auth)', () => {
  let sut: OrgHarness;
  let alice: TestUser, bob: TestUser, carol: TestUser;

  beforeAll(async () => {
    sut = await startOrgHarness();
    [alice, bob, carol] = await sut.registerUsers('alice', 'bob', 'carol');
  });
  afterAll(() => sut.stop());

  async function organizationOf(owner: TestUser, members: [TestUser, 'OWNER' | 'ADMIN' | 'MEMBER'][] = []): Promise<string> {
    const organizationId = (await sut.client.createOrganization({ name: 'Members Inc' }, as(owner.principal))).organization?.id ?? '';
    for (const [user, role] of members) {
      await sut.client.addMember({ organizationId, userId: user.userId, role: role === 'OWNER' ? 'ADMIN' : role }, as(owner.principal));
      if (role === 'OWNER') await sut.client.updateMemberRole({ organizationId, userId: user.userId, role }, as(owner.principal));
    }
    return organizationId;
  }

  async function ownersOf(organizationId: string): Promise<string[]> {
    const { members } = await sut.client.listMembers({ organizationId }, as(alice.principal));
    return members.filter((member) => member.role === 'OWNER').map((member) => member.userId);
  }

  it('adds existing users as MEMBER or ADMIN only, once, and returns the member', async () => {
    const organizationId = await organizationOf(alice);
    const { member } = await sut.client.addMember({ organizationId, userId: bob.userId, role: 'MEMBER' }, as(alice.principal));
    expect(member).toMatchObject({ organizationId, userId: bob.userId, role: 'MEMBER' });
    expect(Date.parse(member?.joinedAt ?? '')).not.toBeNaN();
    await expect(sut.client.addMember({ organizationId, userId: bob.userId, role: 'ADMIN' }, as(alice.principal))).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(sut.client.addMember({ organizationId, userId: carol.userId, role: 'OWNER' }, as(alice.principal))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [expect.objectContaining({ field: 'role' })],
    });
    await expect(sut.client.addMember({ organizationId, userId: '0190f0f0-0000-7000-8000-000000000000', role: 'MEMBER' }, as(alice.principal))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses to demote or remove the only owner (CONFLICT)', async () => {
    const organizationId = await organizationOf(alice, [[bob, 'ADMIN']]);
    await expect(sut.client.updateMemberRole({ organizationId, userId: alice.userId, role: 'ADMIN' }, as(alice.principal))).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(sut.client.removeMember({ organizationId, userId: alice.userId }, as(alice.principal))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await ownersOf(organizationId)).toEqual([alice.userId]);
  });

  it('lets only an OWNER grant, remove or touch OWNER; ADMIN manages MEMBER and ADMIN', async () => {
    const organizationId = await organizationOf(alice, [[bob, 'ADMIN'], [carol, 'MEMBER']]);
    const asBob = as(bob.principal);
    await expect(sut.client.updateMemberRole({ organizationId, userId: carol.userId, role: 'OWNER' }, asBob)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(sut.client.updateMemberRole({ organizationId, userId: alice.userId, role: 'ADMIN' }, asBob)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(sut.client.removeMember({ organizationId, userId: alice.userId }, asBob)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(sut.client.updateMemberRole({ organizationId, userId: carol.userId, role: 'ADMIN' }, asBob)).resolves.toMatchObject({ member: { role: 'ADMIN' } });
    await expect(sut.client.updateMemberRole({ organizationId, userId: carol.userId, role: 'MEMBER' }, asBob)).resolves.toMatchObject({ member: { role: 'MEMBER' } });
    await expect(sut.client.updateMemberRole({ organizationId, userId: carol.userId, role: 'KING' }, asBob)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(sut.client.updateMemberRole({ organizationId, userId: bob.userId, role: 'OWNER' }, as(alice.principal))).resolves.toMatchObject({ member: { role: 'OWNER' } });
    // With a second owner, the first may step down.
    await sut.client.updateMemberRole({ organizationId, userId: alice.userId, role: 'MEMBER' }, as(alice.principal));
    expect(await ownersOf(organizationId)).toEqual([bob.userId]);
  });

  it('lets any member leave, but a MEMBER removes no one else', async () => {
    const organizationId = await organizationOf(alice, [[bob, 'MEMBER'], [carol, 'MEMBER']]);
    await expect(sut.client.removeMember({ organizationId, userId: carol.userId }, as(bob.principal))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await sut.client.removeMember({ organizationId, userId: bob.userId }, as(bob.principal));
    await expect(sut.client.getOrganization({ organizationId }, as(bob.principal))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(sut.client.removeMember({ organizationId, userId: bob.userId }, as(alice.principal))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lets exactly one of two owners demoting each other concurrently succeed', async () => {
    for (let round = 0; round < 5; round += 1) {
      const organizationId = await organizationOf(alice, [[bob, 'OWNER']]);
      const outcomes = await Promise.allSettled([
        sut.client.updateMemberRole({ organizationId, userId: bob.userId, role: 'ADMIN' }, as(alice.principal)),
        sut.client.updateMemberRole({ organizationId, userId: alice.userId, role: 'ADMIN' }, as(bob.principal)),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      expect(await ownersOf(organizationId)).toHaveLength(1);
    }
  });

  it('lets exactly one of two owners leaving concurrently succeed', async () => {
    const organizationId = await organizationOf(alice, [[bob, 'OWNER']]);
    const outcomes = await Promise.allSettled([
      sut.client.removeMember({ organizationId, userId: alice.userId }, as(alice.principal)),
      sut.client.removeMember({ organizationId, userId: bob.userId }, as(bob.principal)),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((outcome) => outcome.status === 'rejected')).toMatchObject({ reason: { code: 'CONFLICT' } });
  });

  it('pages members with an opaque cursor and bounded limits', async () => {
    const organizationId = await organizationOf(alice, [[bob, 'MEMBER'], [carol, 'ADMIN']]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await sut.client.listMembers({ organizationId, page: { limit: 2, cursor } }, as(alice.principal));
      expect(page.members.length).toBeLessThanOrEqual(2);
      seen.push(...page.members.map((member) => member.userId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([alice.userId, bob.userId, carol.userId].sort());
    await expect(sut.client.listMembers({ organizationId, page: { limit: 101 } }, as(alice.principal))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(sut.client.listMembers({ organizationId, page: { limit: 10, cursor: 'not-ours' } }, as(alice.principal))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('records org.created, member_added, member_role_changed and member_removed in the outbox', async () => {
    const organizationId = await organizationOf(alice);
    await sut.client.addMember({ organizationId, userId: bob.userId, role: 'MEMBER' }, as(alice.principal));
    await sut.client.updateMemberRole({ organizationId, userId: bob.userId, role: 'ADMIN' }, as(alice.principal));
    await sut.client.removeMember({ organizationId, userId: bob.userId }, as(alice.principal));
    expect(await outboxTypes(sut.db, organizationId)).toEqual(['org.created', 'org.member_added', 'org.member_added', 'org.member_role_changed', 'org.member_removed']);
    const { rows } = await sut.db.query<{ payload: unknown }>("select payload from org.outbox_events where type = 'org.member_role_changed' and payload->>'organization_id' = $1", [organizationId]);
    expect(rows[0]?.payload).toMatchObject({ data: { user_id: bob.userId, role: 'ADMIN', previous_role: 'MEMBER' } });
  });
});
