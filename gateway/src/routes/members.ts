import type { GatewayClients } from '../clients/types.ts';
import { defineRoute, type ApiRouter } from '../openapi/define-route.ts';
import { addMemberBody, knownIds, memberParams, memberSchema, orgParams, present, toMemberView, updateMemberRoleBody } from '../schemas/organizations.ts';
import { listQuery, pageOf, toPage } from '../schemas/pagination.ts';
import { API_V1 } from './paths.ts';

const tags = ['Organizations'];
const members = `${API_V1}/organizations/:orgId/members`;
const notFound = 'No such organization or member, or the caller is not a member of the organization.';
const adminsOnly = 'The caller is a member, but not an ADMIN or OWNER.';
const ownerRules =
  'Only an OWNER grants or removes OWNER or touches another OWNER; the last OWNER can be neither demoted nor removed (409). ' +
  'A role change applies from the very next request, also to service tokens issued before it.';

export function memberRoutes(router: ApiRouter, { org }: GatewayClients): void {
  defineRoute(
    router,
    {
      method: 'get',
      path: members,
      summary: 'List members of an organization',
      description: 'Any member.',
      tags,
      auth: 'user_or_service_token',
      params: orgParams,
      query: listQuery,
      responses: { 200: pageOf(memberSchema), 404: notFound },
    },
    async ({ params, query, call }) => {
      const { orgId } = knownIds(params);
      const result = await org.listMembers({ organizationId: orgId, page: toPage(query) }, { ...call, idempotent: true });
      return { data: result.members.map(toMemberView), next_cursor: result.nextCursor ?? null };
    },
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: members,
      summary: 'Directly add an existing user to the organization',
      description: 'ADMIN or OWNER. The role is MEMBER or ADMIN (OWNER only through a role change).',
      tags,
      auth: 'user_or_service_token',
      params: orgParams,
      body: addMemberBody,
      responses: { 201: memberSchema, 403: adminsOnly, 404: `${notFound} Also: no user has this user_id.`, 409: 'The user is already a member.' },
    },
    async ({ params, body, call }) => {
      const { orgId } = knownIds(params);
      const { member } = await org.addMember({ organizationId: orgId, userId: body.user_id, role: body.role }, call);
      return toMemberView(present(member, 'member'));
    },
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: `${members}/:userId`,
      summary: "Get a specific member's details",
      description: 'Any member.',
      tags,
      auth: 'user_or_service_token',
      params: memberParams,
      responses: { 200: memberSchema, 404: notFound },
    },
    async ({ params, call }) => {
      const { orgId, userId } = knownIds(params);
      const { member } = await org.getMember({ organizationId: orgId, userId }, { ...call, idempotent: true });
      return toMemberView(present(member, 'member'));
    },
  );

  defineRoute(
    router,
    {
      method: 'put',
      path: `${members}/:userId`,
      summary: "Update a member's role",
      description: `ADMIN or OWNER. ${ownerRules}`,
      tags,
      auth: 'user_or_service_token',
      params: memberParams,
      body: updateMemberRoleBody,
      responses: { 200: memberSchema, 403: `${adminsOnly} Or an ADMIN touching OWNER.`, 404: notFound, 409: 'The last OWNER cannot be demoted.' },
    },
    async ({ params, body, call }) => {
      const { orgId, userId } = knownIds(params);
      const { member } = await org.updateMemberRole({ organizationId: orgId, userId, role: body.role }, call);
      return toMemberView(present(member, 'member'));
    },
  );

  defineRoute(
    router,
    {
      method: 'delete',
      path: `${members}/:userId`,
      summary: 'Remove a member from an organization',
      description: `ADMIN or OWNER, or the member themself (leaving). ${ownerRules}`,
      tags,
      auth: 'user_or_service_token',
      params: memberParams,
      responses: { 204: null, 403: `${adminsOnly} Or an ADMIN removing an OWNER.`, 404: notFound, 409: 'The last OWNER cannot be removed.' },
    },
    async ({ params, call }) => {
      const { orgId, userId } = knownIds(params);
      await org.removeMember({ organizationId: orgId, userId }, call);
    },
  );
}
