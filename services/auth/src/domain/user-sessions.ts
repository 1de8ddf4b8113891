import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid, PreparedStatement } from '#libs/db';
import { AppError } from '#libs/errors';
import { UserSchema } from '../db/entities/index.ts';
import { recheckPassword, type PasswordRecheckDeps } from './password-recheck.ts';
import { assertSessionOpen, endOpenSessions, lockAccount, type SessionLifecycleDeps } from './session-lifecycle.ts';

/** A user sees at most this many of their sessions, and ends at most this many by id at once. */
export const MAX_LISTED_SESSIONS = 100;

export interface SessionSummary {
  id: string;
  amr: string[];
  createdAt: Date;
  /** The last refresh-token rotation, or the sign-in when never refreshed. */
  lastActiveAt: Date;
  expiresAt: Date;
  current: boolean;
}

interface SessionRow {
  id: string;
  amr: string[];
  created_at: Date;
  last_active_at: Date;
  expires_at: Date;
}

const ACTIVE_SESSIONS = new PreparedStatement<SessionRow>(`
  select s."id", s."amr", s."created_at", s."expires_at",
         coalesce(max(t."created_at"), s."created_at") as "last_active_at"
  from "auth"."sessions" s
  left join "auth"."refresh_tokens" t on t."session_id" = s."id"
  where s."user_id" = $1 and s."revoked_at" is null and s."expires_at" > $2
  group by s."id"
  order by s."id" = $3 desc, s."created_at" desc
  limit ${MAX_LISTED_SESSIONS}`);

/**
 * The user's open sessions, newest first (ASVS 5.0 V7.5.2: a user can see where they are
 * signed in): the newest hundred, and always the caller's own, however old, so a user with
 * more sessions still finds the one they are in.
 */
export async function listOwnSessions(em: EntityManager, userId: string, currentSessionId: string): Promise<SessionSummary[]> {
  const rows = await ACTIVE_SESSIONS.run(em, [userId, new Date(), isUuid(currentSessionId) ? currentSessionId : null]);
  rows.sort((a, b) => new Date(b.created_at).getTime() - new Date(a.created_at).getTime());
  return rows.map((row) => ({
    id: row.id,
    amr: row.amr,
    createdAt: new Date(row.created_at),
    lastActiveAt: new Date(row.last_active_at),
    expiresAt: new Date(row.expires_at),
    current: row.id === currentSessionId,
  }));
}

export interface SessionRevokeDeps extends PasswordRecheckDeps {
  lifecycle: SessionLifecycleDeps;
}

export interface SessionRevokeInput {
  userId: string;
  sessionId: string;
  ip: string;
  currentPassword: string;
  /** The sessions to end; or, with `allOthers`, none named. */
  sessionIds: readonly string[];
  allOthers: boolean;
}

function assertOneTarget(input: SessionRevokeInput): void {
  const named = input.sessionIds.length > 0;
  if (named === input.allOthers) throw AppError.validation('Name the sessions to end, or ask for all others; not both.', [{ field: 'session_ids', message: 'give session_ids or all_others: true' }]);
  if (input.sessionIds.length > MAX_LISTED_SESSIONS) throw AppError.validation('Too many sessions.', [{ field: 'session_ids', message: `at most ${MAX_LISTED_SESSIONS}` }]);
  if (!input.sessionIds.every(isUuid)) throw AppError.validation('Invalid session id.', [{ field: 'session_ids', message: 'must be UUIDs' }]);
}

/**
 * Ends sessions of the user's after they re-enter their password (ASVS 5.0 V7.5.2: someone
 * holding a stolen session cannot sign the real user out): the named ones that are theirs
 * and still open, or all but the current one. Their tokens stop working within a second.
 */
export async function revokeOwnSessions(deps: SessionRevokeDeps, input: SessionRevokeInput): Promise<string[]> {
  assertOneTarget(input);
  const user = await deps.lifecycle.em.fork().findOne(UserSchema, { id: input.userId });
  if (!user) throw AppError.notFound('User');
  const who = { user_id: input.userId, session_id: input.sessionId, ip: input.ip };
  await recheckPassword(deps, { user, password: input.currentPassword, ip: input.ip, events: { refused: 'session.revoke_refused', failed: 'session.revoke_failed' }, who });

  const choice = input.allOthers ? { except: input.sessionId } : { only: input.sessionIds };
  const ended = await deps.lifecycle.em.fork().transactional(async (em) => {
    await lockAccount(em, user.id);
    await assertSessionOpen(em, user.id, input.sessionId);
    return endOpenSessions(em, deps.lifecycle.revocations, user.id, choice, 'user_revoked');
  });
  deps.audit.succeeded('session.revoked', { ...who, session_ids: ended });
  return ended;
}
