import type { OrgServiceServer } from '#gen/egp/org/v1/org_service';
import type { AsyncHandlers } from '#libs/grpc';
import type { InvitationPolicy, OrgDeps } from '../domain/deps.ts';
import type { AuthClient } from './auth-users.ts';

export interface OrgHandlerDeps {
  domain: OrgDeps;
  invitations: InvitationPolicy;
  auth: AuthClient;
}

/** A slice of the service's handlers; the slices together make the whole OrgService. */
export type OrgHandlers<Methods extends keyof AsyncHandlers<OrgServiceServer>> = Pick<AsyncHandlers<OrgServiceServer>, Methods>;
