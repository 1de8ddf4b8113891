import { AppError } from '#libs/errors';
import type { CallOptions } from '#libs/grpc';
import type { UserPrincipal } from '#libs/identity';
import type { GatewayClients } from '../clients/types.ts';
import { defineRoute, type ApiRouter } from '../openapi/define-route.ts';
import { toUserView, userSchema, type UserView } from '../schemas/user.ts';
import { API_V1 } from './paths.ts';

/** The account (auth) and the profile (profile-data), fetched side by side. */
async function currentUser(clients: GatewayClients, principal: UserPrincipal, call: CallOptions): Promise<UserView> {
  const reads = { ...call, idempotent: true };
  const [account, profile] = await Promise.all([
    clients.auth.getUser({ userId: principal.userId }, reads),
    clients.profileData.getProfile({ userId: principal.userId }, reads),
  ]);
  if (!account.user) throw AppError.notFound('User');
  return toUserView(account.user, profile.profile);
}

export function userRoutes(router: ApiRouter, clients: GatewayClients): void {
  defineRoute(
    router,
    {
      method: 'get',
      path: `${API_V1}/users/me`,
      summary: "Get current user's profile",
      tags: ['Users'],
      auth: 'user',
      responses: { 200: userSchema, 404: 'The account no longer exists.' },
    },
    async ({ principal, call }) => currentUser(clients, principal, call),
  );
}
