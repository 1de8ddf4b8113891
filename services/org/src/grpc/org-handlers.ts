import type { OrgServiceServer } from '#gen/egp/org/v1/org_service';
import type { AsyncHandlers } from '#libs/grpc';
import { getAccess, passwordPolicyForUser } from '../domain/access.ts';
import type { OrgHandlerDeps } from './handler-deps.ts';
import { invitationHandlers } from './invitation-handlers.ts';
import { memberHandlers } from './member-handlers.ts';
import { organizationHandlers } from './organization-handlers.ts';

export type { OrgHandlerDeps } from './handler-deps.ts';

/** Every OrgService RPC: parse → domain → map. Authorization happens in the domain, per call. */
export function orgHandlers(deps: OrgHandlerDeps): AsyncHandlers<OrgServiceServer> {
  const { domain } = deps;
  return {
    ...organizationHandlers(deps),
    ...memberHandlers(deps),
    ...invitationHandlers(deps),
    getAccess: async ({ organizationId, userId }, { principal }) => getAccess(domain, principal, organizationId, userId),
    getPasswordPolicyForUser: async ({ userId }, { principal }) => ({ policy: await passwordPolicyForUser(domain, principal, userId) }),
  };
}
