import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrganizationSettings } from '#gen/egp/org/v1/org_service';
import { as, internalPrincipal, outboxTypes, startOrgHarness, type OrgHarness, type TestUser } from '../support/org-harness.ts';

/** The body of the seed `egp-org-settings-put.txt`. */
const seedSettings = (organizationId: string): OrganizationSettings => ({
  organizationId,
  loginMethods: ['email_password', 'google_sso'],
  passwordPolicy: '{"minLength": 8, "requireUppercase": true}',
  require2fa: false,
  ssoDomain: 'mycompany.com',
  ssoEnabled: true,
  ssoOidcClientId: '1234567890-abc.apps.googleusercontent.com',
  ssoOidcDiscoveryUrl: 'https://accounts.google.com/.well-known/openid-configuration',
  ssoProvider: 'saml',
  updatedAt: '2023-10-26T15:00:00Z',
});

const invalidFields: [string, Partial<OrganizationSettings>][] = [
  ['login_methods', { loginMethods: [] }],
  ['login_methods', { loginMethods: ['email_password', 'carrier_pigeon'] }],
  ['login_methods', { loginMethods: ['email_password', 'email_password'] }],
  ['password_policy', { passwordPolicy: 'not json' }],
  ['password_policy', { passwordPolicy: '{"minLength": 7}' }],
  ['password_policy', { passwordPolicy: '{"minLength": 129}' }],
  ['password_policy', { passwordPolicy: '{"minLength": 8.5}' }],
  ['password_policy', { passwordPolicy: '{"requireEmoji": true}' }],
  ['password_policy', { passwordPolicy: '{"__proto__": {"admin": true}}' }],
  ['password_policy', { passwordPolicy: '[8]' }],
  ['password_policy', { passwordPolicy: '{"requireNumber": "yes"}' }],
  ['sso_domain', { ssoDomain: 'not a domain' }],
  ['sso_domain', { ssoDomain: 'https://mycompany.com' }],
  ['sso_oidc_discovery_url', { ssoOidcDiscoveryUrl: 'http://accounts.google.com/.well-known/openid-configuration' }],
  ['sso_oidc_discovery_url', { ssoOidcDiscoveryUrl: 'javascript:alert(1)' }],
  ['sso_provider', { ssoProvider: 'myspace' }],
  ['sso_provider', { ssoProvider: undefined }],
  ['sso_oidc_client_id', { ssoOidcClientId: 'x'.repeat(256) }],
  ['sso_oidc_client_id', { ssoOidcClientId: '' }],
];

describe('org settings, organizations and access policy (real Postgres)', () => {
  let sut: OrgHarness;
  let owner: TestUser;
  let organizationId: string;

  beforeAll(async () => {
    sut = await startOrgHarness();
    owner = await sut.registerUser('settings');
    organizationId = (await sut.client.createOrganization({ name: '  Settings Co  ' }, as(owner.principal))).organization?.id ?? '';
  });
  afterAll(() => sut.stop());

  it('creates an organization (trimmed name, caller as OWNER) with default settings', async () => {
    const { organization } = await sut.client.getOrganization({ organizationId }, as(owner.principal));
    expect(organization).toMatchObject({ id: organizationId, name: 'Settings Co' });
    await expect(sut.client.getMember({ organizationId, userId: owner.userId }, as(owner.principal))).resolves.toMatchObject({ member: { role: 'OWNER' } });
    const fresh = await sut.client.createOrganization({ name: 'Defaults' }, as(owner.principal));
    const { settings } = await sut.client.getSettings({ organizationId: fresh.organization?.id ?? '' }, as(owner.principal));
    expect(settings).toEqual({
      organizationId: fresh.organization?.id,
      loginMethods: ['email_password', 'web3_siwe'],
      passwordPolicy: '{"minLength":8}',
      require2fa: false,
      ssoEnabled: false,
      updatedAt: expect.any(String) as string,
    });
    await expect(sut.client.createOrganization({ name: '   ' }, as(owner.principal))).rejects.toMatchObject({ code: 'VALIDATION_FAILED', fields: [expect.objectContaining({ field: 'name' })] });
    // The org service applies the gateway's rule for names others are shown, not a weaker one.
    const refused = [['Studio\u200B', 'must not contain control, format or bidirectional override characters'], ['\u3164', 'must contain a visible character']] as const;
    for (const [name, message] of refused) {
      await expect(sut.client.createOrganization({ name }, as(owner.principal))).rejects.toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'name', message }] });
    }
    await expect(sut.client.createOrganization({ name: 'می‌خواهم Studio' }, as(owner.principal))).resolves.toMatchObject({ organization: { name: 'می‌خواهم Studio' } });
  });

  it('round-trips a valid complete settings object, the policy byte for byte, and records org.settings_updated', async () => {
    const { settings } = await sut.client.updateSettings({ settings: seedSettings(organizationId) }, as(owner.principal));
    const expected = { ...seedSettings(organizationId), passwordPolicy: '{"minLength": 8, "requireUppercase": true}', updatedAt: expect.any(String) as string };
    expect(settings).toEqual(expected);
    expect((await sut.client.getSettings({ organizationId }, as(owner.principal))).settings).toEqual(expected);
    expect(await outboxTypes(sut.db, organizationId)).toContain('org.settings_updated');
  });

  it.each(invalidFields)('rejects an invalid %s (VALIDATION_FAILED naming the field)', async (field, change) => {
    const settings = { ...seedSettings(organizationId), ...change };
    await expect(sut.client.updateSettings({ settings }, as(owner.principal))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [expect.objectContaining({ field })],
    });
  });

  it('answers GetAccess from current membership and settings', async () => {
    await sut.client.updateSettings({ settings: { ...seedSettings(organizationId), require2fa: true, passwordPolicy: '{"minLength":12}' } }, as(owner.principal));
    await expect(sut.client.getAccess({ organizationId, userId: owner.userId }, as(internalPrincipal))).resolves.toEqual({
      role: 'OWNER',
      loginMethods: ['email_password', 'google_sso'],
      require2fa: true,
      passwordPolicy: '{"minLength":12}',
    });
  });

  it('combines the strictest password policy over all of a user\'s organizations', async () => {
    const user = await sut.registerUser('policy');
    const policyOf = async () => (await sut.client.getPasswordPolicyForUser({ userId: user.userId }, as(internalPrincipal))).policy;
    expect(await policyOf()).toEqual({ minLength: 8, requireUppercase: false, requireLowercase: false, requireNumber: false, requireSymbol: false });
    for (const policy of ['{"minLength":12,"requireUppercase":true}', '{"minLength":10,"requireSymbol":true}']) {
      const id = (await sut.client.createOrganization({ name: 'Strict' }, as(user.principal))).organization?.id ?? '';
      await sut.client.updateSettings({ settings: { organizationId: id, loginMethods: ['email_password'], passwordPolicy: policy, require2fa: false, ssoEnabled: false, updatedAt: '' } }, as(user.principal));
    }
    expect(await policyOf()).toEqual({ minLength: 12, requireUppercase: true, requireLowercase: false, requireNumber: false, requireSymbol: true });
  });

  it('pages the caller\'s organizations in creation order', async () => {
    const user = await sut.registerUser('lister');
    const created: string[] = [];
    for (const name of ['One', 'Two', 'Three']) created.push((await sut.client.createOrganization({ name }, as(user.principal))).organization?.id ?? '');
    const first = await sut.client.listMyOrganizations({ page: { limit: 2 } }, as(user.principal));
    expect(first.organizations.map((organization) => organization.id)).toEqual(created.slice(0, 2));
    const second = await sut.client.listMyOrganizations({ page: { limit: 2, cursor: first.nextCursor } }, as(user.principal));
    expect(second.organizations.map((organization) => organization.id)).toEqual(created.slice(2));
    expect(second.nextCursor).toBeUndefined();
  });
});
