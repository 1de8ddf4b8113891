import { AppError } from '#libs/errors';
import type { CallOptions } from '#libs/grpc';
import type { UserPrincipal } from '#libs/identity';
import type { GatewayClients } from '../clients/types.ts';
import { defineRoute, type ApiRouter } from '../openapi/define-route.ts';
import { changePasswordBody, updateProfileBody } from '../schemas/me.ts';
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

  defineRoute(
    router,
    {
      method: 'put',
      path: `${API_V1}/users/me`,
      summary: "Update current user's profile",
      description: 'Changes `display_name` (1 to 100 characters) and/or `avatar_url` (an https URL, or null to remove it). Any other field is a 400.',
      tags: ['Users'],
      auth: 'user',
      body: updateProfileBody,
      responses: { 200: userSchema, 404: 'The account no longer exists.' },
    },
    async ({ body, principal, call }) => {
      const update = clients.profileData.updateProfile(
        {
          userId: principal.userId,
          displayName: body.display_name,
          avatarUrl: body.avatar_url ?? undefined,
          clearAvatarUrl: body.avatar_url === null,
        },
        call,
      );
      // The account is not touched by a profile edit, so it is read alongside.
      const [profile, account] = await Promise.all([update, clients.auth.getUser({ userId: principal.userId }, { ...call, idempotent: true })]);
      if (!account.user) throw AppError.notFound('User');
      return toUserView(account.user, profile.profile);
    },
  );

  defineRoute(
    router,
    {
      method: 'put',
      path: `${API_V1}/users/me/password`,
      summary: "Update current user's password",
      description: "Needs the current password. Every other session of the user ends at once (their refresh and access tokens stop working); this one stays.",
      tags: ['Users'],
      auth: 'user',
      body: changePasswordBody,
      responses: { 204: null, 400: 'The new password is not acceptable, or the current password is wrong.', 429: 'Too many wrong current passwords; see Retry-After.' },
    },
    async ({ body, call }) => {
      await clients.auth.changePassword({ currentPassword: body.current_password, newPassword: body.new_password }, call);
    },
  );
}
