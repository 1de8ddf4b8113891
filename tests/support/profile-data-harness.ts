import { ProfileDataServiceService } from '#gen/egp/profile_data/v1/profile_data_service';
import { createGrpcClient, type AsyncClient } from '#libs/grpc';
import { AssertionSigner } from '#libs/identity';
import { createLogger } from '#libs/logging';
import { loadProfileDataConfig, type ProfileDataConfig } from '../../services/profile-data/src/config.ts';
import { startProfileDataService, type RunningService } from '../../services/profile-data/src/service.ts';
import { serviceEnv } from './service-env.ts';

export interface ProfileDataHarness {
  config: Readonly<ProfileDataConfig>;
  service: RunningService;
  client: AsyncClient<typeof ProfileDataServiceService> & { close(): void };
  stop(): Promise<void>;
}

/** Starts the real profile-data service in-process, pointed at an auth service address. */
export async function startProfileDataHarness(authAddress: string, overrides: Record<string, string> = {}): Promise<ProfileDataHarness> {
  const config = loadProfileDataConfig(serviceEnv({ PROFILE_DATA_GRPC_ADDR: '127.0.0.1:0', AUTH_GRPC_ADDR: authAddress, ...overrides }));
  const service = await startProfileDataService(config, createLogger('profile-data', config.LOG_LEVEL));
  const client = createGrpcClient(ProfileDataServiceService, {
    address: `127.0.0.1:${service.port}`,
    caller: 'test',
    assertions: new AssertionSigner(config.INTERNAL_AUTH_SECRET),
  });
  return {
    config,
    service,
    client,
    async stop() {
      client.close();
      await service.stop();
    },
  };
}
