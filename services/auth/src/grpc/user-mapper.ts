import type { SessionInfo, TokenPair, User as UserMessage } from '#gen/egp/auth/v1/auth_service';
import type { IssuedTokens, UserView } from '../domain/auth-result.ts';
import type { SessionSummary } from '../domain/user-sessions.ts';

export function toUserMessage({ user, wallets }: UserView): UserMessage {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    ...(user.avatarUrl == null ? {} : { avatarUrl: user.avatarUrl }),
    wallets: wallets.map((wallet) => ({ address: wallet.address, chainId: wallet.chainId })),
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

export function toTokenPair(tokens: IssuedTokens): TokenPair {
  return {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    tokenType: tokens.tokenType,
    expiresIn: tokens.expiresIn,
  };
}

export function toSessionInfo(session: SessionSummary): SessionInfo {
  return {
    id: session.id,
    amr: session.amr,
    createdAt: session.createdAt.toISOString(),
    lastActiveAt: session.lastActiveAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    current: session.current,
  };
}
