import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '#libs/errors';
import { recordEvent } from '#libs/events';
import type { Principal } from '#libs/identity';
import { MemberSchema, OrganizationSchema, type Member } from '../db/entities/index.ts';
import { ADMIN_SCOPE, authorizeMember, type MemberActor } from './authorization.ts';
import type { OrgDeps } from './deps.ts';
import { parseId } from './ids.ts';
import { INVITER_MINIMUM_ROLE, revokeInvitationsSentBy } from './invitations.ts';
import { assertMayChangeRole, assertMayRemove, assertOwnerRemains } from './owner-rules.ts';
import { hasAtLeast, parseRole, roles, type Role } from './roles.ts';

/**
 * Runs `change` in a transaction holding the organization's row lock, with the caller's role
 * and the target re-read after the lock: every role change and removal of one organization
 * is serialised, so owner counts and the caller's own role are current when checked.
 * Strangers are turned away (NOT_FOUND) before any lock is taken.
 */
async function underOrganizationLock<T>(
  deps: OrgDeps,
  rawOrganizationId: string,
  principal: Principal,
  rawUserId: string,
  minimum: Role,
  change: (em: EntityManager, actor: MemberActor, target: Member) => Promise<T>,
): Promise<T> {
  const { organizationId } = await authorizeMember(deps.em.fork(), rawOrganizationId, principal, minimum, ADMIN_SCOPE);
  const userId = parseId(rawUserId, 'Member');
  return deps.em.fork().transactional(async (em) => {
    await em.findOne(OrganizationSchema, { id: organizationId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const actor = await authorizeMember(em, organizationId, principal, minimum, ADMIN_SCOPE);
    const target = await em.findOne(MemberSchema, { organizationId, userId }, { refresh: true });
    if (!target) throw AppError.notFound('Member');
    return change(em, actor, target);
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

export async function removeMember(deps: OrgDeps, rawOrganizationId: string, principal: Principal, rawUserId: string): Promise<void> {
  // MEMBER is enough to get this far: anyone may remove themselves (assertMayRemove decides).
  await underOrganizationLock(deps, rawOrganizationId, principal, rawUserId, 'MEMBER', async (em, actor, target) => {
    assertMayRemove(actor.role, target.role, actor.userId === target.userId);
    assertOwnerRemains(target.role, undefined, await countOwners(em, target.organizationId));
    em.remove(target);
    await revokeInvitationsSentBy(em, target.organizationId, target.userId, deps.now());
    recordEvent(em, { type: 'org.member_removed', source: 'org', subject: target.organizationId, data: { organization_id: target.organizationId, user_id: target.userId } });
    await em.flush();
  });
  deps.afterCommit();
}
