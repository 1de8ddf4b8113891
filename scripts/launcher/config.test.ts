import { describe, expect, it } from 'vitest';
import { ConfigError } from '#libs/config';
import { loadLauncherConfig, localInfrastructureDefaults, withLocalDefaults } from './config.ts';

describe(withLocalDefaults.name, () => {
  it('fills unset and empty infrastructure URLs with the local services, and stops without a drain delay', () => {
    const sut = withLocalDefaults({ DATABASE_URL: '', REDIS_URL: 'redis://cache:6379' });
    expect(sut).toEqual({
      DATABASE_URL: localInfrastructureDefaults.DATABASE_URL,
      REDIS_URL: 'redis://cache:6379',
      NATS_URL: localInfrastructureDefaults.NATS_URL,
      SHUTDOWN_DRAIN_DELAY_MS: '0',
    });
    expect(withLocalDefaults({ SHUTDOWN_DRAIN_DELAY_MS: '2000' })).toMatchObject({ SHUTDOWN_DRAIN_DELAY_MS: '2000' });
  });

  it('adds nothing in production, so a missing URL fails loudly instead', () => {
    expect(withLocalDefaults({ NODE_ENV: 'production' })).toEqual({ NODE_ENV: 'production' });
  });
});

describe(loadLauncherConfig.name, () => {
  it('applies the shared defaults for ports and addresses', () => {
    const sut = loadLauncherConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/egp' });
    expect(sut).toMatchObject({ PORT: 8080, AUTH_GRPC_ADDR: '127.0.0.1:50051', PROFILE_DATA_GRPC_ADDR: '127.0.0.1:50055' });
  });

  it('rejects a malformed address before anything starts', () => {
    expect(() => loadLauncherConfig({ DATABASE_URL: 'postgres://h/db', ORG_GRPC_ADDR: 'nope' })).toThrow(ConfigError);
  });
});
