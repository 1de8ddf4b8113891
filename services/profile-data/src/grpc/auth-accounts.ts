import type { AuthServiceService, User } from '#gen/egp/auth/v1/auth_service';
import { isAppError } from '#libs/errors';
import type { AsyncClient, CallContext } from '#libs/grpc';
import type { Account, AccountSource } from '../domain/account-projection.ts';

export type AuthClient = AsyncClient<typeof AuthServiceService>;

function toAccount(user: User): Account {
  return {
    userId: user.id,
    email: user.email,
    displayName: user.displayName,
    wallets: user.wallets.map((wallet) => ({ address: wallet.address, chainId: wallet.chainId })),
    createdAt: new Date(user.createdAt),
    updatedAt: new Date(user.updatedAt),
  };
}

/**
 * Reads accounts from auth (GetUser) as this service, for the projection's first write and
 * read-repair. A request's id and deadline are passed on when there is a request.
 */
export function authAccounts(auth: AuthClient, context: Partial<Pick<CallContext, 'requestId' | 'deadline'>> = {}): AccountSource {
  const principal = { kind: 'service', service: 'profile-data' } as const;
  return async (userId) => {
    try {
      const { user } = await auth.getUser({ userId }, { principal, requestId: context.requestId, deadline: context.deadline, idempotent: true });
      return user && toAccount(user);
    } catch (error) {
      // Auth's NOT_FOUND is an answer (no such user), not a failure to retry.
      if (isAppError(error) && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  };
}
