import type { DestinationStream } from 'pino';
import { OrgServiceService } from '#gen/egp/org/v1/org_service';
import { createGrpcClient, type AsyncClient } from '#libs/grpc';
import { AssertionSigner } from '#libs/identity';
import { createLogger } from '#libs/logging';
import { loadOrgConfig } from '../../services/org/src/config.ts';
import { startOrgService, type RunningService } from '../../services/org/src/service.ts';
import { startAuthHarness, type AuthHarness } from './auth-harness.ts';
import { freePort } from './free-port.ts';
import { serviceEnv } from './service-env.ts';

export interface AuthWithOrg {
  auth: AuthHarness;
  org: RunningService;
  /** A client of the org service, calling as the tests. */
  orgClient: AsyncClient<typeof OrgServiceService> & { close(): void };
  stop(): Promise<void>;
}

/**
 * The real auth and org services, each knowing the other's address (auth asks org for
 * password policies and token-exchange access; org asks auth about users).
 */
export async function startAuthWithOrg(authOverrides: Record<string, string> = {}, authLogs?: DestinationStream): Promise<AuthWithOrg> {
  const orgAddress = `127.0.0.1:${await freePort()}`;
  const auth = await startAuthHarness({ ORG_GRPC_ADDR: orgAddress, ...authOverrides }, authLogs);
  const config = loadOrgConfig(serviceEnv({ ORG_GRPC_ADDR: orgAddress, AUTH_GRPC_ADDR: `127.0.0.1:${auth.service.port}` }));
  const org = await startOrgService(config, createLogger('org', config.LOG_LEVEL));
  const orgClient = createGrpcClient(OrgServiceService, { address: `127.0.0.1:${org.port}`, caller: 'test', assertions: new AssertionSigner(config.INTERNAL_AUTH_SECRET) });
  return {
    auth,
    org,
    orgClient,
    async stop() {
      orgClient.close();
      await org.stop();
      await auth.stop();
    },
  };
}
