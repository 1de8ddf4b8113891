import { describe, expect, it } from 'vitest';
import { validateSettings, type SettingsInput } from './settings-validation.ts';

const valid: SettingsInput = {
  loginMethods: ['email_password', 'web3_siwe', 'oidc_sso'],
  passwordPolicy: '{"minLength":10}',
  require2fa: true,
  ssoEnabled: true,
  ssoDomain: 'Example.COM',
  ssoOidcClientId: 'client-123',
  ssoOidcDiscoveryUrl: 'https://login.example.com/.well-known/openid-configuration',
  ssoProvider: 'okta',
};

function fieldsOf(input: SettingsInput): string[] {
  try {
    validateSettings(input);
    return [];
  } catch (error) {
    return ((error as { fields?: { field: string }[] }).fields ?? []).map((field) => field.field);
  }
}

describe(validateSettings.name, () => {
  it('normalizes a valid object (domain lower-cased, unset SSO fields null)', () => {
    expect(validateSettings(valid)).toMatchObject({ ssoDomain: 'example.com', passwordPolicy: { minLength: 10 } });
    expect(validateSettings({ loginMethods: ['web3_siwe'], passwordPolicy: '{}', require2fa: false, ssoEnabled: false })).toMatchObject({
      ssoDomain: null,
      ssoProvider: null,
      ssoOidcClientId: null,
      ssoOidcDiscoveryUrl: null,
    });
  });

  it('reports every invalid field at once, in API spelling', () => {
    expect(
      fieldsOf({ loginMethods: ['sms'], passwordPolicy: '{', require2fa: false, ssoEnabled: false, ssoDomain: '-bad-.com', ssoOidcDiscoveryUrl: 'https://x.com/#frag', ssoProvider: 'ldap', ssoOidcClientId: 'has space' }),
    ).toEqual(['login_methods', 'password_policy', 'sso_domain', 'sso_oidc_discovery_url', 'sso_provider', 'sso_oidc_client_id']);
  });

  it('rejects discovery URLs with credentials and domains without a dot', () => {
    expect(fieldsOf({ ...valid, ssoOidcDiscoveryUrl: 'https://user:pw@login.example.com/x' })).toEqual(['sso_oidc_discovery_url']);
    // NUL (which Postgres refuses) and a newline the URL parser would drop: not stored as typed.
    expect(fieldsOf({ ...valid, ssoOidcDiscoveryUrl: 'https://login.example.com/\u0000' })).toEqual(['sso_oidc_discovery_url']);
    expect(fieldsOf({ ...valid, ssoOidcDiscoveryUrl: 'https://login.example.com/\n' })).toEqual(['sso_oidc_discovery_url']);
    expect(fieldsOf({ ...valid, ssoDomain: 'localhost' })).toEqual(['sso_domain']);
  });
});
