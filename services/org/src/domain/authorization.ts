import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '#libs/errors';
import type { Principal } from '#libs/identity';
import { MemberSchema, OrganizationSchema } from '../db/entities/index.ts';
import { requireUser } from './caller.ts';
import { parseId } from './ids.ts';
import { hasAtLeast, type Role } from './roles.ts';

export interface MemberActor {
  organizationId: string;
  userId: string;
  role: Role;
}

const organizationNotFound = () => AppError.notFound('Organization');

/** Scopes a service token needs here: reading the organization and its members, or administering it. */
export const READ_SCOPE = 'members:read';
export const ADMIN_SCOPE = 'org:admin';

/** A service token only does what it was narrowed to at exchange, on top of the role's rights. */
function assertServiceTokenScope(principal: Principal, scope: string): void {
  if (principal.kind === 'user' && principal.tokenType === 'service' && !(principal.scopes ?? []).includes(scope)) {
    throw AppError.forbidden(`This service token lacks the ${scope} scope.`);
  }
}

/**
 * The caller as a member of `organizationId`, with their CURRENT role read from the database
 * (never a role carried by a token). Not a member, or a service token bound to another
 * organization: NOT_FOUND, so other tenants' existence is never revealed. Too low a role:
 * FORBIDDEN. API keys and internal services are refused (FORBIDDEN; NOT_FOUND for a key of
 * another organization).
 */
export async function authorizeMember(
  em: EntityManager,
  rawOrganizationId: string,
  principal: Principal,
  minimum: Role,
  serviceTokenScope: string = minimum === 'MEMBER' ? READ_SCOPE : ADMIN_SCOPE,
): Promise<MemberActor> {
  if (principal.kind === 'api_key') {
    if (principal.organizationId.toLowerCase() !== rawOrganizationId.toLowerCase()) throw organizationNotFound();
    throw AppError.forbidden('API keys may not do this.');
  }
  const { userId, boundTo } = requireUser(principal);
  const organizationId = parseId(rawOrganizationId, 'Organization');
  if (boundTo !== undefined && boundTo !== organizationId) throw organizationNotFound();
  const member = await em.findOne(MemberSchema, { organizationId, userId }, { refresh: true });
  if (!member) throw organizationNotFound();
  if (!hasAtLeast(member.role, minimum)) throw AppError.forbidden();
  assertServiceTokenScope(principal, serviceTokenScope);
  return { organizationId, userId, role: member.role };
}

/**
 * Read access: any member, or an API key of this organization holding `apiKeyScope`.
 * Returns the organization id, normalized.
 */
export async function authorizeReader(em: EntityManager, rawOrganizationId: string, principal: Principal, apiKeyScope?: string): Promise<string> {
  if (principal.kind !== 'api_key') return (await authorizeMember(em, rawOrganizationId, principal, 'MEMBER')).organizationId;
  const organizationId = parseId(rawOrganizationId, 'Organization');
  if (principal.organizationId.toLowerCase() !== organizationId) throw organizationNotFound();
  if ((await em.count(OrganizationSchema, { id: organizationId })) === 0) throw organizationNotFound();
  if (apiKeyScope === undefined || !principal.scopes.includes(apiKeyScope)) throw AppError.forbidden('The API key lacks the scope for this.');
  return organizationId;
}
