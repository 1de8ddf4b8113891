import { translateDbError } from '#libs/db';
import { AppError } from '#libs/errors';
import { recordEvent } from '#libs/events';
import type { Principal } from '#libs/identity';
import { MemberSchema, type Member } from '../db/entities/index.ts';
import { authorizeMember, authorizeReader } from './authorization.ts';
import type { FindUser, OrgDeps } from './deps.ts';
import { parseId } from './ids.ts';
import { revokeInvitationsTo } from './invitations.ts';
import { lockOrganization } from './organization-lock.ts';
import { toPage, type PageRequest, type PageResult } from './pagination.ts';
import { grantableRoles, parseRole } from './roles.ts';

export const MEMBERS_READ_SCOPE = 'members:read';

export const alreadyMember = () => AppError.conflict('The user is already a member of this organization.');

/** Unique violations on the members table, by constraint name (see translateDbError). */
export const memberConstraints = { members_pkey: alreadyMember };

/** Members in user-id order; readable by any member and by API keys with `members:read`. */
export async function listMembers(deps: OrgDeps, rawOrganizationId: string, principal: Principal, page: PageRequest): Promise<PageResult<Member>> {
  const em = deps.em.fork();
  const organizationId = await authorizeReader(em, rawOrganizationId, principal, MEMBERS_READ_SCOPE);
  const rows = await em.find(
    MemberSchema,
    { organizationId, ...(page.after === undefined ? {} : { userId: { $gt: page.after } }) },
    { orderBy: { userId: 'asc' }, limit: page.limit + 1 },
  );
  return toPage(rows, page.limit, (member) => member.userId);
}

export async function getMember(deps: OrgDeps, rawOrganizationId: string, principal: Principal, rawUserId: string): Promise<Member> {
  const em = deps.em.fork();
  const organizationId = await authorizeReader(em, rawOrganizationId, principal, MEMBERS_READ_SCOPE);
  const member = await em.findOne(MemberSchema, { organizationId, userId: parseId(rawUserId, 'Member') });
  if (!member) throw AppError.notFound('Member');
  return member;
}

export interface AddMemberInput {
  userId: string;
  role: string;
}

/** Adds an existing user (checked with the auth service) as MEMBER or ADMIN; never as OWNER. */
export async function addMember(deps: OrgDeps, rawOrganizationId: string, principal: Principal, input: AddMemberInput, findUser: FindUser): Promise<Member> {
  const { organizationId } = await authorizeMember(deps.em.fork(), rawOrganizationId, principal, 'ADMIN');
  const role = parseRole(input.role, grantableRoles);
  const userId = parseId(input.userId, 'User');
  const user = await findUser(userId);
  if (!user) throw AppError.notFound('User');
  const member = await deps.em
    .fork()
    .transactional(async (em) => {
      await lockOrganization(em, organizationId, 'shared');
      // The caller's role as of the lock: an admin demoted or removed meanwhile adds no one.
      await authorizeMember(em, organizationId, principal, 'ADMIN');
      if (await em.findOne(MemberSchema, { organizationId, userId })) throw alreadyMember();
      const now = deps.now();
      const added = em.create(MemberSchema, { organizationId, userId, role, joinedAt: now, customData: {} });
      await revokeInvitationsTo(em, organizationId, user.email, now);
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
