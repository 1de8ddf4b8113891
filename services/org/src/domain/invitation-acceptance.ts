import { LockMode } from '@mikro-orm/core';
import { translateDbError } from '#libs/db';
import { AppError } from '#libs/errors';
import { recordEvent } from '#libs/events';
import type { Principal } from '#libs/identity';
import { InvitationSchema, MemberSchema, type Invitation, type Member } from '../db/entities/index.ts';
import { requireOwnUser } from './caller.ts';
import type { FindUser, OrgDeps } from './deps.ts';
import { normalizeEmail } from './emails.ts';
import { hashInvitationToken, invitationStatus, looksLikeInvitationToken } from './invitation-tokens.ts';
import { alreadyMember, memberConstraints } from './members.ts';
import { lockOrganization } from './organization-lock.ts';
import { toPage, type PageRequest, type PageResult } from './pagination.ts';

/** One answer for unknown, used, revoked, expired and someone else's: nothing to tell apart. */
const invitationNotFound = () => AppError.notFound('Invitation');

async function callerEmail(principal: Principal, findUser: FindUser): Promise<{ userId: string; normalized: string }> {
  const userId = requireOwnUser(principal);
  const user = await findUser(userId);
  if (!user) throw AppError.unauthenticated();
  return { userId, normalized: normalizeEmail(user.email).normalized };
}

/**
 * Makes the caller a member with the invited role. The organization's row is locked first
 * (lockOrganization says why), then the invitation's, so of two concurrent accepts exactly
 * one wins; the caller's email (from auth) must match the invitation's, case-insensitively.
 */
export async function acceptInvitation(deps: OrgDeps, principal: Principal, token: string, findUser: FindUser): Promise<Member> {
  requireOwnUser(principal);
  if (!looksLikeInvitationToken(token)) throw invitationNotFound();
  const { userId, normalized } = await callerEmail(principal, findUser);
  const now = deps.now();
  const member = await deps.em
    .fork()
    .transactional(async (em) => {
      const found = await em.findOne(InvitationSchema, { tokenHash: hashInvitationToken(token) }, { fields: ['id', 'organizationId'] });
      if (!found) throw invitationNotFound();
      await lockOrganization(em, found.organizationId, 'shared');
      const invitation = await em.findOne(InvitationSchema, { id: found.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (!invitation || invitationStatus(invitation, now) !== 'PENDING' || invitation.emailNormalized !== normalized) throw invitationNotFound();
      const { organizationId, role } = invitation;
      if (await em.findOne(MemberSchema, { organizationId, userId })) throw alreadyMember();
      const added = em.create(MemberSchema, { organizationId, userId, role, joinedAt: now, customData: {} });
      invitation.status = 'ACCEPTED';
      invitation.acceptedAt = now;
      invitation.acceptedBy = userId;
      recordEvent(em, { type: 'org.invitation_accepted', source: 'org', subject: organizationId, data: { organization_id: organizationId, invitation_id: invitation.id, user_id: userId } });
      recordEvent(em, { type: 'org.member_added', source: 'org', subject: organizationId, data: { organization_id: organizationId, user_id: userId, role } });
      await em.flush();
      return added;
    })
    .catch((error: unknown) => {
      throw translateDbError(error, memberConstraints);
    });
  deps.afterCommit();
  return member;
}

/** Pending, unexpired invitations addressed to the caller's email, in id order. */
export async function listMyInvitations(deps: OrgDeps, principal: Principal, page: PageRequest, findUser: FindUser): Promise<PageResult<Invitation>> {
  const { normalized } = await callerEmail(principal, findUser);
  const rows = await deps.em.fork().find(
    InvitationSchema,
    {
      emailNormalized: normalized,
      status: 'PENDING',
      expiresAt: { $gt: deps.now() },
      ...(page.after === undefined ? {} : { id: { $gt: page.after } }),
    },
    { orderBy: { id: 'asc' }, limit: page.limit + 1 },
  );
  return toPage(rows, page.limit, (invitation) => invitation.id);
}
