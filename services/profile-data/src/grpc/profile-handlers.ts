import type { AuthServiceService } from '#gen/egp/auth/v1/auth_service';
import type { Profile as ProfileMessage, ProfileDataServiceServer } from '#gen/egp/profile_data/v1/profile_data_service';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid } from '#libs/db';
import { AppError } from '#libs/errors';
import type { AsyncClient, AsyncHandlers, CallContext } from '#libs/grpc';
import type { Profile } from '../db/entities/index.ts';
import { updateProfile } from '../domain/profile-update.ts';
import { getProfile, type ProfileSeed } from '../domain/profiles.ts';

function toProfileMessage(profile: Profile): ProfileMessage {
  return {
    userId: profile.userId,
    displayName: profile.displayName,
    avatarUrl: profile.avatarUrl ?? undefined,
    createdAt: profile.createdAt.toISOString(),
    updatedAt: profile.updatedAt.toISOString(),
  };
}

export interface ProfileHandlerDeps {
  em: EntityManager;
  auth: AsyncClient<typeof AuthServiceService>;
}

export function profileHandlers(deps: ProfileHandlerDeps): AsyncHandlers<ProfileDataServiceServer> {
  /** Reads the registration from auth when the `user.registered` event has not been projected yet. */
  function seedFromAuth(userId: string, { requestId, deadline }: CallContext) {
    return async (): Promise<ProfileSeed> => {
      const principal = { kind: 'service', service: 'profile-data' } as const;
      const { user } = await deps.auth.getUser({ userId }, { principal, requestId, deadline, idempotent: true });
      if (!user) throw AppError.notFound('Profile');
      return { userId: user.id, displayName: user.displayName, createdAt: new Date(user.createdAt) };
    };
  }

  return {
    getProfile: async ({ userId }, context) => {
      if (!isUuid(userId)) throw AppError.notFound('Profile');
      return { profile: toProfileMessage(await getProfile(deps.em, context.principal, userId, seedFromAuth(userId, context))) };
    },
    updateProfile: async (request, context) => {
      const { principal } = context;
      if (principal.kind !== 'user' || principal.tokenType !== 'access') throw AppError.unauthenticated();
      if (principal.userId !== request.userId) throw AppError.notFound('Profile');
      const avatarUrl = request.clearAvatarUrl ? null : request.avatarUrl;
      const profile = await updateProfile(deps.em, principal.userId, { displayName: request.displayName, avatarUrl }, seedFromAuth(principal.userId, context));
      return { profile: toProfileMessage(profile) };
    },
  };
}
