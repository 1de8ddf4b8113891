import { acceptInvitation, listMyInvitations } from '../domain/invitation-acceptance.ts';
import { createInvitation, listInvitations, revokeInvitation } from '../domain/invitations.ts';
import { parsePage } from '../domain/pagination.ts';
import { findUserVia } from './auth-users.ts';
import type { OrgHandlerDeps, OrgHandlers } from './handler-deps.ts';
import { toInvitationMessage, toMemberMessage } from './mappers.ts';

export function invitationHandlers({ domain, invitations, auth }: OrgHandlerDeps): OrgHandlers<
  'createInvitation' | 'listInvitations' | 'revokeInvitation' | 'acceptInvitation' | 'listMyInvitations'
> {
  return {
    createInvitation: async ({ organizationId, email, role }, { principal }) => {
      const created = await createInvitation({ ...domain, invitations }, organizationId, principal, { email, role });
      return { invitation: toInvitationMessage(created.invitation, domain.now()), token: created.token };
    },
    listInvitations: async ({ organizationId, page }, { principal }) => {
      const result = await listInvitations(domain, organizationId, principal, parsePage(page));
      const now = domain.now();
      return { invitations: result.items.map((invitation) => toInvitationMessage(invitation, now)), nextCursor: result.nextCursor };
    },
    revokeInvitation: async ({ organizationId, invitationId }, { principal }) => {
      await revokeInvitation(domain, organizationId, principal, invitationId);
      return {};
    },
    acceptInvitation: async ({ token }, context) => ({ member: toMemberMessage(await acceptInvitation(domain, context.principal, token, findUserVia(auth, context))) }),
    listMyInvitations: async ({ page }, context) => {
      const result = await listMyInvitations(domain, context.principal, parsePage(page), findUserVia(auth, context));
      const now = domain.now();
      return { invitations: result.items.map((invitation) => toInvitationMessage(invitation, now)), nextCursor: result.nextCursor };
    },
  };
}
