import { z } from 'zod';
import type { OrganizationSettings } from '#gen/egp/org/v1/org_service';
import { isHttpsUrl, MAX_URL_LENGTH } from '#libs/https-url';
import { writableBody } from '../middleware/validation.ts';
import { idField } from './organizations.ts';
import { timestamp } from './timestamp.ts';

export const loginMethods = ['email_password', 'web3_siwe', 'google_sso', 'oidc_sso', 'saml_sso'] as const;
export const ssoProviders = ['google', 'azure_ad', 'okta', 'auth0', 'oidc', 'saml'] as const;

const MAX_POLICY_LENGTH = 1024;
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const PRINTABLE_ASCII = /^[\x21-\x7e]{1,255}$/;

/** The only keys a password policy may have; absent keys keep the defaults. */
export const passwordPolicyShape = z.strictObject({
  minLength: z.number().int().min(8).max(128).optional(),
  requireUppercase: z.boolean().optional(),
  requireLowercase: z.boolean().optional(),
  requireNumber: z.boolean().optional(),
  requireSymbol: z.boolean().optional(),
});

/** `password_policy` is a JSON string (the seed's choice); its content is validated like a body. */
const passwordPolicyField = z
  .string()
  .max(MAX_POLICY_LENGTH)
  .superRefine((json, ctx) => {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
      return;
    }
    const policy = passwordPolicyShape.safeParse(value);
    for (const issue of policy.error?.issues ?? []) {
      const key = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.');
      ctx.addIssue({ code: 'custom', message: `${key ? `${key}: ` : ''}${issue.message} (known keys: minLength 8-128, requireUppercase, requireLowercase, requireNumber, requireSymbol)` });
    }
  })
  .meta({ description: 'A JSON object as a string: `minLength` (8-128), `requireUppercase`, `requireLowercase`, `requireNumber`, `requireSymbol` (booleans)' });

const isDiscoveryUrl = (value: string) => isHttpsUrl(value, { fragment: false });

/**
 * The complete settings object (PUT replaces it). The seed's read-only `organization_id`
 * and `updated_at` are ignored; anything else unknown is a 400. Optional fields may be
 * null or absent: both clear them. Cross-field rules (`sso_provider` required when
 * `sso_enabled`) are the org service's, which also re-validates every field.
 */
export const updateSettingsBody = writableBody({
  login_methods: z
    .array(z.enum(loginMethods))
    .min(1)
    .refine((methods) => new Set(methods).size === methods.length, 'must not repeat a method')
    .meta({ description: 'Sign-in methods whose sessions may obtain a service token for this organization' }),
  password_policy: passwordPolicyField,
  require_2fa: z.boolean(),
  sso_domain: z.string().trim().toLowerCase().regex(HOSTNAME, 'must be a domain name such as example.com').nullable().optional(),
  sso_enabled: z.boolean(),
  sso_oidc_client_id: z.string().regex(PRINTABLE_ASCII, 'must be 1 to 255 printable characters without spaces').nullable().optional(),
  sso_oidc_discovery_url: z.string().max(MAX_URL_LENGTH).refine(isDiscoveryUrl, 'must be an absolute https URL').nullable().optional(),
  sso_provider: z.enum(ssoProviders).nullable().optional(),
});

export function toSettingsMessage(organizationId: string, body: z.output<typeof updateSettingsBody>): OrganizationSettings {
  return {
    organizationId,
    loginMethods: body.login_methods,
    passwordPolicy: body.password_policy,
    require2fa: body.require_2fa,
    ssoDomain: body.sso_domain ?? undefined,
    ssoEnabled: body.sso_enabled,
    ssoOidcClientId: body.sso_oidc_client_id ?? undefined,
    ssoOidcDiscoveryUrl: body.sso_oidc_discovery_url ?? undefined,
    ssoProvider: body.sso_provider ?? undefined,
    updatedAt: '',
  };
}

/** The seed's response shape, keys in its order; unset optional fields are null. */
export const settingsSchema = z.object({
  login_methods: z.array(z.string()),
  organization_id: idField,
  password_policy: z.string(),
  require_2fa: z.boolean(),
  sso_domain: z.string().nullable(),
  sso_enabled: z.boolean(),
  sso_oidc_client_id: z.string().nullable(),
  sso_oidc_discovery_url: z.string().nullable(),
  sso_provider: z.string().nullable(),
  updated_at: timestamp,
});

export function toSettingsView(settings: OrganizationSettings): z.input<typeof settingsSchema> {
  return {
    login_methods: settings.loginMethods,
    organization_id: settings.organizationId,
    password_policy: settings.passwordPolicy,
    require_2fa: settings.require2fa,
    sso_domain: settings.ssoDomain ?? null,
    sso_enabled: settings.ssoEnabled,
    sso_oidc_client_id: settings.ssoOidcClientId ?? null,
    sso_oidc_discovery_url: settings.ssoOidcDiscoveryUrl ?? null,
    sso_provider: settings.ssoProvider ?? null,
    updated_at: settings.updatedAt,
  };
}
