import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { translateDbError, uuidv7 } from '#libs/db';
import { AppError } from '#libs/errors';
import { recordEvent } from '#libs/events';
import type { Principal } from '#libs/identity';
import { InvitationSchema, type Invitation } from '../db/entities/index.ts';
import { authorizeMember } from './authorization.ts';
import type { InvitationPolicy, OrgDeps } from './deps.ts';
import { normalizeEmail, parseEmail } from './emails.ts';
import { parseId } from './ids.ts';
import { acceptUrlFor, hashInvitationToken, invitationStatus, newInvitationToken } from './invitation-tokens.ts';
import { lockOrganization } from './organization-lock.ts';
import { toPage, type PageRequest, type PageResult } from './pagination.ts';
import { grantableRoles, parseRole, type Role } from './roles.ts';

/** Who may send invitations; a member who drops below it loses the pending ones they sent. */
export const INVITER_MINIMUM_ROLE: Role = 'ADMIN';

/** Marks one pending invitation revoked, with its event, in the caller's transaction. */
function markRevoked(em: EntityManager, invitation: Invitation, now: Date): void {
  invitation.status = 'REVOKED';
  invitation.revokedAt = now;
  const { organizationId } = invitation;
  recordEvent(em, { type: 'org.invitation_revoked', source: 'org', subject: organizationId, data: { organization_id: organizationId, invitation_id: invitation.id } });
}

const invitationConstraints = {
  // Two invitations to one address raced; the other one won.
  invitations_one_pending_per_email: () => AppError.conflict('An invitation for this email was just created; try again.'),
};

export interface CreateInvitationInput {
  email: string;
  role: string;
}

/**
 * Invites an address as MEMBER or ADMIN. A pending invitation to the same address is revoked
 * and replaced. The token is returned once; only its hash is stored, and the
 * `org.invitation_created` event carries it (in the accept URL) to mail delivery.
 */
export async function createInvitation(
  deps: OrgDeps & { invitations: InvitationPolicy },
  rawOrganizationId: string,
  principal: Principal,
  input: CreateInvitationInput,
): Promise<{ invitation: Invitation; token: string }> {
  const actor = await authorizeMember(deps.em.fork(), rawOrganizationId, principal, INVITER_MINIMUM_ROLE);
  const { organizationId } = actor;
  const { email, normalized } = parseEmail(input.email);
  const role = parseRole(input.role, grantableRoles);
  const token = newInvitationToken();
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + deps.invitations.ttlSeconds * 1000);

  const invitation = await deps.em
    .fork()
    .transactional(async (em) => {
      const organization = await lockOrganization(em, organizationId, 'shared');
      // The sender's role as of the lock: a demotion that committed first refuses this
      // invitation; one that commits later waits for it and then revokes it with the rest.
      await authorizeMember(em, organizationId, principal, INVITER_MINIMUM_ROLE);
      const replaced = await em.find(InvitationSchema, { organizationId, emailNormalized: normalized, status: 'PENDING' }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      for (const old of replaced) markRevoked(em, old, now);
      // The old rows must leave the one-pending-per-address index before the new row enters it.
      await em.flush();
      const created = em.create(InvitationSchema, {
        id: uuidv7(),
        organizationId,
        email,
        emailNormalized: normalized,
        role,
        tokenHash: hashInvitationToken(token),
        status: 'PENDING',
        expiresAt,
        createdAt: now,
        invitedBy: actor.userId,
        acceptedAt: null,
        acceptedBy: null,
        revokedAt: null,
      });
      recordEvent(em, {
        type: 'org.invitation_created',
        source: 'org',
        subject: organizationId,
        data: {
          organization_id: organizationId,
          invitation_id: created.id,
          email,
          role,
          organization_name: organization.name,
          accept_url: acceptUrlFor(deps.invitations.acceptUrl, token),
          expires_at: expiresAt.toISOString(),
        },
      });
      await em.flush();
      return created;
    })
    .catch((error: unknown) => {
      throw translateDbError(error, invitationConstraints);
    });
  deps.afterCommit();
  return { invitation, token };
}

/** Every invitation of the organization, newest last (id order); no tokens (only hashes are stored). */
export async function listInvitations(deps: OrgDeps, rawOrganizationId: string, principal: Principal, page: PageRequest): Promise<PageResult<Invitation>> {
  const em = deps.em.fork();
  const { organizationId } = await authorizeMember(em, rawOrganizationId, principal, 'ADMIN');
  const rows = await em.find(
    InvitationSchema,
    { organizationId, ...(page.after === undefined ? {} : { id: { $gt: page.after } }) },
    { orderBy: { id: 'asc' }, limit: page.limit + 1 },
  );
  return toPage(rows, page.limit, (invitation) => invitation.id);
}

/**
 * Revokes a pending invitation. Revoking one revoked already, or expired, changes nothing
 * (no event); revoking an accepted one is a CONFLICT.
 */
export async function revokeInvitation(deps: OrgDeps, rawOrganizationId: string, principal: Principal, rawInvitationId: string): Promise<void> {
  const { organizationId } = await authorizeMember(deps.em.fork(), rawOrganizationId, principal, 'ADMIN');
  const id = parseId(rawInvitationId, 'Invitation');
  const revoked = await deps.em.fork().transactional(async (em) => {
    await lockOrganization(em, organizationId, 'shared');
    await authorizeMember(em, organizationId, principal, 'ADMIN');
    const invitation = await em.findOne(InvitationSchema, { id, organizationId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!invitation) throw AppError.notFound('Invitation');
    if (invitation.status === 'ACCEPTED') throw AppError.conflict('The invitation was already accepted.');
    const now = deps.now();
    if (invitationStatus(invitation, now) !== 'PENDING') return false;
    markRevoked(em, invitation, now);
    await em.flush();
    return true;
  });
  if (revoked) deps.afterCommit();
}

/**
 * Revokes the pending invitations a member sent, inside the transaction that removes them or
 * takes away the role that let them invite: an invitation must not outlive its sender's right
 * to give it (a departing admin could otherwise leave a way back in for a second account).
 */
export async function revokeInvitationsSentBy(em: EntityManager, organizationId: string, inviterId: string, now: Date): Promise<void> {
  await revokePending(em, { organizationId, invitedBy: inviterId }, now);
}

/** Revokes the organization's pending, unexpired invitations that `which` picks, in the caller's transaction. */
async function revokePending(em: EntityManager, which: { organizationId: string; invitedBy?: string; emailNormalized?: string }, now: Date): Promise<void> {
  const pending = await em.find(InvitationSchema, { ...which, status: 'PENDING', expiresAt: { $gt: now } });
  for (const invitation of pending) markRevoked(em, invitation, now);
}

/**
 * Revokes the pending invitations addressed to someone who joins or leaves the organization:
 * once a member, they need none; once removed, one sent while they were a member must not
 * let them back in (perhaps with a higher role) behind the removal's back.
 */
export async function revokeInvitationsTo(em: EntityManager, organizationId: string, email: string, now: Date): Promise<void> {
  await revokePending(em, { organizationId, emailNormalized: normalizeEmail(email).normalized }, now);
}
