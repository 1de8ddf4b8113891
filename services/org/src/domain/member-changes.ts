import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '#libs/errors';
import { recordEvent } from '#libs/events';
import type { Principal } from '#libs/identity';
import { MemberSchema, type Member } from '../db/entities/index.ts';
import { ADMIN_SCOPE, authorizeMember, type MemberActor } from './authorization.ts';
import type { FindUser, OrgDeps } from './deps.ts';
import { parseId } from './ids.ts';
import { INVITER_MINIMUM_ROLE, revokeInvitationsSentBy, revokeInvitationsTo } from './invitations.ts';
import { lockOrganization } from './organization-lock.ts';
import { assertMayChangeRole, assertMayRemove, assertOwnerRemains } from './owner-rules.ts';
import { hasAtLeast, parseRole, roles, type Role } from './roles.ts';

/**
 * Runs `change` in a transaction holding the organization's row lock exclusively, with the
 * caller's role and the target re-read after the lock: every role change and removal of one
 * organization is serialised, so owner counts and the caller's own role are current when
 * checked. Strangers are turned away (NOT_FOUND) before any lock is taken, and before
 * `prepare` (what the change needs from elsewhere, fetched without holding the lock).
 */
async function underOrganizationLock<T, P = undefined>(
  deps: OrgDeps,
  rawOrganizationId: string,
  principal: Principal,
  rawUserId: string,
  minimum: Role,
  change: (em: EntityManager, actor: MemberActor, target: Member, prepared: P) => Promise<T>,
  prepare?: (userId: string) => Promise<P>,
): Promise<T> {
  const { organizationId } = await authorizeMember(deps.em.fork(), rawOrganizationId, principal, minimum, ADMIN_SCOPE);
  const userId = parseId(rawUserId, 'Member');
  const prepared = (prepare ? await prepare(userId) : undefined) as P;
  return deps.em.fork().transactional(async (em) => {
    await lockOrganization(em, organizationId, 'exclusive');
    const actor = await authorizeMember(em, organizationId, principal, minimum, ADMIN_SCOPE);
    const target = await em.findOne(MemberSchema, { organizationId, userId }, { refresh: true });
    if (!target) throw AppError.notFound('Member');
    return change(em, actor, target, prepared);
  });
}

function countOwners(em: EntityManager, organizationId: string): Promise<number> {
  return em.count(MemberSchema, { organizationId, role: 'OWNER' });
}

export async function updateMemberRole(deps: OrgDeps, rawOrganizationId: string, principal: Principal, rawUserId: string, rawRole: string): Promise<Member> {
  const next = parseRole(rawRole, roles);
  let changed = false;
  const member = await underOrganizationLock(deps, rawOrganizationId, principal, rawUserId, 'ADMIN', async (em, actor, target) => {
    assertMayChangeRole(actor.role, target.role, next);
    if (target.role === next) return target;
    assertOwnerRemains(target.role, next, await countOwners(em, target.organizationId));
    const previous: Role = target.role;
    target.role = next;
    if (!hasAtLeast(next, INVITER_MINIMUM_ROLE)) await revokeInvitationsSentBy(em, target.organizationId, target.userId, deps.now());
    recordEvent(em, {
      type: 'org.member_role_changed',
      source: 'org',
      subject: target.organizationId,
      data: { organization_id: target.organizationId, user_id: target.userId, role: next, previous_role: previous },
    });
    await em.flush();
    changed = true;
    return target;
  });
  if (changed) deps.afterCommit();
  return member;
}

/**
 * Removes a member, with the pending invitations they sent and those addressed to them (their
 * email, from auth; none to revoke for an account auth no longer has).
 */
export async function removeMember(deps: OrgDeps, rawOrganizationId: string, principal: Principal, rawUserId: string, findUser: FindUser): Promise<void> {
  // MEMBER is enough to get this far: anyone may remove themselves (assertMayRemove decides).
  const change = async (em: EntityManager, actor: MemberActor, target: Member, user: Awaited<ReturnType<FindUser>>) => {
    assertMayRemove(actor.role, target.role, actor.userId === target.userId);
    assertOwnerRemains(target.role, undefined, await countOwners(em, target.organizationId));
    em.remove(target);
    const now = deps.now();
    await revokeInvitationsSentBy(em, target.organizationId, target.userId, now);
    if (user) await revokeInvitationsTo(em, target.organizationId, user.email, now);
    recordEvent(em, { type: 'org.member_removed', source: 'org', subject: target.organizationId, data: { organization_id: target.organizationId, user_id: target.userId } });
    await em.flush();
  };
  await underOrganizationLock(deps, rawOrganizationId, principal, rawUserId, 'MEMBER', change, findUser);
  deps.afterCommit();
}
