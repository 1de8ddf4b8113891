import { AuthServiceService } from '#gen/egp/auth/v1/auth_service';
import { createGrpcClient, type AsyncClient } from '#libs/grpc';
import { AssertionSigner, type Principal } from '#libs/identity';
import type { DestinationStream } from 'pino';
import { createLogger } from '#libs/logging';
import { loadAuthConfig, type AuthConfig } from '../../services/auth/src/config.ts';
import { startAuthService, type RunningService } from '../../services/auth/src/service.ts';
import { serviceEnv } from './service-env.ts';

export interface AuthHarness {
  config: Readonly<AuthConfig>;
  service: RunningService;
  client: AsyncClient<typeof AuthServiceService> & { close(): void };
  anonymous: (ip?: string) => { principal: Principal };
  stop(): Promise<void>;
}

/**
 * Starts the real auth service in-process on a free port against the run's infrastructure.
 * With `logs`, its log lines (info and above) go there instead of the configured level's output.
 */
export async function startAuthHarness(overrides: Record<string, string> = {}, logs?: DestinationStream): Promise<AuthHarness> {
  const config = loadAuthConfig(serviceEnv({ AUTH_GRPC_ADDR: '127.0.0.1:0', ...overrides }));
  const logger = logs ? createLogger('auth', 'info', logs) : createLogger('auth', config.LOG_LEVEL);
  const service = await startAuthService(config, logger);
  const client = createGrpcClient(AuthServiceService, {
    address: `127.0.0.1:${service.port}`,
    caller: 'test',
    assertions: new AssertionSigner(config.INTERNAL_AUTH_SECRET),
  });
  return {
    config,
    service,
    client,
    anonymous: (ip = '203.0.113.7') => ({ principal: { kind: 'anonymous', ip } }),
    async stop() {
      client.close();
      await service.stop();
    },
  };
}
