import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '#libs/errors';
import { UserSchema, WalletSchema } from '../db/entities/index.ts';
import { tokensFor, type AuthResult } from './auth-result.ts';
import type { IpLimits } from './ip-limits.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { PasswordHasher } from './hashing/password-hasher.ts';
import { PASSWORD_MAX_LENGTH, normalizeEmail } from './password-rules.ts';
import type { SessionFactory } from './sessions.ts';
import type { TokenIssuer } from './token-issuer.ts';

export interface LoginInput {
  email: string;
  password: string;
  ip: string;
}

export interface PasswordLoginDeps {
  em: EntityManager;
  hasher: PasswordHasher;
  sessions: SessionFactory;
  tokens: TokenIssuer;
  throttle: LoginThrottle;
  ipLimits: IpLimits;
}

/** One answer for every failure, so the response never tells which part was wrong. */
export const invalidCredentials = () => new AppError('UNAUTHENTICATED', 'Invalid email or password.');

/**
 * Verifies an email and password. The attempt is counted before the hash is checked (so a
 * parallel burst cannot outrun the limit); unknown accounts cost the same argon2 work as
 * known ones (no timing oracle); hashes made with older parameters are upgraded on success.
 */
export async function loginWithPassword(deps: PasswordLoginDeps, input: LoginInput): Promise<AuthResult> {
  await deps.ipLimits.consume('login', input.ip);
  const account = normalizeEmail(input.email).normalized;
  await deps.throttle.attempt(account, input.ip);
  if ([...input.password].length > PASSWORD_MAX_LENGTH) throw invalidCredentials();

  const em = deps.em.fork();
  const user = await em.findOne(UserSchema, { emailNormalized: account });
  if (!user?.passwordHash) {
    await deps.hasher.verifyAgainstDummy(input.password);
    throw invalidCredentials();
  }
  if (!(await deps.hasher.verify(user.passwordHash, input.password))) throw invalidCredentials();
  await deps.throttle.succeeded(account, input.ip);

  if (deps.hasher.needsRehash(user.passwordHash)) user.passwordHash = await deps.hasher.hash(input.password);
  const opened = deps.sessions.open(em, user.id, ['pwd']);
  await em.flush();
  const wallets = await em.find(WalletSchema, { userId: user.id }, { orderBy: { createdAt: 'asc' } });
  return { user, wallets, tokens: await tokensFor(deps.tokens, user.id, opened) };
}
