import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '#libs/errors';
import { recordEvent } from '#libs/events';
import type { Principal } from '#libs/identity';
import { OrganizationSettingsSchema, type OrganizationSettings } from '../db/entities/index.ts';
import { authorizeMember } from './authorization.ts';
import type { OrgDeps } from './deps.ts';
import { defaultStoredPasswordPolicy } from './password-policy.ts';
import { validateSettings, type SettingsInput } from './settings-validation.ts';

/** A new organization's settings: email and wallet sign-in, minimum length 8, no 2FA, no SSO. */
export function createDefaultSettings(em: EntityManager, organizationId: string, now: Date): OrganizationSettings {
  return em.create(OrganizationSettingsSchema, {
    organizationId,
    loginMethods: ['email_password', 'web3_siwe'],
    passwordPolicy: { ...defaultStoredPasswordPolicy },
    passwordPolicySource: JSON.stringify(defaultStoredPasswordPolicy),
    require2fa: false,
    ssoEnabled: false,
    ssoDomain: null,
    ssoOidcClientId: null,
    ssoOidcDiscoveryUrl: null,
    ssoProvider: null,
    updatedAt: now,
  });
}

export async function getSettings(deps: OrgDeps, rawOrganizationId: string, principal: Principal): Promise<OrganizationSettings> {
  const em = deps.em.fork();
  const { organizationId } = await authorizeMember(em, rawOrganizationId, principal, 'ADMIN');
  const settings = await em.findOne(OrganizationSettingsSchema, { organizationId });
  if (!settings) throw AppError.notFound('Organization');
  return settings;
}

/** Replaces the complete settings object and records `org.settings_updated`. */
export async function updateSettings(deps: OrgDeps, rawOrganizationId: string, principal: Principal, input: SettingsInput): Promise<OrganizationSettings> {
  const { organizationId } = await authorizeMember(deps.em.fork(), rawOrganizationId, principal, 'ADMIN');
  const valid = validateSettings(input);
  const settings = await deps.em.fork().transactional(async (em) => {
    const current = await em.findOne(OrganizationSettingsSchema, { organizationId });
    if (!current) throw AppError.notFound('Organization');
    const changes: Partial<OrganizationSettings> = { ...valid, updatedAt: deps.now() };
    Object.assign(current, changes);
    recordEvent(em, { type: 'org.settings_updated', source: 'org', subject: organizationId, data: { organization_id: organizationId } });
    await em.flush();
    return current;
  });
  deps.afterCommit();
  return settings;
}
