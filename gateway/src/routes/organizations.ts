import type { GatewayClients } from '../clients/types.ts';
import { defineRoute, type ApiRouter } from '../openapi/define-route.ts';
import { updateSettingsBody, settingsSchema, toSettingsMessage, toSettingsView } from '../schemas/org-settings.ts';
import { createOrganizationBody, knownIds, orgParams, organizationSchema, present, toOrganizationView } from '../schemas/organizations.ts';
import { listQuery, pageOf, toPage } from '../schemas/pagination.ts';
import { API_V1 } from './paths.ts';

const tags = ['Organizations'];
const notFound = 'No such organization, or the caller is not a member of it.';
const adminsOnly = 'The caller is a member, but not an ADMIN or OWNER.';

/** What the settings do, for the OpenAPI document: they are enforced, not just stored. */
const settingsEnforcement =
  'Settings are enforced: `password_policy` applies whenever a member sets a password (the strictest policy of all their organizations wins); ' +
  '`login_methods` decides which sign-in methods may obtain a service token for the organization (POST /auth/token/exchange answers 403 LOGIN_METHOD_NOT_ALLOWED otherwise); ' +
  '`require_2fa: true` refuses service tokens (403 TWO_FACTOR_REQUIRED) until two-factor authentication exists.';

export function organizationRoutes(router: ApiRouter, { org }: GatewayClients): void {
  defineRoute(
    router,
    {
      method: 'post',
      path: `${API_V1}/organizations`,
      summary: 'Create a new organization',
      description: 'The caller becomes its OWNER. Needs the user\'s own access token.',
      tags,
      auth: 'user',
      body: createOrganizationBody,
      responses: { 201: organizationSchema },
    },
    async ({ body, call }) => toOrganizationView(present((await org.createOrganization({ name: body.name }, call)).organization, 'organization')),
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: `${API_V1}/organizations`,
      summary: "List the caller's organizations",
      description: 'With a service token, only the organization it is bound to.',
      tags,
      auth: 'user_or_service_token',
      query: listQuery,
      responses: { 200: pageOf(organizationSchema) },
    },
    async ({ query, call }) => {
      const result = await org.listMyOrganizations({ page: toPage(query) }, { ...call, idempotent: true });
      return { data: result.organizations.map(toOrganizationView), next_cursor: result.nextCursor ?? null };
    },
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: `${API_V1}/organizations/:orgId`,
      summary: 'Get organization details',
      description: 'Any member.',
      tags,
      auth: 'user_or_service_token',
      params: orgParams,
      responses: { 200: organizationSchema, 404: notFound },
    },
    async ({ params, call }) => {
      const { orgId } = knownIds(params);
      const { organization } = await org.getOrganization({ organizationId: orgId }, { ...call, idempotent: true });
      return toOrganizationView(present(organization, 'organization'));
    },
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: `${API_V1}/organizations/:orgId/settings`,
      summary: 'Get organization settings',
      description: `ADMIN or OWNER. Sensitive fields are omitted; unset optional fields are null. ${settingsEnforcement}`,
      tags,
      auth: 'user_or_service_token',
      params: orgParams,
      responses: { 200: settingsSchema, 403: adminsOnly, 404: notFound },
    },
    async ({ params, call }) => {
      const { orgId } = knownIds(params);
      const { settings } = await org.getSettings({ organizationId: orgId }, { ...call, idempotent: true });
      return toSettingsView(present(settings, 'settings'));
    },
  );

  defineRoute(
    router,
    {
      method: 'put',
      path: `${API_V1}/organizations/:orgId/settings`,
      summary: 'Update organization settings',
      description:
        'ADMIN or OWNER. Sends the complete settings object, which replaces the stored one; the read-only `organization_id` and `updated_at` ' +
        'may be echoed back and are ignored, any other unknown field is a 400. `sso_provider` is required when `sso_enabled` is true. ' +
        `Answers the stored settings, sensitive fields omitted. ${settingsEnforcement}`,
      tags,
      auth: 'user_or_service_token',
      params: orgParams,
      body: updateSettingsBody,
      responses: { 200: settingsSchema, 403: adminsOnly, 404: notFound },
    },
    async ({ params, body, call }) => {
      const { orgId } = knownIds(params);
      const { settings } = await org.updateSettings({ settings: toSettingsMessage(orgId, body) }, call);
      return toSettingsView(present(settings, 'settings'));
    },
  );
}
