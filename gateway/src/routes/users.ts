import type { UserView as UserViewMessage } from '#gen/egp/profile_data/v1/profile_data_service';
import { AppError } from '#libs/errors';
import type { SessionRevocationView } from '#libs/session-revocation';
import type { GatewayClients } from '../clients/types.ts';
import { defineRoute, type ApiRouter } from '../openapi/define-route.ts';
import { changePasswordBody, updateProfileBody } from '../schemas/me.ts';
import { toUserView, userSchema, type UserView } from '../schemas/user.ts';
import { API_V1 } from './paths.ts';

/** profile-data answers the whole user (profile and projected account) in one call. */
function shownUser(user: UserViewMessage | undefined): UserView {
  if (!user) throw AppError.internal(new Error('profile-data returned no user'));
  return toUserView(user);
}

export function userRoutes(router: ApiRouter, clients: GatewayClients, revocations: Pick<SessionRevocationView, 'sessionsEnded'>): void {
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
    async ({ principal, call }) => shownUser((await clients.profileData.getUser({ userId: principal.userId }, { ...call, idempotent: true })).user),
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
      const request = {
        userId: principal.userId,
        displayName: body.display_name,
        avatarUrl: body.avatar_url ?? undefined,
        clearAvatarUrl: body.avatar_url === null,
      };
      return shownUser((await clients.profileData.updateProfile(request, call)).user);
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
      responses: { 204: null, 400: 'The new password is not acceptable or is the current one, or the current password is wrong.', 429: 'Too many wrong current passwords; see Retry-After.' },
    },
    async ({ body, call }) => {
      await clients.auth.changePassword({ currentPassword: body.current_password, newPassword: body.new_password }, call);
      // The other sessions' ids are unknown here: this gateway waits for their pub/sub message.
      revocations.sessionsEnded([]);
    },
  );
}
