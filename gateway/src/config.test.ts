import { describe, expect, it } from 'vitest';
import { ConfigError } from '#libs/config';
import { loadGatewayConfig } from './config.ts';

const required = { REDIS_URL: 'redis://127.0.0.1:6379', INTERNAL_AUTH_SECRET: 'x'.repeat(32) };

describe(loadGatewayConfig.name, () => {
  it('applies the documented defaults', () => {
    const sut = loadGatewayConfig(required);
    expect(sut).toMatchObject({
      PORT: 8080,
      AUTH_GRPC_ADDR: '127.0.0.1:50051',
      PROFILE_DATA_GRPC_ADDR: '127.0.0.1:50055',
      GRPC_TIMEOUT_MS: 5000,
      JWT_ISSUER: 'egp-accounts',
      JWT_AUDIENCE: 'egp-api',
      JWKS_CACHE_TTL_SECONDS: 300,
      JWKS_REFETCH_COOLDOWN_SECONDS: 30,
      RATE_LIMIT_IP_PER_MINUTE: 600,
      RATE_LIMIT_SYNC_INTERVAL_MS: 100,
      RATE_LIMIT_STALE_AFTER_MS: 1000,
      RATE_LIMIT_MAX_BUCKETS: 100_000,
      TRUST_PROXY: 'loopback',
      BODY_LIMIT_BYTES: 1_048_576,
      REVOCATION_FRESHNESS_MS: 700,
      REVOCATION_HEARTBEAT_MS: 250,
      IDEMPOTENCY_KEY_TTL_SECONDS: 86_400,
    });
  });

  it('names a broken combination together with the bad variables, in one error', () => {
    const env = { ...required, PORT: 'abc', TRUST_PROXY: 'true', RATE_LIMIT_SYNC_INTERVAL_MS: '2000', RATE_LIMIT_STALE_AFTER_MS: '1000' };
    const error = (() => {
      try {
        loadGatewayConfig(env);
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const keys = (error as ConfigError).problems.map((problem) => problem.split(':')[0]);
    expect(keys.sort()).toEqual(['PORT', 'RATE_LIMIT_STALE_AFTER_MS', 'TRUST_PROXY']);
  });

  it.each([
    ['a freshness bound that with the heartbeat period reaches a second', { REVOCATION_FRESHNESS_MS: '800', REVOCATION_HEARTBEAT_MS: '200' }],
    ['a freshness bound no heartbeat can meet', { REVOCATION_FRESHNESS_MS: '300', REVOCATION_HEARTBEAT_MS: '300' }],
  ])('refuses %s', (_case, env) => {
    expect(() => loadGatewayConfig({ ...required, ...env })).toThrow(/REVOCATION_FRESHNESS_MS/);
  });

  it.each([
    ['2', 2],
    ['false', false],
    ['loopback, 10.0.0.0/8', 'loopback, 10.0.0.0/8'],
  ] as const)('reads TRUST_PROXY=%s', (value, expected) => {
    expect(loadGatewayConfig({ ...required, TRUST_PROXY: value }).TRUST_PROXY).toEqual(expected);
  });

  it('refuses a staleness bound the rate limiter could never meet between two syncs', () => {
    expect(() => loadGatewayConfig({ ...required, RATE_LIMIT_SYNC_INTERVAL_MS: '1000', RATE_LIMIT_STALE_AFTER_MS: '1000' })).toThrow(
      /RATE_LIMIT_STALE_AFTER_MS/,
    );
  });

  it('refuses to trust every proxy', () => {
    expect(() => loadGatewayConfig({ ...required, TRUST_PROXY: 'true' })).toThrow(ConfigError);
  });
});
