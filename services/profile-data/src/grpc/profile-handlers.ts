import type { ProfileDataServiceServer, UserView as UserViewMessage } from '#gen/egp/profile_data/v1/profile_data_service';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid } from '#libs/db';
import { AppError } from '#libs/errors';
import type { AsyncHandlers } from '#libs/grpc';
import { updateProfile } from '../domain/profile-update.ts';
import { getUserView, type UserView } from '../domain/user-view.ts';
import { authAccounts, type AuthClient } from './auth-accounts.ts';

function toUserViewMessage(view: UserView): UserViewMessage {
  return {
    userId: view.userId,
    email: view.email,
    displayName: view.displayName,
    avatarUrl: view.avatarUrl ?? undefined,
    wallets: view.wallets.map((wallet) => ({ address: wallet.address, chainId: wallet.chainId })),
    createdAt: view.createdAt.toISOString(),
    updatedAt: view.updatedAt.toISOString(),
  };
}

export interface ProfileHandlerDeps {
  em: EntityManager;
  auth: AuthClient;
}

export function profileHandlers(deps: ProfileHandlerDeps): AsyncHandlers<ProfileDataServiceServer> {
  return {
    getUser: async ({ userId }, context) => {
      if (!isUuid(userId)) throw AppError.notFound('User');
      return { user: toUserViewMessage(await getUserView(deps.em, context.principal, userId, authAccounts(deps.auth, context))) };
    },
    updateProfile: async (request, context) => {
      const { principal } = context;
      if (principal.kind !== 'user' || principal.tokenType !== 'access') throw AppError.unauthenticated();
      if (principal.userId !== request.userId) throw AppError.notFound('User');
      const avatarUrl = request.clearAvatarUrl ? null : request.avatarUrl;
      const view = await updateProfile(deps.em, principal.userId, { displayName: request.displayName, avatarUrl }, authAccounts(deps.auth, context));
      return { user: toUserViewMessage(view) };
    },
  };
}
