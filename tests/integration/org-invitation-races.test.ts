import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, outboxTypes, startOrgHarness, type OrgHarness, type TestUser } from '../support/org-harness.ts';
import { uniqueEmail } from '../support/service-env.ts';

const DAY_MS = 24 * 3600 * 1000;
/** Each race below went wrong in nearly every round before the fix; ten rounds show it. */
const ROUNDS = 10;

describe('org invitations beside membership changes (real Postgres, auth)', () => {
  let sut: OrgHarness;
  let owner: TestUser;
  let organizationId: string;

  beforeAll(async () => {
    sut = await startOrgHarness();
    owner = await sut.registerUser('race-owner');
    organizationId = (await sut.client.createOrganization({ name: 'Races Ltd' }, as(owner.principal))).organization?.id ?? '';
  });
  afterAll(() => sut.stop());

  async function statusOf(invitationId: string | undefined): Promise<string | undefined> {
    const { rows } = await sut.db.query<{ status: string }>('select status from org.invitations where id = $1', [invitationId]);
    return rows[0]?.status;
  }

  async function memberRole(userId: string): Promise<string | undefined> {
    const { rows } = await sut.db.query<{ role: string }>('select role from org.members where organization_id = $1 and user_id = $2', [organizationId, userId]);
    return rows[0]?.role;
  }

  it("accepts an invitation while its sender is demoted or removed without a deadlock, and the two agree", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const sender = await sut.registerUser(`sender-${round}`);
      await sut.client.addMember({ organizationId, userId: sender.userId, role: 'ADMIN' }, as(owner.principal));
      const invitee = await sut.registerUser(`invitee-${round}`);
      const { invitation, token } = await sut.client.createInvitation({ organizationId, email: invitee.email, role: 'MEMBER' }, as(sender.principal));
      const change =
        round % 2 === 0
          ? sut.client.updateMemberRole({ organizationId, userId: sender.userId, role: 'MEMBER' }, as(owner.principal))
          : sut.client.removeMember({ organizationId, userId: sender.userId }, as(owner.principal));
      const [accepted, changed] = await Promise.allSettled([sut.client.acceptInvitation({ token }, as(invitee.principal)), change]);

      expect(changed).toMatchObject({ status: 'fulfilled' });
      if (accepted.status === 'fulfilled') {
        // The accept went first: the invitation was used, so nothing was left to revoke.
        expect([await statusOf(invitation?.id), await memberRole(invitee.userId)]).toEqual(['ACCEPTED', 'MEMBER']);
      } else {
        expect(accepted.reason).toMatchObject({ code: 'NOT_FOUND' });
        expect([await statusOf(invitation?.id), await memberRole(invitee.userId)]).toEqual(['REVOKED', undefined]);
      }
    }
  });

  it('never leaves an invitation pending from a sender demoted while sending it', async () => {
    const sender = await sut.registerUser('demoted-sender');
    await sut.client.addMember({ organizationId, userId: sender.userId, role: 'ADMIN' }, as(owner.principal));
    for (let round = 0; round < ROUNDS; round++) {
      const [created, demoted] = await Promise.allSettled([
        sut.client.createInvitation({ organizationId, email: uniqueEmail(`late-${round}`), role: 'ADMIN' }, as(sender.principal)),
        sut.client.updateMemberRole({ organizationId, userId: sender.userId, role: 'MEMBER' }, as(owner.principal)),
      ]);
      expect(demoted).toMatchObject({ status: 'fulfilled' });
      if (created.status === 'fulfilled') expect(await statusOf(created.value.invitation?.id)).toBe('REVOKED');
      else expect(created.reason).toMatchObject({ code: 'FORBIDDEN' });
      await sut.client.updateMemberRole({ organizationId, userId: sender.userId, role: 'ADMIN' }, as(owner.principal));
    }
  });

  it('never lets an admin add a member after being demoted: an add racing the demotion commits before it or is refused', async () => {
    const eventTime = async (type: string, userId: string) => {
      const { rows } = await sut.db.query<{ at: Date }>(
        "select created_at as at from org.outbox_events where type = $1 and payload->'data'->>'user_id' = $2 and payload->>'organization_id' = $3",
        [type, userId, organizationId],
      );
      return rows[0]?.at.getTime();
    };
    for (let round = 0; round < ROUNDS; round++) {
      const admin = await sut.registerUser(`adding-admin-${round}`);
      await sut.client.addMember({ organizationId, userId: admin.userId, role: 'ADMIN' }, as(owner.principal));
      const newcomer = await sut.registerUser(`newcomer-${round}`);
      const [added, demoted] = await Promise.allSettled([
        sut.client.addMember({ organizationId, userId: newcomer.userId, role: 'ADMIN' }, as(admin.principal)),
        sut.client.updateMemberRole({ organizationId, userId: admin.userId, role: 'MEMBER' }, as(owner.principal)),
      ]);
      expect(demoted).toMatchObject({ status: 'fulfilled' });
      if (added.status === 'rejected') expect(added.reason).toMatchObject({ code: 'FORBIDDEN' });
      else expect(await eventTime('org.member_added', newcomer.userId)).toBeLessThan((await eventTime('org.member_role_changed', admin.userId))!);
    }
  });

  it('revokes the invitations addressed to a member who is removed, so none brings them back', async () => {
    const member = await sut.registerUser('removed-member');
    await sut.client.addMember({ organizationId, userId: member.userId, role: 'MEMBER' }, as(owner.principal));
    // Sent while they were a member (the org service cannot tell an address belongs to one).
    const promotion = await sut.client.createInvitation({ organizationId, email: member.email, role: 'ADMIN' }, as(owner.principal));
    await sut.client.removeMember({ organizationId, userId: member.userId }, as(owner.principal));

    await expect(sut.client.acceptInvitation({ token: promotion.token }, as(member.principal))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await statusOf(promotion.invitation?.id)).toBe('REVOKED');
    expect((await outboxTypes(sut.db, organizationId)).slice(-2)).toEqual(['org.invitation_revoked', 'org.member_removed']);
  });

  it('revokes the invitations addressed to a user added directly', async () => {
    const user = await sut.registerUser('added-directly');
    const pending = await sut.client.createInvitation({ organizationId, email: user.email.toUpperCase(), role: 'ADMIN' }, as(owner.principal));
    await sut.client.addMember({ organizationId, userId: user.userId, role: 'MEMBER' }, as(owner.principal));
    expect(await statusOf(pending.invitation?.id)).toBe('REVOKED');
    expect(await memberRole(user.userId)).toBe('MEMBER');
  });

  it('changes nothing when an expired invitation is revoked', async () => {
    const { invitation } = await sut.client.createInvitation({ organizationId, email: uniqueEmail('expired'), role: 'MEMBER' }, as(owner.principal));
    const eventsBefore = (await outboxTypes(sut.db, organizationId)).length;
    sut.clock.advance(8 * DAY_MS);
    try {
      await sut.client.revokeInvitation({ organizationId, invitationId: invitation?.id ?? '' }, as(owner.principal));
      expect(await statusOf(invitation?.id)).toBe('PENDING'); // stored as sent; read as EXPIRED
      expect((await outboxTypes(sut.db, organizationId)).length).toBe(eventsBefore);
    } finally {
      sut.clock.advance(-8 * DAY_MS);
    }
  });
});
