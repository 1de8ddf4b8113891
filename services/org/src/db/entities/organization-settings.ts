import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { StoredPasswordPolicy } from '../../domain/password-policy.ts';

/** One row per organization: how its members may sign in and what their passwords must meet. */
export const OrganizationSettingsSchema = defineEntity({
  name: 'OrganizationSettings',
  tableName: 'organization_settings',
  properties: {
    organizationId: p.uuid().primary(),
    loginMethods: p.array().$type<string[]>(),
    /** Only the keys the organization set; unset keys fall back to the defaults when enforced. */
    passwordPolicy: p.json<StoredPasswordPolicy>(),
    /** The policy exactly as the client wrote it, echoed back byte for byte. */
    passwordPolicySource: p.text(),
    require2fa: p.boolean().fieldName('require_2fa'),
    ssoEnabled: p.boolean(),
    ssoDomain: p.text().nullable(),
    ssoOidcClientId: p.text().nullable(),
    ssoOidcDiscoveryUrl: p.text().nullable(),
    ssoProvider: p.text().nullable(),
    updatedAt: p.datetime(),
  },
});

export type OrganizationSettings = InferEntity<typeof OrganizationSettingsSchema>;
