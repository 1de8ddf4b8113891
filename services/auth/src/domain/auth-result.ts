import type { User, Wallet } from '../db/entities/index.ts';
import type { TokenIssuer } from './token-issuer.ts';
import type { OpenedSession } from './sessions.ts';

/** What callers may see of an account: never its password hash. */
export interface UserView {
  user: Pick<User, 'id' | 'email' | 'displayName' | 'createdAt' | 'updatedAt'>;
  wallets: Pick<Wallet, 'address' | 'chainId'>[];
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface AuthResult extends UserView {
  tokens: IssuedTokens;
}

/** Signs the access token for a freshly opened session and bundles the pair. */
export function tokensFor(tokens: TokenIssuer, userId: string, opened: OpenedSession): IssuedTokens {
  return {
    accessToken: tokens.accessToken({ userId, sessionId: opened.session.id }),
    refreshToken: opened.refreshToken,
    tokenType: 'Bearer',
    expiresIn: tokens.accessTokenTtlSeconds,
  };
}
