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

/**
 * Environment for a whole system started by one e2e file (`startSystem`, as `npm start`
 * does): everything `serviceEnv` gives, with per-IP limits out of the way (every request of
 * a test comes from one address) and only warnings logged.
 */
export function systemEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return serviceEnv({
    LOG_LEVEL: 'warn',
    RATE_LIMIT_IP_PER_MINUTE: '100000',
    LOGIN_RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
    REGISTER_RATE_LIMIT_PER_IP_PER_HOUR: '100000',
    ...overrides,
  });
}

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomBytes(6).toString('hex')}@example.test`;
}
