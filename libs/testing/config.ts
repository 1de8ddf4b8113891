import { z } from 'zod';
import { envFields, loadConfig } from '#libs/config';

/**
 * What the harness reads from the environment: URLs of infrastructure to use instead of
 * starting containers, and whether containers may be started at all.
 */
const testingEnv = z.object({
  DATABASE_URL: envFields.databaseUrl.optional(),
  REDIS_URL: envFields.redisUrl.optional(),
  NATS_URL: envFields.natsUrl.optional(),
  /** `auto`: containers when a Docker engine answers, else this machine's services. */
  TEST_INFRASTRUCTURE: z.enum(['auto', 'containers', 'local']).default('auto'),
  DOCKER_HOST: z.string().optional(),
  TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE: z.string().optional(),
  HOME: z.string().optional(),
});

export type TestingConfig = z.infer<typeof testingEnv>;

export function loadTestingConfig(env: Record<string, string | undefined> = process.env): Readonly<TestingConfig> {
  return loadConfig(testingEnv, env);
}
