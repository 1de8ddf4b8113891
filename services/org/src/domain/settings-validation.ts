import { AppError, type FieldError } from '#libs/errors';
import { isHttpsUrl } from '#libs/https-url';
import { parsePasswordPolicy, type StoredPasswordPolicy } from './password-policy.ts';

export const loginMethods = ['email_password', 'web3_siwe', 'google_sso', 'oidc_sso', 'saml_sso'] as const;
export const ssoProviders = ['google', 'azure_ad', 'okta', 'auth0', 'oidc', 'saml'] as const;

/** The complete settings object as a client sends it (unset optional fields are undefined). */
export interface SettingsInput {
  loginMethods: string[];
  passwordPolicy: string;
  require2fa: boolean;
  ssoEnabled: boolean;
  ssoDomain?: string | undefined;
  ssoOidcClientId?: string | undefined;
  ssoOidcDiscoveryUrl?: string | undefined;
  ssoProvider?: string | undefined;
}

export interface ValidSettings {
  loginMethods: string[];
  passwordPolicy: StoredPasswordPolicy;
  passwordPolicySource: string;
  require2fa: boolean;
  ssoEnabled: boolean;
  ssoDomain: string | null;
  ssoOidcClientId: string | null;
  ssoOidcDiscoveryUrl: string | null;
  ssoProvider: string | null;
}

const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const PRINTABLE_ASCII = /^[\x21-\x7e]{1,255}$/;

/**
 * Validates every field (here too, not only at the gateway: the service owns its invariants)
 * and reports all problems at once, with field names as the API spells them.
 */
export function validateSettings(input: SettingsInput): ValidSettings {
  const fields: FieldError[] = [];
  const problem = (field: string, message: string) => fields.push({ field, message });

  const unknownMethods = input.loginMethods.filter((method) => !(loginMethods as readonly string[]).includes(method));
  if (input.loginMethods.length === 0) problem('login_methods', 'must contain at least one method');
  else if (unknownMethods.length > 0) problem('login_methods', `must be among ${loginMethods.join(', ')}`);
  else if (new Set(input.loginMethods).size !== input.loginMethods.length) problem('login_methods', 'must not repeat a method');

  const policy = parsePasswordPolicy(input.passwordPolicy);
  if ('error' in policy) problem('password_policy', policy.error);

  const ssoDomain = input.ssoDomain?.trim().toLowerCase();
  if (ssoDomain !== undefined && !HOSTNAME.test(ssoDomain)) problem('sso_domain', 'must be a domain name such as example.com');

  if (input.ssoOidcDiscoveryUrl !== undefined && !isHttpsUrl(input.ssoOidcDiscoveryUrl, { fragment: false })) problem('sso_oidc_discovery_url', 'must be an absolute https URL');

  if (input.ssoProvider !== undefined && !(ssoProviders as readonly string[]).includes(input.ssoProvider)) {
    problem('sso_provider', `must be one of ${ssoProviders.join(', ')}`);
  } else if (input.ssoEnabled && input.ssoProvider === undefined) {
    problem('sso_provider', 'is required when sso_enabled is true');
  }

  if (input.ssoOidcClientId !== undefined && !PRINTABLE_ASCII.test(input.ssoOidcClientId)) {
    problem('sso_oidc_client_id', 'must be 1 to 255 printable characters without spaces');
  }

  if (fields.length > 0 || 'error' in policy) throw AppError.validation('Invalid organization settings.', fields);
  return {
    loginMethods: [...input.loginMethods],
    passwordPolicy: policy.policy,
    passwordPolicySource: input.passwordPolicy,
    require2fa: input.require2fa,
    ssoEnabled: input.ssoEnabled,
    ssoDomain: ssoDomain ?? null,
    ssoOidcClientId: input.ssoOidcClientId ?? null,
    ssoOidcDiscoveryUrl: input.ssoOidcDiscoveryUrl ?? null,
    ssoProvider: input.ssoProvider ?? null,
  };
}

