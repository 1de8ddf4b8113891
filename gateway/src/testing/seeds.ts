/** Request bodies of the binding seeds (/work/shared/seeds), to the letter. */

/** `egp-org-settings-put.txt`: the request; its 200 response is the same object. */
export const seedSettingsBody = {
  login_methods: ['email_password', 'google_sso'],
  organization_id: 'a1b2c3d4-e5f6-7890-1234-567890abcdef',
  password_policy: '{"minLength": 8, "requireUppercase": true}',
  require_2fa: false,
  sso_domain: 'mycompany.com',
  sso_enabled: true,
  sso_oidc_client_id: '1234567890-abc.apps.googleusercontent.com',
  sso_oidc_discovery_url: 'https://accounts.google.com/.well-known/openid-configuration',
  sso_provider: 'saml',
  updated_at: '2023-10-26T15:00:00Z',
};

/** `egp-org-members-post.txt`: the 201 response example. */
export const seedMemberResponse = {
  custom_data: {},
  joined_at: '2023-10-26T09:30:00Z',
  organization_id: 'a1b2c3d4-e5f6-7890-1234-567890abcdef',
  role: 'MEMBER',
  user_id: 'b2c3d4e5-f6a7-8901-2345-67890abcdef0',
};
