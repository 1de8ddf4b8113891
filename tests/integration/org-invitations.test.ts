import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, outboxTypes, startOrgHarness, type OrgHarness, type TestUser } from '../support/org-harness.ts';
import { uniqueEmail } from '../support/service-env.ts';

const DAY_MS = 24 * 3600 * 1000;

describe('org invitations (real Postgres, auth, injected clock)', () => {
  let sut: OrgHarness;
  let owner: TestUser;
  let organizationId: string;

  beforeAll(async () => {
    sut = await startOrgHarness();
    owner = await sut.registerUser('inviter');
    organizationId = (await sut.client.createOrganization({ name: 'Invites Ltd' }, as(owner.principal))).organization?.id ?? '';
  });
  afterAll(() => sut.stop());

  function invite(email: string, role = 'MEMBER') {
    return sut.client.createInvitation({ organizationId, email, role }, as(owner.principal));
  }

  it('returns the token once, stores only its SHA-256 and sends it in the event as an accept-URL fragment', async () => {
    const email = uniqueEmail('Invitee');
    const { invitation, token } = await invite(email, 'ADMIN');
    expect(token).toMatch(/^egp_inv_[A-Za-z0-9_-]{43}$/);
    expect(invitation).toMatchObject({ organizationId, email, role: 'ADMIN', status: 'PENDING' });
    expect(Date.parse(invitation?.expiresAt ?? '') - Date.now()).toBeGreaterThan(7 * DAY_MS - 60_000);

    const { rows } = await sut.db.query<{ row: { token_hash: string } }>('select to_jsonb(i) as row from org.invitations i where id = $1', [invitation?.id]);
    expect(rows[0]?.row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows[0]?.row)).not.toContain(token);

    const events = await sut.db.query<{ payload: { data: unknown } }>("select payload from org.outbox_events where type = 'org.invitation_created' and payload->'data'->>'invitation_id' = $1", [invitation?.id]);
    expect(events.rows[0]?.payload.data).toMatchObject({
      organization_id: organizationId,
      email,
      role: 'ADMIN',
      organization_name: 'Invites Ltd',
      accept_url: `${sut.config.INVITATION_ACCEPT_URL}#token=${token}`,
      expires_at: invitation?.expiresAt,
    });
    // Only inside the link: not a second time as a field of its own.
    expect(events.rows[0]?.payload.data).not.toHaveProperty('token');
  });

  it('lists invitations with their status and never a token or hash', async () => {
    const { token } = await invite(uniqueEmail('listed'));
    const { invitations } = await sut.client.listInvitations({ organizationId }, as(owner.principal));
    expect(invitations.length).toBeGreaterThan(0);
    const serialized = JSON.stringify(invitations);
    expect(serialized).not.toContain(token);
    expect(serialized).not.toContain(createHash('sha256').update(token).digest('hex'));
    for (const invitation of invitations) expect(Object.keys(invitation).sort()).toEqual(['createdAt', 'email', 'expiresAt', 'id', 'organizationId', 'role', 'status']);
  });

  it('accepts once for the matching email (any case), adds the member and emits both events', async () => {
    const invitee = await sut.registerUser('accept');
    const { token } = await invite(invitee.email.toUpperCase(), 'ADMIN');
    const intruder = await sut.registerUser('intruder');
    await expect(sut.client.acceptInvitation({ token }, as(intruder.principal))).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const { member } = await sut.client.acceptInvitation({ token }, as(invitee.principal));
    expect(member).toMatchObject({ organizationId, userId: invitee.userId, role: 'ADMIN' });
    await expect(sut.client.acceptInvitation({ token }, as(invitee.principal))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await outboxTypes(sut.db, organizationId)).slice(-2)).toEqual(['org.invitation_accepted', 'org.member_added']);
  });

  it('lets exactly one of two concurrent accepts of one token win', async () => {
    const invitee = await sut.registerUser('race');
    const { token } = await invite(invitee.email);
    const outcomes = await Promise.allSettled([sut.client.acceptInvitation({ token }, as(invitee.principal)), sut.client.acceptInvitation({ token }, as(invitee.principal))]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
  });

  it('refuses an existing member (CONFLICT), malformed tokens and unknown tokens (NOT_FOUND)', async () => {
    await expect(sut.client.acceptInvitation({ token: 'egp_inv_' + 'A'.repeat(43) }, as(owner.principal))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(sut.client.acceptInvitation({ token: 'garbage' }, as(owner.principal))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const { token } = await invite(owner.email);
    await expect(sut.client.acceptInvitation({ token }, as(owner.principal))).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('revokes: the token stops working, revoking again is a no-op, unknown or foreign ids are NOT_FOUND', async () => {
    const invitee = await sut.registerUser('revoked');
    const { invitation, token } = await invite(invitee.email);
    await sut.client.revokeInvitation({ organizationId, invitationId: invitation?.id ?? '' }, as(owner.principal));
    await sut.client.revokeInvitation({ organizationId, invitationId: invitation?.id ?? '' }, as(owner.principal));
    await expect(sut.client.acceptInvitation({ token }, as(invitee.principal))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await outboxTypes(sut.db, organizationId)).filter((type) => type === 'org.invitation_revoked').length).toBeGreaterThanOrEqual(1);

    const other = (await sut.client.createOrganization({ name: 'Other' }, as(invitee.principal))).organization?.id ?? '';
    const foreign = await sut.client.createInvitation({ organizationId: other, email: uniqueEmail('x'), role: 'MEMBER' }, as(invitee.principal));
    await expect(sut.client.revokeInvitation({ organizationId, invitationId: foreign.invitation?.id ?? '' }, as(owner.principal))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(sut.client.revokeInvitation({ organizationId, invitationId: '0190f0f0-0000-7000-8000-000000000000' }, as(owner.principal))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("revokes a member's pending invitations when they lose the right to invite: demoted to MEMBER or removed", async () => {
    const admin = await sut.registerUser('departing-admin');
    await sut.client.addMember({ organizationId, userId: admin.userId, role: 'ADMIN' }, as(owner.principal));
    const alt = await sut.registerUser('alt-account');
    const byAdmin = await sut.client.createInvitation({ organizationId, email: alt.email, role: 'ADMIN' }, as(admin.principal));
    const byOwner = await invite(uniqueEmail('kept'));

    // Demoted to MEMBER: the admin's invitation goes, the owner's stays.
    await sut.client.updateMemberRole({ organizationId, userId: admin.userId, role: 'MEMBER' }, as(owner.principal));
    await expect(sut.client.acceptInvitation({ token: byAdmin.token }, as(alt.principal))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const { invitations } = await sut.client.listInvitations({ organizationId, page: { limit: 100, cursor: '' } }, as(owner.principal));
    const statusOf = (id: string | undefined) => invitations.find((listed) => listed.id === id)?.status;
    expect([statusOf(byAdmin.invitation?.id), statusOf(byOwner.invitation?.id)]).toEqual(['REVOKED', 'PENDING']);

    // Promoted again, then removed: what they sent meanwhile goes too.
    await sut.client.updateMemberRole({ organizationId, userId: admin.userId, role: 'ADMIN' }, as(owner.principal));
    const again = await sut.client.createInvitation({ organizationId, email: alt.email, role: 'MEMBER' }, as(admin.principal));
    await sut.client.removeMember({ organizationId, userId: admin.userId }, as(owner.principal));
    await expect(sut.client.acceptInvitation({ token: again.token }, as(alt.principal))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await outboxTypes(sut.db, organizationId)).slice(-2)).toEqual(['org.invitation_revoked', 'org.member_removed']);
  });

  it('replaces a pending invitation when the same address is invited again', async () => {
    const invitee = await sut.registerUser('reinvite');
    const first = await invite(invitee.email);
    const second = await invite(invitee.email.toUpperCase(), 'ADMIN');
    const { invitations } = await sut.client.listInvitations({ organizationId, page: { limit: 100 } }, as(owner.principal));
    const statusOf = (id?: string) => invitations.find((invitation) => invitation.id === id)?.status;
    expect(statusOf(first.invitation?.id)).toBe('REVOKED');
    expect(statusOf(second.invitation?.id)).toBe('PENDING');
    await expect(sut.client.acceptInvitation({ token: first.token }, as(invitee.principal))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(sut.client.acceptInvitation({ token: second.token }, as(invitee.principal))).resolves.toMatchObject({ member: { role: 'ADMIN' } });
  });

  it('lists the caller\'s own pending invitations, matched by email', async () => {
    const invitee = await sut.registerUser('mine');
    const pending = await invite(invitee.email);
    const { invitations } = await sut.client.listMyInvitations({}, as(invitee.principal));
    expect(invitations.map((invitation) => invitation.id)).toEqual([pending.invitation?.id]);
    const uninvited = await sut.registerUser('uninvited');
    expect((await sut.client.listMyInvitations({}, as(uninvited.principal))).invitations).toEqual([]);
  });

  it('validates the email and refuses OWNER invitations', async () => {
    await expect(invite('not-an-email')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', fields: [expect.objectContaining({ field: 'email' })] });
    await expect(invite(uniqueEmail('o'), 'OWNER')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', fields: [expect.objectContaining({ field: 'role' })] });
  });

  it('expires invitations: NOT_FOUND on accept, EXPIRED in the list, gone from "my invitations"', async () => {
    const invitee = await sut.registerUser('late');
    const { invitation, token } = await invite(invitee.email);
    sut.clock.advance(8 * DAY_MS);
    try {
      await expect(sut.client.acceptInvitation({ token }, as(invitee.principal))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      const { invitations } = await sut.client.listInvitations({ organizationId, page: { limit: 100 } }, as(owner.principal));
      expect(invitations.find((candidate) => candidate.id === invitation?.id)?.status).toBe('EXPIRED');
      expect((await sut.client.listMyInvitations({}, as(invitee.principal))).invitations).toEqual([]);
    } finally {
      sut.clock.advance(-8 * DAY_MS);
    }
  });
});
