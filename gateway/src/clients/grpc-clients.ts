import { AuthServiceService } from '#gen/egp/auth/v1/auth_service';
import { OrgServiceService } from '#gen/egp/org/v1/org_service';
import { ProfileDataServiceService } from '#gen/egp/profile_data/v1/profile_data_service';
import { createGrpcClient } from '#libs/grpc';
import type { AssertionSigner } from '#libs/identity';
import type { GatewayConfig } from '../config.ts';
import { createHealthProbe } from './health-probe.ts';
import type { DependencyProbe, GatewayClients } from './types.ts';

const CALLER = 'gateway';
const HEALTH_TIMEOUT_MS = 1_000;

export interface GrpcConnections {
  clients: GatewayClients;
  /** One health probe per downstream service, whether or not a route calls it yet. */
  probes: DependencyProbe[];
  close(): void;
}

/** Opens the gateway's gRPC channels: typed clients for the routes, health probes for /readyz. */
export function connectGrpcServices(config: GatewayConfig, assertions: AssertionSigner): GrpcConnections {
  const clientOptions = (address: string) => ({
    address,
    caller: CALLER,
    assertions,
    defaultTimeoutMs: config.GRPC_TIMEOUT_MS,
    multiplex: config.GRPC_MULTIPLEX,
  });
  const auth = createGrpcClient(AuthServiceService, clientOptions(config.AUTH_GRPC_ADDR));
  const profileData = createGrpcClient(ProfileDataServiceService, clientOptions(config.PROFILE_DATA_GRPC_ADDR));
  const org = createGrpcClient(OrgServiceService, clientOptions(config.ORG_GRPC_ADDR));
  const probes = [
    createHealthProbe('auth', config.AUTH_GRPC_ADDR, HEALTH_TIMEOUT_MS),
    createHealthProbe('org', config.ORG_GRPC_ADDR, HEALTH_TIMEOUT_MS),
    createHealthProbe('app-key', config.APP_KEY_GRPC_ADDR, HEALTH_TIMEOUT_MS),
    createHealthProbe('web3-sso', config.WEB3_SSO_GRPC_ADDR, HEALTH_TIMEOUT_MS),
    createHealthProbe('profile-data', config.PROFILE_DATA_GRPC_ADDR, HEALTH_TIMEOUT_MS),
  ];
  return {
    clients: { auth, profileData, org },
    probes,
    close() {
      auth.close();
      profileData.close();
      org.close();
      for (const probe of probes) probe.close();
    },
  };
}
