import type { GatewayClients } from '../clients/types.ts';
import { defineRoute, type ApiRouter } from '../openapi/define-route.ts';
import { acceptInvitationBody, createdInvitationSchema, createInvitationBody, invitationSchema, toInvitationView } from '../schemas/invitations.ts';
import { invitationParams, knownIds, memberSchema, orgParams, present, toMemberView } from '../schemas/organizations.ts';
import { listQuery, pageOf, toPage } from '../schemas/pagination.ts';
import { API_V1 } from './paths.ts';

const tags = ['Invitations'];
const invitations = `${API_V1}/organizations/:orgId/invitations`;
const notFound = 'No such organization or invitation, or the caller is not a member of the organization.';
const adminsOnly = 'The caller is a member, but not an ADMIN or OWNER.';

export function invitationRoutes(router: ApiRouter, { org }: GatewayClients): void {
  defineRoute(
    router,
    {
      method: 'post',
      path: invitations,
      summary: 'Send an invitation to join an organization',
      description:
        'ADMIN or OWNER. The role is MEMBER or ADMIN. The answer carries the token this once (only its hash is stored); ' +
        'the invitee, signed in with the invited email, presents it to POST /invitations/accept before `expires_at`. ' +
        'A pending invitation to the same address is revoked and replaced. Pending invitations are revoked when their ' +
        'sender is removed or demoted to MEMBER, and when the invited address joins or is removed by other means.',
      tags,
      auth: 'user_or_service_token',
      params: orgParams,
      body: createInvitationBody,
      responses: { 201: createdInvitationSchema, 403: adminsOnly, 404: notFound, 409: 'Another invitation to the same address was created at the same moment; try again.' },
    },
    async ({ params, body, call }) => {
      const { orgId } = knownIds(params);
      const created = await org.createInvitation({ organizationId: orgId, email: body.email, role: body.role }, call);
      return { ...toInvitationView(present(created.invitation, 'invitation')), token: created.token };
    },
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: invitations,
      summary: "List an organization's invitations",
      description: 'ADMIN or OWNER. Every status; never the tokens.',
      tags,
      auth: 'user_or_service_token',
      params: orgParams,
      query: listQuery,
      responses: { 200: pageOf(invitationSchema), 403: adminsOnly, 404: notFound },
    },
    async ({ params, query, call }) => {
      const { orgId } = knownIds(params);
      const result = await org.listInvitations({ organizationId: orgId, page: toPage(query) }, { ...call, idempotent: true });
      return { data: result.invitations.map(toInvitationView), next_cursor: result.nextCursor ?? null };
    },
  );

  defineRoute(
    router,
    {
      method: 'delete',
      path: `${invitations}/:invitationId`,
      summary: 'Revoke an invitation',
      description: 'ADMIN or OWNER. Its token stops working at once. Revoking one already revoked or expired changes nothing (204).',
      tags,
      auth: 'user_or_service_token',
      params: invitationParams,
      responses: { 204: null, 403: adminsOnly, 404: notFound, 409: 'The invitation was already accepted.' },
    },
    async ({ params, call }) => {
      const { orgId, invitationId } = knownIds(params);
      await org.revokeInvitation({ organizationId: orgId, invitationId }, call);
    },
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: `${API_V1}/invitations/accept`,
      summary: 'Accept an organization invitation',
      description:
        "Needs the user's own access token, and the user's email must be the invited one. Single use: an unknown, used, revoked or expired token is a 404.",
      tags,
      auth: 'user',
      body: acceptInvitationBody,
      responses: { 200: memberSchema, 404: 'No pending invitation with this token for the caller.', 409: 'The caller is already a member.' },
    },
    async ({ body, call }) => toMemberView(present((await org.acceptInvitation({ token: body.token }, call)).member, 'member')),
  );

  defineRoute(
    router,
    {
      method: 'get',
      path: `${API_V1}/invitations`,
      summary: "List the caller's pending invitations",
      description: "Invitations addressed to the caller's email that can still be accepted; never the tokens.",
      tags,
      auth: 'user',
      query: listQuery,
      responses: { 200: pageOf(invitationSchema) },
    },
    async ({ query, call }) => {
      const result = await org.listMyInvitations({ page: toPage(query) }, { ...call, idempotent: true });
      return { data: result.invitations.map(toInvitationView), next_cursor: result.nextCursor ?? null };
    },
  );
}
