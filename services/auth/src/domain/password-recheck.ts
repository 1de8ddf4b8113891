import { AppError } from '#libs/errors';
import type { PasswordHasher } from './hashing/password-hasher.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { SecurityEvent, SecurityFields, SecurityLog } from './security-log.ts';

export interface PasswordRecheckDeps {
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  audit: SecurityLog;
}

export interface PasswordRecheck {
  user: { id: string; emailNormalized?: string | null | undefined; passwordHash?: string | null | undefined };
  password: string;
  ip: string;
  /** The security log's names for a refusal by the limits and for a wrong password. */
  events: { refused: SecurityEvent; failed: SecurityEvent };
  who: SecurityFields;
}

/**
 * Checks a signed-in user's password again before a sensitive change, under the sign-in
 * brute-force limits (a stolen access token must not become a password oracle). A wrong
 * password is a 400 on `current_password`: a 401 would tell the client its token is bad. An
 * account without a password (a wallet's) cannot pass.
 */
export async function recheckPassword(deps: PasswordRecheckDeps, check: PasswordRecheck): Promise<void> {
  // The sign-in's own counters (they are keyed by the normalized email): guesses here and at
  // sign-in add up, so a stolen access token does not double an attacker's allowance.
  const throttleKey = check.user.emailNormalized ?? `user:${check.user.id}`;
  try {
    await deps.throttle.attempt(throttleKey, check.ip);
  } catch (refused) {
    deps.audit.refused(check.events.refused, refused, check.who);
    throw refused;
  }
  const { passwordHash } = check.user;
  const matches = await deps.throttle.checkOrRelease(throttleKey, check.ip, async () => (passwordHash ? deps.hasher.verify(passwordHash, check.password) : false));
  if (!matches) {
    deps.audit.failed(check.events.failed, 'wrong_current_password', check.who);
    throw AppError.validation('The current password is incorrect.', [{ field: 'current_password', message: 'is incorrect' }]);
  }
  await deps.throttle.succeeded(throttleKey, check.ip);
}
