import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { withDevSecrets } from './dev-secrets.ts';

describe(withDevSecrets.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'egp-dev-secrets-'));
  const file = join(dir, '.env.dev-secrets');
  afterEach(() => rmSync(file, { force: true }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates missing secrets once, keeps them in the file, and reuses them next run', () => {
    const first = withDevSecrets({}, file);
    expect(first.env.INTERNAL_AUTH_SECRET?.length).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(first.env.AUTH_KEY_ENCRYPTION_KEY ?? '', 'base64')).toHaveLength(32);
    expect(first.warnings.join('\n')).toMatch(/production must set both/);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const second = withDevSecrets({}, file);
    expect(second.env).toEqual(first.env);
    expect(readFileSync(file, 'utf8').match(/INTERNAL_AUTH_SECRET=/g)).toHaveLength(1);
  });

  it('leaves given secrets alone and says nothing', () => {
    const env = { INTERNAL_AUTH_SECRET: 'x'.repeat(32), AUTH_KEY_ENCRYPTION_KEY: 'k' };
    expect(withDevSecrets(env, file)).toEqual({ env, warnings: [] });
  });

  it('keeps generated secrets in memory only when given no file', () => {
    const sut = withDevSecrets({ INTERNAL_AUTH_SECRET: 'x'.repeat(32) }, null);
    expect(sut.env.AUTH_KEY_ENCRYPTION_KEY).toBeTruthy();
    expect(sut.warnings.join('\n')).toMatch(/this run only/);
  });

  it('refuses to invent secrets in production', () => {
    expect(() => withDevSecrets({ NODE_ENV: 'production' }, file)).toThrow(/must be set when NODE_ENV=production/);
  });
});
