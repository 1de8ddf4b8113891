import { AppError } from '#libs/errors';
import type { Principal } from '#libs/identity';
import { MemberSchema, OrganizationSettingsSchema } from '../db/entities/index.ts';
import { requireInternalService } from './caller.ts';
import type { OrgDeps } from './deps.ts';
import { parseId } from './ids.ts';
import { strictestPolicy, type PasswordPolicy } from './password-policy.ts';
import type { Role } from './roles.ts';

export interface Access {
  role: Role;
  loginMethods: string[];
  require2fa: boolean;
  /** The organization's policy as stored, as a JSON string. */
  passwordPolicy: string;
}

/** A user's current role in an organization and its sign-in policy, for other services' decisions. */
export async function getAccess(deps: OrgDeps, principal: Principal, rawOrganizationId: string, rawUserId: string): Promise<Access> {
  requireInternalService(principal);
  const organizationId = parseId(rawOrganizationId, 'Member');
  const userId = parseId(rawUserId, 'Member');
  const em = deps.em.fork();
  const member = await em.findOne(MemberSchema, { organizationId, userId });
  if (!member) throw AppError.notFound('Member');
  const settings = await em.findOne(OrganizationSettingsSchema, { organizationId });
  if (!settings) throw AppError.notFound('Member');
  return {
    role: member.role,
    loginMethods: settings.loginMethods,
    require2fa: settings.require2fa,
    passwordPolicy: JSON.stringify(settings.passwordPolicy),
  };
}

/** The strictest policy over every organization the user belongs to; the default when none. */
export async function passwordPolicyForUser(deps: OrgDeps, principal: Principal, rawUserId: string): Promise<PasswordPolicy> {
  requireInternalService(principal);
  const userId = parseId(rawUserId, 'User');
  const em = deps.em.fork();
  const memberships = await em.find(MemberSchema, { userId }, { fields: ['organizationId'] });
  if (memberships.length === 0) return strictestPolicy([]);
  const settings = await em.find(OrganizationSettingsSchema, { organizationId: { $in: memberships.map((member) => member.organizationId) } }, { fields: ['passwordPolicy'] });
  return strictestPolicy(settings.map((row) => row.passwordPolicy));
}
