import { AppError } from '#libs/errors';
import { createOrganization, getOrganization, listMyOrganizations } from '../domain/organizations.ts';
import { parsePage } from '../domain/pagination.ts';
import { getSettings, updateSettings } from '../domain/settings.ts';
import type { OrgHandlerDeps, OrgHandlers } from './handler-deps.ts';
import { toOrganizationMessage, toSettingsMessage } from './mappers.ts';

export function organizationHandlers({ domain }: OrgHandlerDeps): OrgHandlers<'createOrganization' | 'getOrganization' | 'listMyOrganizations' | 'getSettings' | 'updateSettings'> {
  return {
    createOrganization: async ({ name }, { principal }) => ({ organization: toOrganizationMessage(await createOrganization(domain, principal, name)) }),
    getOrganization: async ({ organizationId }, { principal }) => ({ organization: toOrganizationMessage(await getOrganization(domain, organizationId, principal)) }),
    listMyOrganizations: async ({ page }, { principal }) => {
      const result = await listMyOrganizations(domain, principal, parsePage(page));
      return { organizations: result.items.map(toOrganizationMessage), nextCursor: result.nextCursor };
    },
    getSettings: async ({ organizationId }, { principal }) => ({ settings: toSettingsMessage(await getSettings(domain, organizationId, principal)) }),
    updateSettings: async ({ settings }, { principal }) => {
      if (!settings) throw AppError.validation('Settings are required.', [{ field: 'settings', message: 'is required' }]);
      return { settings: toSettingsMessage(await updateSettings(domain, settings.organizationId, principal, settings)) };
    },
  };
}
