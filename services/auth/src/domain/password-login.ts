import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '#libs/errors';
import { tokensFor, type AuthResult } from './auth-result.ts';
import type { LoginGate } from './login-gate.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { PasswordHasher } from './hashing/password-hasher.ts';
import { PASSWORD_MAX_LENGTH, normalizeEmail } from './password-rules.ts';
import type { SecurityLog } from './security-log.ts';
import type { SessionFactory } from './sessions.ts';
import type { TokenIssuer } from './token-issuer.ts';
import { findCredentials, replaceOutdatedHash, storedPasswordHash } from './user-records.ts';

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
  /** The per-IP cap and the brute-force attempt, counted together before the hash. */
  gate: LoginGate;
  /** Clears the brute-force count after a correct password. */
  throttle: LoginThrottle;
  audit: SecurityLog;
}

/** One answer for every failure, so the response never tells which part was wrong. */
export const invalidCredentials = () => new AppError('UNAUTHENTICATED', 'Invalid email or password.');

/**
 * Replaces a hash made with older parameters, and returns the one the account holds now for
 * this password: the new one; or, when another sign-in upgraded the same password meanwhile,
 * that one (checked: it must verify); else the outdated one, so the session is refused as
 * for a password changed meanwhile.
 */
async function upgradedHash(deps: PasswordLoginDeps, userId: string, outdated: string, password: string): Promise<string> {
  const replaced = await replaceOutdatedHash(deps.em, userId, outdated, await deps.hasher.hash(password));
  if (replaced !== outdated) return replaced;
  const stored = await storedPasswordHash(deps.em, userId);
  return stored !== null && stored !== outdated && (await deps.hasher.verify(stored, password)) ? stored : outdated;
}

/**
 * Verifies an email and password. The attempt is counted before the hash is checked (so a
 * parallel burst cannot outrun the limit); unknown accounts cost the same argon2 work as
 * known ones (no timing oracle); hashes made with older parameters are upgraded on success.
 * Beside the hash, a sign-in costs one Redis call before it and one after, one query for the
 * account and its wallets and one statement for the new session.
 */
export async function loginWithPassword(deps: PasswordLoginDeps, input: LoginInput): Promise<AuthResult> {
  const { ip } = input;
  /** Logs why (the client is told only that the credentials were wrong) and returns the one answer. */
  const failed = (reason: 'password_too_long' | 'unknown_account' | 'no_password' | 'wrong_password' | 'password_changed', userId?: string) => {
    deps.audit.failed('sign_in.failed', reason, { method: 'password', user_id: userId, ip });
    return invalidCredentials();
  };
  const account = normalizeEmail(input.email).normalized;
  try {
    await deps.gate.enter(account, ip);
  } catch (refused) {
    deps.audit.refused('sign_in.refused', refused, { method: 'password', ip });
    throw refused;
  }
  if ([...input.password].length > PASSWORD_MAX_LENGTH) throw failed('password_too_long');

  const { found, verified } = await deps.throttle.checkOrRelease(account, ip, async () => {
    const credentials = await findCredentials(deps.em, account);
    if (!credentials?.passwordHash) return { found: credentials, verified: await deps.hasher.verifyAgainstDummy(input.password) };
    return { found: credentials, verified: await deps.hasher.verify(credentials.passwordHash, input.password) };
  });
  if (!found?.passwordHash) throw found ? failed('no_password', found.user.id) : failed('unknown_account');
  const { user, wallets, passwordHash } = found;
  if (!verified) throw failed('wrong_password', user.id);
  await deps.throttle.succeeded(account, ip);

  const currentHash = deps.hasher.needsRehash(passwordHash) ? await upgradedHash(deps, user.id, passwordHash, input.password) : passwordHash;
  // Undefined when the password changed while it was being checked: it is not good any more.
  const opened = await deps.sessions.insertAfterPassword(deps.em, user.id, currentHash);
  if (!opened) throw failed('password_changed', user.id);
  deps.audit.succeeded('sign_in.succeeded', { method: 'password', user_id: user.id, session_id: opened.session.id, ip });
  return { user, wallets, tokens: tokensFor(deps.tokens, user.id, opened) };
}
