import { describe, expect, it } from 'vitest';
import { loadOrgConfig } from './config.ts';

const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
  REDIS_URL: 'redis://127.0.0.1:6379',
  NATS_URL: 'nats://127.0.0.1:4222',
  INTERNAL_AUTH_SECRET: 'x'.repeat(32),
};

describe(loadOrgConfig.name, () => {
  it('defaults invitations to 7 days and the local accept page', () => {
    expect(loadOrgConfig(base)).toMatchObject({ INVITATION_TTL_SECONDS: 604_800, INVITATION_ACCEPT_URL: 'http://localhost:8080/invitations/accept' });
  });

  it.each([{ INVITATION_TTL_SECONDS: String(31 * 24 * 3600) }, { INVITATION_ACCEPT_URL: 'https://x.example/accept#frag' }, { INVITATION_ACCEPT_URL: 'ftp://x.example/' }])('rejects %j', (override) => {
    expect(() => loadOrgConfig({ ...base, ...override })).toThrow();
  });
});
