import { describe, expect, it } from 'vitest';
import { toFieldErrors } from '../middleware/validation.ts';
import { seedSettingsBody } from '../testing/seeds.ts';
import { toSettingsMessage, updateSettingsBody } from './org-settings.ts';

function fieldsRejected(body: unknown): string[] {
  const result = updateSettingsBody.safeParse(body);
  return result.success ? [] : toFieldErrors('body', result.error).map((error) => error.field);
}

describe('updateSettingsBody', () => {
  const sut = updateSettingsBody;

  it("accepts the seed's body and ignores its read-only organization_id and updated_at", () => {
    const parsed = sut.parse(seedSettingsBody);
    expect(parsed).not.toHaveProperty('organization_id');
    expect(parsed).not.toHaveProperty('updated_at');
    expect(toSettingsMessage('0196b6c8-0000-7000-8000-0000000000aa', parsed)).toEqual({
      organizationId: '0196b6c8-0000-7000-8000-0000000000aa',
      loginMethods: ['email_password', 'google_sso'],
      passwordPolicy: '{"minLength": 8, "requireUppercase": true}',
      require2fa: false,
      ssoDomain: 'mycompany.com',
      ssoEnabled: true,
      ssoOidcClientId: '1234567890-abc.apps.googleusercontent.com',
      ssoOidcDiscoveryUrl: 'https://accounts.google.com/.well-known/openid-configuration',
      ssoProvider: 'saml',
      updatedAt: '',
    });
  });

  it('lets optional fields be null or absent, both meaning unset', () => {
    const { sso_domain: _domain, sso_provider: _provider, ...rest } = seedSettingsBody;
    const parsed = sut.parse({ ...rest, sso_oidc_client_id: null, sso_oidc_discovery_url: null });
    const message = toSettingsMessage('0196b6c8-0000-7000-8000-0000000000aa', parsed);
    expect([message.ssoDomain, message.ssoProvider, message.ssoOidcClientId, message.ssoOidcDiscoveryUrl]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('normalizes the SSO domain', () => {
    expect(sut.parse({ ...seedSettingsBody, sso_domain: ' MyCompany.COM ' }).sso_domain).toBe('mycompany.com');
  });

  it.each([
    ['login_methods', 'an unknown method', ['email_password', 'facebook']],
    ['login_methods', 'an empty list', []],
    ['login_methods', 'a repeated method', ['email_password', 'email_password']],
    ['login_methods', 'a string', 'email_password'],
    ['password_policy', 'text that is not JSON', 'minLength=8'],
    ['password_policy', 'an array', '[8]'],
    ['password_policy', 'an unknown key', '{"minLength": 8, "maxLength": 64}'],
    ['password_policy', 'minLength under 8', '{"minLength": 7}'],
    ['password_policy', 'minLength over 128', '{"minLength": 129}'],
    ['password_policy', 'a fractional minLength', '{"minLength": 8.5}'],
    ['password_policy', 'a non-boolean rule', '{"requireSymbol": "yes"}'],
    ['password_policy', 'an object instead of a string', { minLength: 8 }],
    ['password_policy', 'more than 1024 characters', `{"minLength": 8${' '.repeat(1024)}}`],
    ['require_2fa', 'a string', 'false'],
    ['sso_enabled', 'a number', 1],
    ['sso_domain', 'a URL', 'https://mycompany.com'],
    ['sso_domain', 'a single label', 'localhost'],
    ['sso_domain', 'spaces inside', 'my company.com'],
    ['sso_oidc_client_id', 'whitespace inside', 'abc def'],
    ['sso_oidc_client_id', 'an empty string', ''],
    ['sso_oidc_discovery_url', 'plain http', 'http://accounts.google.com/.well-known/openid-configuration'],
    ['sso_oidc_discovery_url', 'a relative path', '/.well-known/openid-configuration'],
    ['sso_oidc_discovery_url', 'credentials in the URL', 'https://user:pw@accounts.google.com/'],
    ['sso_oidc_discovery_url', 'surrounding spaces the URL parser would strip', ' https://accounts.google.com/ '],
    ['sso_oidc_discovery_url', 'a missing // the URL parser would add', 'https:accounts.google.com/'],
    ['sso_provider', 'an unknown provider', 'facebook'],
    ['sso_provider', 'the wrong case', 'SAML'],
  ])('rejects %s as %s', (field, _case, value) => {
    // An array element is reported by its path (login_methods.1); the field is what counts.
    expect(fieldsRejected({ ...seedSettingsBody, [field]: value }).map((path) => path.split('.')[0])).toEqual([field]);
  });

  it.each(['login_methods', 'password_policy', 'require_2fa', 'sso_enabled'])('requires %s: PUT sends the complete object', (field) => {
    const { [field as keyof typeof seedSettingsBody]: _omitted, ...rest } = seedSettingsBody;
    expect(fieldsRejected(rest)).toEqual([field]);
  });

  it.each(['owner_id', 'role', 'user_id', 'sso_oidc_client_secret'])('refuses the unknown field %s (no mass assignment)', (field) => {
    expect(fieldsRejected({ ...seedSettingsBody, [field]: 'x' })).toEqual([field]);
  });

  it('accepts every known policy key at its bounds', () => {
    const policy = JSON.stringify({ minLength: 128, requireUppercase: true, requireLowercase: false, requireNumber: true, requireSymbol: true });
    expect(fieldsRejected({ ...seedSettingsBody, password_policy: policy })).toEqual([]);
    expect(fieldsRejected({ ...seedSettingsBody, password_policy: '{}' })).toEqual([]);
  });
});
