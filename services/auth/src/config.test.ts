import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadAuthConfig } from './config.ts';

const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
  REDIS_URL: 'redis://127.0.0.1:6379',
  NATS_URL: 'nats://127.0.0.1:4222',
  INTERNAL_AUTH_SECRET: 'x'.repeat(32),
  AUTH_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
};

describe(loadAuthConfig.name, () => {
  it('defaults to OWASP argon2id parameters and an account-wide limit above the per-address one', () => {
    expect(loadAuthConfig(base)).toMatchObject({
      ARGON2_MEMORY_KIB: 19_456,
      ARGON2_TIME_COST: 2,
      ARGON2_PARALLELISM: 1,
      LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_IP: 5,
      LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: 50,
    });
  });

  it.each([
    ['equal to', '5'],
    ['below', '3'],
  ])('refuses an account-wide attempt limit %s the per-address one', (_case, perAccount) => {
    const env = { ...base, LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_IP: '5', LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: perAccount };
    expect(() => loadAuthConfig(env)).toThrow(/LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: must be higher/);
  });

  it('refuses argon2id parameters under the OWASP minimum', () => {
    expect(() => loadAuthConfig({ ...base, ARGON2_MEMORY_KIB: '8192', ARGON2_TIME_COST: '1' })).toThrow(/ARGON2_MEMORY_KIB[\s\S]*ARGON2_TIME_COST/);
  });
});
