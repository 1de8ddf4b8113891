import { createLogger } from '#libs/logging';
import { loadOrgConfig } from '../../services/org/src/config.ts';
import { startOrgService, type RunningService } from '../../services/org/src/service.ts';
import { startAuthHarness, type AuthHarness } from './auth-harness.ts';
import { freePort } from './free-port.ts';
import { serviceEnv } from './service-env.ts';

export interface AuthWithOrg {
  auth: AuthHarness;
  org: RunningService;
  stop(): Promise<void>;
}

/**
 * The real auth and org services, each knowing the other's address (auth asks org for
 * password policies and token-exchange access; org asks auth about users).
 */
export async function startAuthWithOrg(authOverrides: Record<string, string> = {}): Promise<AuthWithOrg> {
  const orgAddress = `127.0.0.1:${await freePort()}`;
  const auth = await startAuthHarness({ ORG_GRPC_ADDR: orgAddress, ...authOverrides });
  const config = loadOrgConfig(serviceEnv({ ORG_GRPC_ADDR: orgAddress, AUTH_GRPC_ADDR: `127.0.0.1:${auth.service.port}` }));
  const org = await startOrgService(config, createLogger('org', config.LOG_LEVEL));
  return {
    auth,
    org,
    async stop() {
      await org.stop();
      await auth.stop();
    },
  };
}
