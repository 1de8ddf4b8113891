import { createHash, randomBytes } from 'node:crypto';
import { testEnvironment } from '#libs/testing';

/**
 * Environment for services started by one test file: the run's database, stream and
 * secret, plus a Redis key prefix of the file's own (under the run's prefix, so the run's
 * cleanup still removes it) so that rate limits and counters never leak between files.
 */
export function serviceEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const environment = testEnvironment();
  return {
    ...environment.env,
    REDIS_KEY_PREFIX: `${environment.redisKeyPrefix}${randomBytes(4).toString('hex')}:`,
    // Shared by every file of the run, as they share the auth schema's signing keys.
    AUTH_KEY_ENCRYPTION_KEY: createHash('sha256').update(environment.env.INTERNAL_AUTH_SECRET ?? '').digest('base64'),
    LOG_LEVEL: 'error',
    ...overrides,
  };
}

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomBytes(6).toString('hex')}@example.test`;
}
