import type { User, Wallet } from '../db/entities/index.ts';
import type { TokenIssuer } from './token-issuer.ts';
import type { OpenedSession } from './sessions.ts';

/**
 * What callers may see of an account (never its password hash), with the profile fields auth
 * copies; `updatedAt` is the later of the account's and the profile's last change.
 */
export interface UserView {
  user: Pick<User, 'id' | 'email' | 'displayName' | 'avatarUrl' | 'createdAt' | 'updatedAt'>;
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
  const access = tokens.accessTokenWithin({ userId, sessionId: opened.session.id }, opened.session.expiresAt);
  return { accessToken: access.token, refreshToken: opened.refreshToken, tokenType: 'Bearer', expiresIn: access.expiresIn };
}
