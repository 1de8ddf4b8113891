import { addMember, getMember, listMembers } from '../domain/members.ts';
import { removeMember, updateMemberRole } from '../domain/member-changes.ts';
import { parsePage } from '../domain/pagination.ts';
import { findUserVia } from './auth-users.ts';
import type { OrgHandlerDeps, OrgHandlers } from './handler-deps.ts';
import { toMemberMessage } from './mappers.ts';

export function memberHandlers({ domain, auth }: OrgHandlerDeps): OrgHandlers<'listMembers' | 'getMember' | 'addMember' | 'updateMemberRole' | 'removeMember'> {
  return {
    listMembers: async ({ organizationId, page }, { principal }) => {
      const result = await listMembers(domain, organizationId, principal, parsePage(page));
      return { members: result.items.map(toMemberMessage), nextCursor: result.nextCursor };
    },
    getMember: async ({ organizationId, userId }, { principal }) => ({ member: toMemberMessage(await getMember(domain, organizationId, principal, userId)) }),
    addMember: async ({ organizationId, userId, role }, context) => ({
      member: toMemberMessage(await addMember(domain, organizationId, context.principal, { userId, role }, findUserVia(auth, context))),
    }),
    updateMemberRole: async ({ organizationId, userId, role }, { principal }) => ({
      member: toMemberMessage(await updateMemberRole(domain, organizationId, principal, userId, role)),
    }),
    removeMember: async ({ organizationId, userId }, context) => {
      await removeMember(domain, organizationId, context.principal, userId, findUserVia(auth, context));
      return {};
    },
  };
}
