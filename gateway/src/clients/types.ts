import type { AuthServiceService } from '#gen/egp/auth/v1/auth_service';
import type { OrgServiceService } from '#gen/egp/org/v1/org_service';
import type { ProfileDataServiceService } from '#gen/egp/profile_data/v1/profile_data_service';
import type { AsyncClient } from '#libs/grpc';

export type AuthClient = AsyncClient<AuthServiceService>;
export type ProfileDataClient = AsyncClient<ProfileDataServiceService>;
export type OrgClient = AsyncClient<OrgServiceService>;

/** The downstream services the routes call. app-key and web3-sso join as their routes do. */
export interface GatewayClients {
  auth: AuthClient;
  profileData: ProfileDataClient;
  org: OrgClient;
}

/** A dependency `/readyz` checks; `check` rejects when it is not ready. */
export interface DependencyProbe {
  name: string;
  check(): Promise<void>;
}
