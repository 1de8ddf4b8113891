import type { EntityManager } from '@mikro-orm/postgresql';
import { translateDbError, uuidv7 } from '#libs/db';
import { AppError } from '#libs/errors';
import { VISIBLE_TEXT_MESSAGES, visibleTextProblem } from '#libs/visible-text';
import { recordEvent } from '#libs/events';
import { UserSchema } from '../db/entities/index.ts';
import { tokensFor, type AuthResult } from './auth-result.ts';
import type { IpLimits } from './ip-limits.ts';
import type { PasswordHasher } from './hashing/password-hasher.ts';
import { assertNotContextual } from './context-words.ts';
import { assertPasswordAcceptable, normalizeEmail } from './password-rules.ts';
import type { SecurityLog } from './security-log.ts';
import type { SessionFactory } from './sessions.ts';
import type { TokenIssuer } from './token-issuer.ts';

export interface RegisterInput {
  email: string;
  password: string;
  displayName?: string | undefined;
  ip: string;
}

export interface RegistrationDeps {
  em: EntityManager;
  hasher: PasswordHasher;
  sessions: SessionFactory;
  tokens: TokenIssuer;
  ipLimits: IpLimits;
  passwordMinLength: number;
  /** The service's names (PASSWORD_CONTEXT_WORDS), refused in passwords beside the user's own email and name. */
  passwordContextWords: readonly string[];
  /** Called after commit so the outbox relay publishes without waiting for its next poll. */
  afterCommit: () => void;
  audit: SecurityLog;
}

const MAX_DISPLAY_NAME_LENGTH = 100;

/** A blank or absent name is no name (the email's local part stands in); anything else must show. */
function assertDisplayNameAcceptable(displayName: string | undefined): void {
  if (displayName === undefined || displayName.trim() === '') return;
  const invalid = (message: string) => AppError.validation('Invalid display name.', [{ field: 'display_name', message }]);
  // The service holds its own invariant (profile-data's for edits, the gateway's too), not only the edge.
  if ([...displayName.trim()].length > MAX_DISPLAY_NAME_LENGTH) throw invalid(`must be 1 to ${MAX_DISPLAY_NAME_LENGTH} characters`);
  const problem = visibleTextProblem(displayName);
  if (problem) throw invalid(VISIBLE_TEXT_MESSAGES[problem]);
}

/** RFC 5321 §4.5.3.1.1: a mailbox's local part holds at most 64 octets; a longer one delivers nowhere. */
const MAX_EMAIL_LOCAL_PART_LENGTH = 64;

function localPart(email: string): string {
  return email.slice(0, email.lastIndexOf('@'));
}

function assertEmailAcceptable(email: string): void {
  if (localPart(email).length > MAX_EMAIL_LOCAL_PART_LENGTH) {
    throw AppError.validation('Invalid email.', [{ field: 'email', message: `the part before @ must be at most ${MAX_EMAIL_LOCAL_PART_LENGTH} characters` }]);
  }
}

/** The name shown until the user picks one: the email's local part, within the name's own limit. */
function defaultDisplayName(email: string): string {
  return [...(localPart(email) || email)].slice(0, MAX_DISPLAY_NAME_LENGTH).join('');
}

const emailTaken = () => AppError.conflict('An account with this email already exists.');

/** Creates the user, its first session and the `user.registered` event in one transaction. */
export async function registerUser(deps: RegistrationDeps, input: RegisterInput): Promise<AuthResult> {
  const { ip } = input;
  try {
    await deps.ipLimits.consume('register', ip);
  } catch (refused) {
    deps.audit.refused('registration.refused', refused, { ip });
    throw refused;
  }
  assertPasswordAcceptable(input.password, deps.passwordMinLength);
  assertDisplayNameAcceptable(input.displayName);
  const { email, normalized } = normalizeEmail(input.email);
  assertEmailAcceptable(email);
  assertNotContextual(input.password, { serviceWords: deps.passwordContextWords, email, displayName: input.displayName }, 'password');
  const passwordHash = await deps.hasher.hash(input.password);
  const displayName = input.displayName?.trim() || defaultDisplayName(email);
  const now = new Date();

  const result = await deps.em
    .fork()
    .transactional(async (em) => {
      const user = em.create(UserSchema, {
        id: uuidv7(),
        email,
        emailNormalized: normalized,
        passwordHash,
        displayName,
        createdAt: now,
        updatedAt: now,
      });
      const opened = deps.sessions.open(em, user.id, ['pwd'], now);
      recordEvent(em, {
        type: 'user.registered',
        source: 'auth',
        subject: user.id,
        data: { user_id: user.id, email, display_name: displayName },
        // The account's own creation time, so the projections show the register response's times.
        occurredAt: now,
      });
      await em.flush();
      return { user, opened };
    })
    .catch((error: unknown) => {
      const translated = translateDbError(error, { users_email_normalized_key: emailTaken });
      if (translated instanceof AppError && translated.code === 'CONFLICT') deps.audit.failed('registration.failed', 'email_taken', { ip });
      throw translated;
    });
  deps.afterCommit();
  deps.audit.succeeded('registration.succeeded', { user_id: result.user.id, session_id: result.opened.session.id, ip });
  return { user: result.user, wallets: [], tokens: tokensFor(deps.tokens, result.user.id, result.opened) };
}
