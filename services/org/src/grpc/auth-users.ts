import type { AuthServiceService } from '#gen/egp/auth/v1/auth_service';
import { isAppError } from '#libs/errors';
import type { AsyncClient, CallContext } from '#libs/grpc';
import type { FindUser } from '../domain/deps.ts';

export type AuthClient = AsyncClient<typeof AuthServiceService>;

/**
 * Looks users up in the auth service as the org service itself (a `service` principal),
 * within the incoming call's deadline. Only NOT_FOUND means "no such user"; any other
 * failure propagates, so an unreachable auth service fails the call (UNAVAILABLE), never opens it.
 */
export function findUserVia(auth: AuthClient, { requestId, deadline }: CallContext): FindUser {
  return async (userId) => {
    try {
      const { user } = await auth.getUser({ userId }, { principal: { kind: 'service', service: 'org' }, requestId, deadline, idempotent: true });
      return user ? { id: user.id, email: user.email } : undefined;
    } catch (error) {
      if (isAppError(error) && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  };
}
