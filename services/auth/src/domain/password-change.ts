import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, type ErrorCode } from '#libs/errors';
import { recordEvent } from '#libs/events';
import { UserSchema } from '../db/entities/index.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { recheckPassword } from './password-recheck.ts';
import type { PasswordHasher } from './hashing/password-hasher.ts';
import { assertNotContextual } from './context-words.ts';
import { assertMeetsOrgPolicy, assertPasswordAcceptable, type OrgPasswordPolicy } from './password-rules.ts';
import type { SecurityLog } from './security-log.ts';
import { assertSessionOpen, endOpenSessions, type SessionLifecycleDeps } from './session-lifecycle.ts';

export interface PasswordChangeDeps {
  em: EntityManager;
  /** The strictest policy of the user's organizations. */
  orgPolicy: (userId: string) => Promise<OrgPasswordPolicy>;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  lifecycle: SessionLifecycleDeps;
  passwordMinLength: number;
  /** The service's names (PASSWORD_CONTEXT_WORDS). */
  passwordContextWords: readonly string[];
  afterCommit: () => void;
  audit: SecurityLog;
}

const concurrentChange = () => AppError.conflict('The password was changed by another request meanwhile; nothing was changed.');
/** Why a change that passed its checks still changed nothing, for the security log. */
const raceLosses: Partial<Record<ErrorCode, string>> = { CONFLICT: 'concurrent_change', UNAUTHENTICATED: 'session_ended' };

export interface PasswordChangeInput {
  userId: string;
  sessionId: string;
  ip: string;
  currentPassword: string;
  newPassword: string;
}

/**
 * Replaces the password after checking the current one (under the same brute-force limits as
 * sign-in) and that the new one differs from it, ends every other session, and emits
 * `user.password_changed` (no secrets in it).
 */
export async function changePassword(deps: PasswordChangeDeps, input: PasswordChangeInput): Promise<void> {
  assertPasswordAcceptable(input.newPassword, deps.passwordMinLength, 'new_password');
  assertMeetsOrgPolicy(input.newPassword, await deps.orgPolicy(input.userId), 'new_password');
  const user = await deps.em.fork().findOne(UserSchema, { id: input.userId });
  if (!user) throw AppError.notFound('User');
  assertNotContextual(input.newPassword, { serviceWords: deps.passwordContextWords, email: user.email, displayName: user.displayName }, 'new_password');
  const who = { user_id: input.userId, session_id: input.sessionId, ip: input.ip };
  await recheckPassword(deps, { user, password: input.currentPassword, ip: input.ip, events: { refused: 'password.change_refused', failed: 'password.change_failed' }, who });
  // Not a change: it would end every other session and tell them a password changed.
  if (input.newPassword === input.currentPassword) {
    throw AppError.validation('The new password is the current one.', [{ field: 'new_password', message: 'must differ from the current password' }]);
  }
  const passwordHash = await deps.hasher.hash(input.newPassword);

  // One instant for the row and the event: profile-data's copy takes its updated_at from the
  // event, so sign-in (auth's row) and GET /users/me (the copy) show the same time.
  const now = new Date();
  const ended = await deps.em.fork().transactional(async (em) => {
    // Only over the password just checked: of two changes racing from the same old password,
    // the second finds it replaced and changes nothing. The row stays locked to the commit.
    const replaced = await em.nativeUpdate(UserSchema, { id: user.id, passwordHash: user.passwordHash }, { passwordHash, updatedAt: now });
    if (replaced === 0) throw concurrentChange();
    await assertSessionOpen(em, user.id, input.sessionId);
    const ids = await endOpenSessions(em, deps.lifecycle.revocations, user.id, { except: input.sessionId }, 'password_changed');
    recordEvent(em, { type: 'user.password_changed', source: 'auth', subject: user.id, data: { user_id: user.id }, occurredAt: now });
    await em.flush();
    return ids;
  }).catch((error: unknown) => {
    const reason = error instanceof AppError ? raceLosses[error.code] : undefined;
    if (reason) deps.audit.failed('password.change_failed', reason, who);
    throw error;
  });
  deps.afterCommit();
  deps.audit.succeeded('password.changed', { ...who, ended_sessions: ended.length });
}
